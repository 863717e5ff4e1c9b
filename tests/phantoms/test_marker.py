"""The burned-in finding tags and the lesion-strength option: where the tags sit, what they say,
that films drawn without the options are unchanged, and that the bundled reference test set's
ground truth gives the grounding probes what they need (lesion boxes and masks, the tags' boxes)."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vlmcore.data.mask_runs import mask_from_runs, mask_runs
from vlmcore.phantoms import PhantomSpec, render_phantom
from vlmcore.phantoms.marker import LIT, PLATE, SIDES, tag_boxes, tag_cells
from vlmcore.phantoms.truth import FINDING_KINDS
from vlmcore.reference.phantom_set import phantom_films

TEST_SET = Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "test"
TWO_FINDINGS = PhantomSpec(5, size=128, findings=(("cardiomegaly", None), ("pleural_effusion", "left")))


def test_the_tags_never_touch_the_body_and_sit_in_the_top_corners_on_their_side():
    from scipy import ndimage

    for film in phantom_films(11, 120):
        truth = render_phantom(replace(film.spec, tag=True))
        (rx, ry, rw, rh), (lx, ly, lw, lh) = truth.marker_boxes
        size = film.spec.size
        assert rx + rw < 0.3 * size < 0.7 * size < lx and max(ry + rh, ly + lh) < 0.1 * size  # patient right = image left
        distance = ndimage.distance_transform_edt(~truth.body)
        for x, y, w, h in truth.marker_boxes:
            assert distance[y:y + h, x:x + w].min() >= 2, film.name


def _lit(truth) -> set[tuple[str, int]]:
    lit = set()
    for side, (x, y, w, h) in zip(SIDES, truth.marker_boxes):
        plate = truth.image[y:y + h, x:x + w].astype(float) / 255
        assert np.isclose(plate.min(), PLATE, atol=1 / 255)
        columns = np.array_split(np.arange(w), len(FINDING_KINDS))
        lit |= {(side, c) for c, cc in enumerate(columns) if plate[:, cc].max() >= LIT - 1e-6}
    return lit


def test_each_tag_lights_one_cell_per_finding_on_its_side():
    truth = render_phantom(replace(TWO_FINDINGS, tag=True))
    # cardiomegaly (no side) on both tags; the left effusion on the left tag only
    assert _lit(truth) == tag_cells(TWO_FINDINGS.findings) == {("right", 0), ("left", 0), ("left", 1)}
    empty = render_phantom(replace(PhantomSpec(5, size=128), tag=True))
    assert _lit(empty) == set()  # a normal film's tags are blank plates


def test_films_drawn_without_the_options_are_unchanged_and_the_tag_changes_only_its_box():
    plain = render_phantom(TWO_FINDINGS)
    assert plain.marker_boxes == ()
    assert np.array_equal(plain.image, render_phantom(replace(TWO_FINDINGS, lesion_strength=1.0, tag=False)).image)
    tagged = render_phantom(replace(TWO_FINDINGS, tag=True))
    outside = np.ones_like(plain.image, dtype=bool)
    for x, y, w, h in tagged.marker_boxes:
        outside[y:y + h, x:x + w] = False
    assert np.array_equal(plain.image[outside], tagged.image[outside]) and not np.array_equal(plain.image, tagged.image)
    assert tag_boxes(128) == tagged.marker_boxes


def test_lesion_strength_zero_hides_the_lesions_but_keeps_their_truth():
    full = render_phantom(TWO_FINDINGS)
    hidden = render_phantom(replace(TWO_FINDINGS, lesion_strength=0.0))
    normal = render_phantom(PhantomSpec(5, size=128))
    effusion = full.findings[1].mask
    assert [f.kind for f in hidden.findings] == ["cardiomegaly", "pleural_effusion"]
    assert np.array_equal(hidden.findings[1].mask, effusion) and hidden.has("pleural_effusion", "left")
    # the fluid's brightness is gone: inside the mask the hidden film looks like the normal film, not the full one
    assert abs(hidden.image[effusion].mean() - normal.image[effusion].mean()) < 4
    assert full.image[effusion].mean() - normal.image[effusion].mean() > 40
    assert hidden.cardiothoracic_ratio < 0.5 < full.cardiothoracic_ratio  # the heart is drawn at normal size


@pytest.mark.parametrize("mask", [np.zeros((5, 7), bool), np.ones((5, 7), bool), np.eye(6, dtype=bool)])
def test_mask_runs_round_trip(mask):
    assert np.array_equal(mask_from_runs(mask_runs(mask), mask.shape), mask)


def test_the_bundled_ground_truth_gives_every_film_its_tag_box_and_exact_lesion_masks():
    from vlmcore.reference.test_set import render_entry

    truth = json.loads((TEST_SET / "ground_truth.json").read_text())
    assert len(truth) >= 150
    for name, entry in truth.items():
        film = render_entry(entry)
        assert np.array_equal(film.image, np.asarray(Image.open(TEST_SET / name))), name  # re-renders exactly
        assert entry["tag"] and tuple(tuple(box) for box in entry["marker_boxes"]) == film.marker_boxes
        assert len(entry["findings"]) == len(entry["spec_findings"])
        for recorded, drawn in zip(entry["findings"], film.findings):
            assert np.array_equal(mask_from_runs(recorded["mask_runs"], film.image.shape), drawn.mask)
            assert tuple(recorded["box"]) == drawn.box
