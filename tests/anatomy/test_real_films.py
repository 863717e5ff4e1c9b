"""Body mask and lung fields on the real films in ../shared/data/cxr."""

import numpy as np
import pytest

from tests.conftest import shared_file
from vlmcore.anatomy import body_mask, lung_fields
from vlmcore.anatomy.boxes import NIH_IMAGE_SHAPE, read_nih_boxes
from vlmcore.data.images import load_image

FILMS = ["00000001_000.png", "00027426_000.png", "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm", "Fake_MONOHR1.dcm"]


@pytest.mark.parametrize("name", FILMS[:3])
def test_body_mask_keeps_body_and_drops_corner_air(name):
    gray = load_image(shared_file("cxr", name)).pixels
    mask = body_mask(gray)
    h, w = mask.shape
    corner = max(4, h // 32)
    assert mask[h // 2 - h // 8: h // 2 + h // 8, w // 2 - w // 8: w // 2 + w // 8].all(), "chest centre must be body"
    assert not mask[:corner, :corner].any() and not mask[:corner, -corner:].any(), "top corners are air"
    assert 0.6 <= mask.mean() <= 0.97, f"implausible body fraction {mask.mean():.2f}"


@pytest.mark.parametrize("name", FILMS[:2])
def test_lung_fields_lie_either_side_of_the_midline(name):
    gray = load_image(shared_file("cxr", name)).pixels
    lungs = lung_fields(gray)
    w = gray.shape[1]
    right_cols = np.nonzero(lungs.patient_right.any(axis=0))[0]
    left_cols = np.nonzero(lungs.patient_left.any(axis=0))[0]
    assert right_cols.mean() < w / 2 < left_cols.mean(), "patient right lung is on the image's left (PA)"
    for lung in (lungs.patient_right, lungs.patient_left):
        assert 0.05 <= lung.mean() <= 0.3
        assert gray[lung].mean() < gray[body_mask(gray) & ~lungs.both].mean(), "lungs are darker than the rest of the body"


def test_nih_boxes_read():
    boxes = read_nih_boxes(shared_file("nih-bbox", "BBox_List_2017.csv"))
    assert len(boxes) == 984
    assert len({b.image for b in boxes}) == 880
    assert {b.finding for b in boxes} >= {"Atelectasis", "Effusion", "Cardiomegaly", "Infiltrate"}
    assert all(0 <= b.x < NIH_IMAGE_SHAPE[1] and b.w > 0 for b in boxes)
