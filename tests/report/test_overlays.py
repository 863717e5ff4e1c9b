import numpy as np
from PIL import Image

from vlmcore.report.overlays import comparison_png, overlay_png


def test_overlay_and_comparison_are_pngs(tmp_path):
    gray = (np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8)
    base = np.random.default_rng(1).random((16, 16))
    variant = np.random.default_rng(2).random((16, 16))
    data = overlay_png(gray, base, "base (sdpa-rows)", path=tmp_path / "o.png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "o.png").read_bytes() == data
    three = comparison_png(gray, base, variant, path=tmp_path / "c.png")
    assert Image.open(tmp_path / "c.png").size[0] > Image.open(tmp_path / "o.png").size[0] * 2
    assert three != data


def _difference_panel(png: bytes) -> np.ndarray:
    from io import BytesIO

    from vlmcore.report.overlays import PANEL, TITLE

    sheet = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(float)
    return sheet[TITLE + 20:TITLE + PANEL - 20, 2 * PANEL + 20:3 * PANEL - 20]  # inside the film, clear of the markers


def test_the_difference_panel_uses_one_fixed_scale_not_its_own_maximum():
    """A tiny map change must look faint and a large one loud: scaled to its own maximum the two
    panels would be the same picture."""
    from vlmcore.report.overlays import difference_units

    gray = np.full((64, 64), 120, dtype=np.uint8)
    base = np.ones((8, 8))
    small, large = base.copy(), base.copy()
    small[2, 2], large[2, 2] = 1.05, 3.0
    assert abs(difference_units(base, small)[2, 2] - (64 * 1.05 / 64.05 - 1)) < 1e-9  # in units of a uniform cell's mass
    neutral = _difference_panel(comparison_png(gray, base, base))
    faint = np.abs(_difference_panel(comparison_png(gray, base, small)) - neutral).max()
    loud = np.abs(_difference_panel(comparison_png(gray, base, large)) - neutral).max()
    assert faint < 10 < 60 < loud


def test_panels_carry_side_and_level_markers_and_a_colour_bar():
    from io import BytesIO

    from vlmcore.report.overlays import BAR, PANEL, TITLE

    gray = np.full((64, 64), 120, dtype=np.uint8)
    sheet = np.asarray(Image.open(BytesIO(overlay_png(gray, np.ones((8, 8)), "t"))).convert("RGB")).astype(int)
    assert sheet.shape[:2] == (TITLE + PANEL + BAR, PANEL)
    left_marker = sheet[TITLE + PANEL // 2 - 6:TITLE + PANEL // 2 + 8, 2:12]
    assert (left_marker.min(axis=2) > 240).any()  # the white "R" on the film's left: the patient's right
    bar = sheet[TITLE + PANEL + 3, 6:PANEL - 6]
    assert np.abs(np.diff(bar.sum(axis=1))).sum() > 200  # a gradient, not a blank strip


def test_the_report_overlays_are_the_same_jpeg_without_the_png_in_between():
    """The collector encodes overlays as JPEG straight from the drawn sheet: the same bytes as
    the PNG (lossless) converted to JPEG, for the base map, a region and a comparison."""
    from vlmcore.report.overlays import as_jpeg, comparison_jpeg, overlay_jpeg

    gray = (np.random.default_rng(3).random((80, 96)) * 255).astype(np.uint8)
    base = np.random.default_rng(4).random((12, 12))
    variant = np.random.default_rng(5).random((12, 12))
    region = (0.1, 0.0, 0.9, 1.0)
    assert overlay_jpeg(gray, base, "t") == as_jpeg(overlay_png(gray, base, "t"))
    assert overlay_jpeg(gray, base, "t", region=region) == as_jpeg(overlay_png(gray, base, "t", region=region))
    titles = ("base: yes", "variant: no")
    direct = comparison_jpeg(gray, base, variant, titles=titles, region=region)
    assert direct == as_jpeg(comparison_png(gray, base, variant, titles=titles, region=region))
    assert direct[:2] == b"\xff\xd8" and direct != comparison_jpeg(gray, base, base, titles=titles, region=region)
