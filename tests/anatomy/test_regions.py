"""Known answers for region measures on synthetic maps."""

import numpy as np
import pytest

from vlmcore.anatomy import border_fraction, cell_coverage, inside_body_ratio, inside_box_ratio, region_fractions
from vlmcore.metrics import MapError


def test_border_concentrated_map_has_border_fraction_one():
    grid = np.zeros((16, 16))
    grid[0, :] = grid[-1, :] = grid[:, 0] = grid[:, -1] = 1.0
    assert border_fraction(grid) == pytest.approx(1.0)


def test_central_map_has_border_fraction_zero():
    grid = np.zeros((16, 16))
    grid[6:10, 6:10] = 1.0
    assert border_fraction(grid) == pytest.approx(0.0)


def test_border_corners_counted_once():
    grid = np.ones((4, 4))
    assert border_fraction(grid) == pytest.approx(12 / 16)


def test_image_left_half_is_patient_right():
    grid = np.zeros((16, 16))
    grid[:, :8] = 1.0
    regions = region_fractions(grid)
    assert regions.patient_right == pytest.approx(1.0)
    assert regions.patient_left == pytest.approx(0.0)
    assert regions.apical == pytest.approx(0.5)


def test_odd_grid_middle_column_splits_evenly():
    grid = np.zeros((5, 5))
    grid[:, 2] = 1.0
    regions = region_fractions(grid)
    assert regions.patient_right == pytest.approx(0.5) and regions.patient_left == pytest.approx(0.5)


def test_lateral_view_refused():
    with pytest.raises(MapError, match="PA"):
        region_fractions(np.ones((4, 4)), view="LATERAL")


def test_inside_body_ratio_reads_the_unmasked_map():
    body = np.zeros((64, 64), dtype=bool)
    body[:, 16:48] = True  # body is the central half of the columns
    uniform = np.ones((16, 16))
    assert inside_body_ratio(uniform, body) == pytest.approx(0.5)
    outside = np.zeros((16, 16))
    outside[:, :2] = 1.0
    assert inside_body_ratio(outside, body) == pytest.approx(0.0)
    assert cell_coverage(body, (16, 16))[0, 3] == pytest.approx(0.0)
    assert cell_coverage(body, (16, 16))[0, 4] == pytest.approx(1.0)


def test_inside_box_ratio_scales_box_to_grid():
    grid = np.zeros((16, 16))
    grid[0:4, 0:4] = 1.0  # top-left quarter of a 1024 image: 256x256 px
    assert inside_box_ratio(grid, (0, 0, 256, 256), (1024, 1024)) == pytest.approx(1.0)
    assert inside_box_ratio(grid, (0, 0, 128, 256), (1024, 1024)) == pytest.approx(0.5)
    assert inside_box_ratio(grid, (512, 512, 100, 100), (1024, 1024)) == pytest.approx(0.0)
    with pytest.raises(MapError, match="outside"):
        inside_box_ratio(grid, (2000, 0, 10, 10), (1024, 1024))


@pytest.mark.parametrize("side", [8, 16, 24, 37])
def test_border_ratio_is_one_for_a_uniform_map_on_every_grid_and_a_ring_map_fails(side):
    """The raw border fraction of a uniform map is 0.44 on 8x8 but 0.10 on 37x37; the ratio to the
    ring's area share is 1.0 on both, so one threshold (1.5) judges every model."""
    from vlmcore.anatomy import border_ratio
    from vlmcore.verdict.thresholds import load_thresholds

    threshold = load_thresholds().get("border_ratio")
    uniform = np.ones((side, side))
    ring = np.ones((side, side))
    ring[1:-1, 1:-1] = 0.0
    centre = np.zeros((side, side))
    centre[side // 2 - 1: side // 2 + 1, side // 2 - 1: side // 2 + 1] = 1.0
    assert border_ratio(uniform) == pytest.approx(1.0)
    assert border_ratio(uniform) <= threshold < border_ratio(ring)
    assert border_ratio(centre) == pytest.approx(0.0)
