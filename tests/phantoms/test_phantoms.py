"""Phantom ground truth against the measurement layer, determinism, the bundled dataset."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from vlmcore.anatomy import body_mask
from vlmcore.data import load_dataset
from vlmcore.phantoms import PhantomSpec, render_phantom
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT, build

SPECS = [
    PhantomSpec(1), PhantomSpec(2, findings=(("cardiomegaly", None),)), PhantomSpec(3, findings=(("pleural_effusion", "right"),)),
    PhantomSpec(4, findings=(("pneumothorax", "left"),)), PhantomSpec(5, findings=(("consolidation", "left"), ("nodule", "right"))),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "+".join(k for k, _ in s.findings) or "normal")
def test_body_mask_matches_phantom_body(spec):
    truth = render_phantom(spec)
    mask = body_mask(truth.image)
    iou = (mask & truth.body).sum() / (mask | truth.body).sum()
    assert iou >= 0.9, iou


@pytest.mark.parametrize("spec", SPECS[2:], ids=lambda s: "+".join(k for k, _ in s.findings))
def test_lung_findings_lie_inside_their_lung(spec):
    truth = render_phantom(spec)
    for finding in truth.findings:
        lung = truth.lung_right if finding.side == "right" else truth.lung_left
        assert finding.mask.any() and not (finding.mask & ~lung).any()
        rows, cols = np.nonzero(lung)
        x, y, w, h = finding.box
        assert cols.min() <= x and x + w - 1 <= cols.max() and rows.min() <= y and y + h - 1 <= rows.max()


def test_patient_right_is_on_the_image_left():
    truth = render_phantom(SPECS[2])  # right effusion
    x, _, w, _ = truth.findings[0].box
    assert x + w / 2 < truth.image.shape[1] / 2


def test_cardiomegaly_has_ratio_above_half():
    assert render_phantom(SPECS[1]).cardiothoracic_ratio > 0.5
    assert render_phantom(SPECS[0]).cardiothoracic_ratio < 0.5


def test_deterministic_from_seed():
    a, b = render_phantom(SPECS[3]), render_phantom(SPECS[3])
    assert np.array_equal(a.image, b.image)
    assert not np.array_equal(a.image, render_phantom(PhantomSpec(99, findings=SPECS[3].findings)).image)


def _digest(folder: Path) -> dict[str, str]:
    """Text files by their bytes, images by their decoded pixels (PNG bytes depend on the zlib build)."""
    from PIL import Image

    digests = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = np.asarray(Image.open(path)).tobytes() if path.suffix == ".png" else path.read_bytes()
        digests[str(path.relative_to(folder))] = hashlib.sha256(data).hexdigest()
    return digests


def test_bundled_dataset_regenerates_exactly(tmp_path):
    build(tmp_path)
    assert _digest(tmp_path) == _digest(DEFAULT_OUT)


def test_bundled_dataset_answers_follow_ground_truth():
    dataset = load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT, check_images=True)
    truth = json.loads((DEFAULT_OUT / "ground_truth.json").read_text())
    assert 10 <= len({c.image_path for c in dataset.cases}) <= 40
    for group in dataset.groups:
        present = {f["kind"] for f in truth[f"images/{group.image_path.name}"]["findings"]}
        assert (group.base.expected_answer == "yes") == (group.finding in present)
        for case in group.variants:
            if case.relation == "invariant":
                assert case.expected_answer == group.base.expected_answer
            if case.relation == "inverted":
                assert case.expected_answer != group.base.expected_answer
