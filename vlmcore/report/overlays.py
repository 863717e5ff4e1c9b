"""Attention overlays on the X-ray, as PNG, drawn with numpy and PIL (milliseconds each, so
every flipped pair of a run can have one).

Display only: maps are clipped at a high percentile so one hot cell does not wash out the
rest. Metrics always use the raw maps. Each panel carries a title (e.g. the map's method).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from vlmcore.metrics.distribution import as_distribution

PANEL = 160  # pixels per panel side
TITLE = 14  # pixels of title strip


@lru_cache(maxsize=4)
def _lut(name: str) -> np.ndarray:
    import matplotlib

    return (matplotlib.colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


def _film(gray: np.ndarray) -> np.ndarray:
    small = cv2.resize(np.asarray(gray, dtype=np.uint8), (PANEL, PANEL), interpolation=cv2.INTER_AREA)
    return np.repeat(small[..., None], 3, axis=2).astype(np.float32)


def _panel_box(region, image_shape) -> tuple[int, int, int, int]:
    """(row0, row1, col0, col1) of the film region inside a PANEL x PANEL panel."""
    if region is None:
        return 0, PANEL, 0, PANEL
    top, left, height, width = region
    rows, cols = PANEL / image_shape[0], PANEL / image_shape[1]
    row0, col0 = int(round(top * rows)), int(round(left * cols))
    return row0, max(row0 + 1, int(round((top + height) * rows))), col0, max(col0 + 1, int(round((left + width) * cols)))


def _blend(film: np.ndarray, unit: np.ndarray, cmap: str, alpha: float, box=(0, PANEL, 0, PANEL)) -> np.ndarray:
    """The map over the part of the film the model saw (``box``); the rest is dimmed: the model never saw it."""
    row0, row1, col0, col1 = box
    out = film.copy()
    if (row0, row1, col0, col1) != (0, PANEL, 0, PANEL):
        out *= 0.45
    up = cv2.resize(unit.astype(np.float32), (col1 - col0, row1 - row0), interpolation=cv2.INTER_LINEAR)
    colour = _lut(cmap)[np.clip(np.rint(up * 255), 0, 255).astype(np.int64)].astype(np.float32)
    out[row0:row1, col0:col1] = film[row0:row1, col0:col1] * (1 - alpha) + colour * alpha
    return out.clip(0, 255).astype(np.uint8)


def _heat(values, percentile: float) -> np.ndarray:
    p = as_distribution(values)
    top = np.percentile(p, percentile)
    return np.clip(p, 0, top) / top if top > 0 else p


def _titled(panel: np.ndarray, title: str) -> Image.Image:
    canvas = Image.new("RGB", (PANEL, PANEL + TITLE), "white")
    canvas.paste(Image.fromarray(panel), (0, TITLE))
    ImageDraw.Draw(canvas).text((3, 1), title[:40], fill="black")
    return canvas


def _png(panels: list[Image.Image], path: Path | None) -> bytes:
    sheet = Image.new("RGB", (PANEL * len(panels), PANEL + TITLE), "white")
    for index, panel in enumerate(panels):
        sheet.paste(panel, (index * PANEL, 0))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", compress_level=6)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def overlay_png(gray: np.ndarray, attention, title: str = "", path: Path | None = None, percentile: float = 99.0,
                region=None) -> bytes:
    """One heatmap over the film (over ``region`` only, when the model saw only that part);
    returns the PNG bytes (and writes them when ``path`` is given)."""
    box = _panel_box(region, gray.shape)
    return _png([_titled(_blend(_film(gray), _heat(attention, percentile), "inferno", 0.45, box), title)], path)


def comparison_png(gray: np.ndarray, base, variant, titles: tuple[str, str] = ("base", "variant"),
                   path: Path | None = None, percentile: float = 99.0, region=None) -> bytes:
    """Baseline / variant / signed difference (variant - base; red more, blue less), side by side;
    maps drawn over ``region`` (the part of the film the model saw) only."""
    film = _film(gray)
    box = _panel_box(region, gray.shape)
    difference = as_distribution(variant) - as_distribution(base)
    bound = float(np.abs(difference).max()) or 1.0
    panels = [
        _titled(_blend(film, _heat(base, percentile), "inferno", 0.45, box), titles[0]),
        _titled(_blend(film, _heat(variant, percentile), "inferno", 0.45, box), titles[1]),
        _titled(_blend(film, (difference / bound + 1) / 2, "coolwarm", 0.6, box), "variant - base"),
    ]
    return _png(panels, path)
