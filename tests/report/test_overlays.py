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
