"""The counterfactual trials drawn for each group: partners, balance, determinism, lesion places."""

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vlmcore.data import load_dataset
from vlmcore.data.images import film_size
from vlmcore.errors import DatasetError
from vlmcore.grounding import build_plan, plan_for
from vlmcore.grounding.regions import lesion_index

FIELDS = ("group_id", "image", "question", "answer", "role", "relation", "patient_id", "view", "box")


def write_dataset(folder: Path, rows: list[dict], sizes: dict[str, tuple[int, int]] | None = None) -> Path:
    """A generic-schema dataset; every named film a distinct 64 px (or ``sizes``) PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(sorted({r["image"] for r in rows})):
        height, width = (sizes or {}).get(name, (64, 64))
        pixels = np.random.default_rng(index).integers(0, 255, (height, width)).astype(np.uint8)
        Image.fromarray(pixels).save(folder / name)
    path = folder / "dataset.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows([{field: row.get(field, "") for field in FIELDS} for row in rows])
    return path


def cardiomegaly_rows(films: int, yes_every: int = 2, patients_of=lambda i: f"p{i}") -> list[dict]:
    return [{"group_id": f"g{i}", "image": f"f{i}.png", "question": "Is there cardiomegaly?",
             "answer": "yes" if i % yes_every == 0 else "no", "role": "base", "patient_id": patients_of(i)} for i in range(films)]


def test_label_swap_partners_are_other_patients_with_the_other_and_the_same_label(tmp_path):
    dataset = load_dataset(write_dataset(tmp_path, cardiomegaly_rows(12, patients_of=lambda i: f"p{i // 2}")))
    plan = build_plan(dataset)
    by_film = {case.image_path: case for case in dataset.cases}
    for group in dataset.groups:
        trials = {t.arm: t for t in plan.of(group.group_id) if t.kind == "label_swap"}
        assert set(trials) == {"differs", "same"}
        for arm, trial in trials.items():
            partner = by_film[trial.source]
            assert partner.patient_id != group.patient_id and trial.transform is None
            assert trial.expected == partner.expected_answer
            assert (partner.expected_answer != group.base.expected_answer) == (arm == "differs")
            assert trial.reference_question == group.base.question and trial.reference_expected == group.base.expected_answer


def test_draws_are_deterministic_and_mostly_survive_a_grown_dataset(tmp_path):
    rows = cardiomegaly_rows(40)
    first = build_plan(load_dataset(write_dataset(tmp_path / "a", rows)))
    again = build_plan(load_dataset(write_dataset(tmp_path / "b", rows)))
    name = lambda plan: {t.case_id: t.source.name for trials in plan.trials.values() for t in trials}
    assert name(first) == name(again)
    grown = build_plan(load_dataset(write_dataset(tmp_path / "c", cardiomegaly_rows(44))))
    kept = sum(name(grown)[case] == partner for case, partner in name(first).items())
    assert kept / len(name(first)) > 0.8  # rendezvous hashing: only draws a new film wins change


def test_partners_of_the_same_view_and_size_are_preferred(tmp_path):
    rows = cardiomegaly_rows(8)
    for row in rows:
        row["view"] = "PA" if int(row["group_id"][1:]) < 6 else "AP"
    sizes = {f"f{i}.png": (64, 64) if i in (0, 2, 3) else (80, 64) for i in range(8)}
    dataset = load_dataset(write_dataset(tmp_path, rows, sizes))
    trials = {t.arm: t for t in build_plan(dataset, size_of=film_size).of("g0")}
    assert trials["same"].source.name == "f2.png" and trials["differs"].source.name == "f3.png"  # PA and 64x64, as f0


def test_no_label_swap_without_a_partner_of_each_label(tmp_path):
    dataset = load_dataset(write_dataset(tmp_path, cardiomegaly_rows(6, yes_every=1)))  # every film: yes
    plan = build_plan(dataset)
    assert plan.trials == {} and any("label_swap: no other patient's film" in note for note in plan.notes)


def test_conflicting_labels_on_one_film_are_not_used(tmp_path):
    rows = cardiomegaly_rows(6) + [{"group_id": "dup", "image": "f1.png", "question": "Is there cardiomegaly?", "answer": "yes",
                                    "role": "base", "patient_id": "p1"}]
    plan = build_plan(load_dataset(write_dataset(tmp_path, rows)))
    assert all(t.source.name != "f1.png" for trials in plan.trials.values() for t in trials)
    assert any("labels them both ways" in note for note in plan.notes)


def _lateral(films: int, unilateral: int) -> list[dict]:
    rows = []
    for i in range(films):
        left = "yes" if i < unilateral else "no"
        rows += [{"group_id": f"g{i}", "image": f"f{i}.png", "question": "Is there effusion in the left lung?", "answer": left,
                  "role": "base", "patient_id": f"p{i}"},
                 {"group_id": f"g{i}", "image": f"f{i}.png", "question": "Is there effusion in the right lung?", "answer": "no",
                  "role": "variant", "relation": "different", "patient_id": f"p{i}"}]
    return rows


def test_mirror_trials_are_balanced_between_swap_and_keep_films(tmp_path):
    plan = build_plan(load_dataset(write_dataset(tmp_path, _lateral(20, unilateral=6))))
    counts = Counter((t.kind, t.arm) for trials in plan.trials.values() for t in trials if t.kind == "mirror_laterality")
    assert counts == {("mirror_laterality", "swap"): 12, ("mirror_laterality", "keep"): 12}  # 6 films each, 2 questions a film
    assert "mirror_laterality: keep films left out to balance the arms: 8" in plan.notes
    swap = [t for trials in plan.trials.values() for t in trials if t.arm == "swap"]
    left = next(t for t in swap if "left" in t.question)
    assert (left.expected, left.reference_expected) == ("no", "yes")  # mirrored: the left side shows the right's "no"
    assert all(t.transform.kind == "mirror" for t in swap)


def test_occlusion_needs_a_yes_and_a_known_place(tmp_path):
    rows = cardiomegaly_rows(6)
    rows[0]["box"] = "10,12,20,16"
    dataset = load_dataset(write_dataset(tmp_path, rows))
    plan = build_plan(dataset)
    occluded = {t.arm: t for t in plan.of("g0") if t.kind == "lesion_occlusion"}
    assert set(occluded) == {"lesion", "remote"} and occluded["lesion"].expected == "no" and occluded["remote"].expected == "yes"
    assert occluded["lesion"].transform.region.box == (10, 12, 20, 16)
    assert not [t for t in plan.of("g2") if t.kind == "lesion_occlusion"]  # yes, but no known place
    assert any("no known lesion place for cardiomegaly" in note for note in plan.notes)


def test_a_bad_box_is_refused_with_file_row_and_column(tmp_path):
    rows = cardiomegaly_rows(4)
    rows[1]["box"] = "10,12,twenty,16"
    with pytest.raises(DatasetError, match=r"row 3.*box.*not four numbers"):
        load_dataset(write_dataset(tmp_path, rows))


def test_lesion_places_from_ground_truth_and_an_nih_box_file(tmp_path):
    path = write_dataset(tmp_path, cardiomegaly_rows(6))
    (tmp_path / "ground_truth.json").write_text(json.dumps({"f0.png": {"size": 64, "findings": [
        {"kind": "cardiomegaly", "side": None, "box": [20, 30, 24, 14], "mask_runs": "1940 24"}]}}))
    nih = tmp_path / "boxes.csv"
    nih.write_text("Image Index,Finding Label,Bbox [x,y,w,h]\nf2.png,Cardiomegaly,256,256,512,256\nf4.png,Effusion,1,1,10,10\n")
    plan = plan_for(load_dataset(path), nih)
    truth = next(t for t in plan.of("g0") if t.arm == "lesion").transform.region
    assert truth.source == "ground truth" and truth.mask((64, 64)).sum() == 24
    box = next(t for t in plan.of("g2") if t.arm == "lesion").transform.region
    assert box.source == "NIH box file" and box.mask((64, 64)).sum() == 32 * 16
    assert not [t for t in plan.of("g4") if t.kind == "lesion_occlusion"]  # an effusion box says nothing about cardiomegaly
    assert len(lesion_index(path, nih).sources) == 2
