"""Known answers for region measures on synthetic maps."""

import numpy as np
import pytest

from vlmcore.anatomy import border_fraction, cell_coverage, inside_body_ratio, inside_body_share, inside_box_ratio, region_fractions, view_of
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
    """The measure is the body's share of the map over its share of the film (issue 28: the raw
    share of a uniform map was the body's area share, 0.5 here, and cleared a 0.7 bar on real films)."""
    body = np.zeros((64, 64), dtype=bool)
    body[:, 16:48] = True  # body is the central half of the columns
    uniform = np.ones((16, 16))
    assert inside_body_share(uniform, body) == pytest.approx(0.5)
    assert inside_body_ratio(uniform, body) == pytest.approx(1.0)
    inside = np.zeros((16, 16))
    inside[:, 4:12] = 1.0
    assert inside_body_ratio(inside, body) == pytest.approx(2.0)  # all mass inside: 1 / area share
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


def test_uniform_map_scores_one_inside_the_body_on_every_film():
    """Whatever the film (phantom, odd sizes, the real NIH / DICOM films when present) and grid,
    a uniform map's inside-body measure is exactly 1.0, and the label says so."""
    from tests.conftest import SHARED_DATA
    from vlmcore.anatomy import body_mask
    from vlmcore.data.images import load_image
    from vlmcore.metrics.rates import MEASURES
    from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom

    films = [render_phantom(PhantomSpec(seed=s, size=size)).image for s, size in ((0, 128), (3, 200), (5, 97))]
    films += [load_image(p).pixels for p in sorted((SHARED_DATA / "cxr").glob("*")) if p.suffix.lower() in (".png", ".dcm")]
    for film in films:
        body = body_mask(film)
        for grid in ((8, 8), (16, 16), (37, 37), (24, 31)):
            assert inside_body_ratio(np.ones(grid), body) == pytest.approx(1.0)
    assert "1 = uniform" in MEASURES["inside_body_ratio"].label and "area share" in MEASURES["inside_body_ratio"].label


def test_view_of_reads_the_datasets_view_and_lateral_films_get_no_sides():
    from vlmcore.attention.attention_map import AttentionMap
    from vlmcore.engine.map_metrics import map_metrics

    assert view_of({"view": "pa"}) == "PA" and view_of({"ViewPosition": "AP"}) == "AP"
    assert view_of({"view": "LL"}) == "LATERAL" and view_of({}) is None and view_of(None) is None
    values = np.arange(16, dtype=float).reshape(4, 4) + 1
    body = np.ones((64, 64), dtype=bool)
    attention = AttentionMap(values, "sdpa-rows", (4, 4))
    frontal = map_metrics(attention, body, None, (64, 64), "AP")
    assert frontal["patient_right"] == pytest.approx(region_fractions(values).patient_right, abs=1e-6)
    lateral = map_metrics(attention, body, None, (64, 64), "LATERAL")
    assert "patient_right" not in lateral and "patient_left" not in lateral and lateral["inside_body_ratio"] == pytest.approx(1.0)
