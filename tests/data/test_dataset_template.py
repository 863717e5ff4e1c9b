"""The README's dataset template (examples/dataset_template.csv) is a dataset vlmcore reads as the
README says: two groups, their bases, a negated control, the findings and patients named."""

from pathlib import Path

import numpy as np
from PIL import Image

from vlmcore.data import load_dataset

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "dataset_template.csv"


def test_the_readme_template_loads_with_its_films(tmp_path):
    (tmp_path / "films").mkdir()
    for name in ("p001", "p002"):
        Image.fromarray(np.full((64, 64), 128, dtype=np.uint8)).save(tmp_path / "films" / f"{name}.png")
    copy = tmp_path / "dataset.csv"
    copy.write_text(TEMPLATE.read_text())
    dataset = load_dataset(copy, image_root=tmp_path)
    groups = {group.group_id: group for group in dataset.groups}
    assert set(groups) == {"p001-effusion", "p002-cardiomegaly"}
    effusion = groups["p001-effusion"]
    assert effusion.base.question == "Is there a pleural effusion?" and effusion.finding == "pleural_effusion"
    assert [case.relation for case in effusion.cases].count("inverted") == 1
    assert {case.patient_id for group in groups.values() for case in group.cases} == {"p001", "p002"}
