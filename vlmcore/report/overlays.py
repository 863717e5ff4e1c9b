"""Attention overlays on the X-ray, as PNG, drawn with numpy and PIL (milliseconds each, so
every flipped pair of a run can have one).

Display only: a map panel is scaled to its own 99th percentile so one hot cell does not wash
out the rest (its colour bar says "relative"); the difference panel uses one fixed symmetric
scale for every overlay of every run (``DIFFERENCE_SCALE`` times the mass of a uniform map's
cell), so a JS of 0.001 looks faint and a JS of 0.3 looks loud. Metrics always use the raw maps.
Each panel carries a title, the patient's R / L (display convention: the patient's right on the
viewer's left) and apex / base, and a colour bar.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from vlmcore.metrics.distribution import as_distribution

PANEL = 224  # pixels per panel side
TITLE = 16  # pixels of title strip above the film
BAR = 24  # pixels of colour-bar strip below the film
#: the difference panel's colour scale: +-2 x a uniform cell's mass, the same on every grid and page
DIFFERENCE_SCALE = 2.0


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


def _outlined(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str) -> None:
    x, y = xy
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        draw.text((x + dx, y + dy), text, fill="black")
    draw.text((x, y), text, fill="white")


def _titled(panel: np.ndarray, title: str, cmap: str, bar_labels: tuple[str, str, str]) -> Image.Image:
    """Title above; R / L and apex / base on the film; the colour bar and its labels below."""
    canvas = Image.new("RGB", (PANEL, TITLE + PANEL + BAR), "white")
    canvas.paste(Image.fromarray(panel), (0, TITLE))
    draw = ImageDraw.Draw(canvas)
    draw.text((3, 2), title[:48], fill="black")
    middle = TITLE + PANEL // 2 - 5
    _outlined(draw, (3, middle), "R")
    _outlined(draw, (PANEL - 10, middle), "L")
    _outlined(draw, (PANEL // 2 - 12, TITLE + 2), "apex")
    _outlined(draw, (PANEL // 2 - 12, TITLE + PANEL - 13), "base")
    gradient = np.repeat(_lut(cmap)[np.linspace(0, 255, PANEL - 8).astype(np.int64)][None], 7, axis=0)
    canvas.paste(Image.fromarray(gradient), (4, TITLE + PANEL + 2))
    low, middle_label, high = bar_labels
    draw.text((3, TITLE + PANEL + 10), low, fill="black")
    draw.text((PANEL // 2 - 3 * len(middle_label), TITLE + PANEL + 10), middle_label, fill="black")
    draw.text((PANEL - 3 - 6 * len(high), TITLE + PANEL + 10), high, fill="black")
    return canvas


HEAT_LABELS = ("0", "relative", "p99")
DIFFERENCE_LABELS = (f"-{DIFFERENCE_SCALE:g}x", "0 (x uniform cell)", f"+{DIFFERENCE_SCALE:g}x")


def _sheet(panels: list[Image.Image]) -> Image.Image:
    sheet = Image.new("RGB", (PANEL * len(panels), TITLE + PANEL + BAR), "white")
    for index, panel in enumerate(panels):
        sheet.paste(panel, (index * PANEL, 0))
    return sheet


def _png(panels: list[Image.Image], path: Path | None) -> bytes:
    sheet = _sheet(panels)
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
    return _png(_overlay_panels(gray, attention, title, percentile, region), path)


def overlay_jpeg(gray: np.ndarray, attention, title: str = "", percentile: float = 99.0, region=None, quality: int = 72) -> bytes:
    """``as_jpeg(overlay_png(...))`` without the PNG in between (the same bytes: the PNG is lossless),
    for overlays embedded in pages: the PNG's compression was most of an overlay's cost."""
    return _jpeg(_sheet(_overlay_panels(gray, attention, title, percentile, region)), quality)


def _overlay_panels(gray: np.ndarray, attention, title: str, percentile: float, region) -> list[Image.Image]:
    box = _panel_box(region, gray.shape)
    return [_titled(_blend(_film(gray), _heat(attention, percentile), "inferno", 0.45, box), title, "inferno", HEAT_LABELS)]


def difference_units(base, variant) -> np.ndarray:
    """variant - base, per cell, as a multiple of a uniform map's cell mass (grid-independent)."""
    base_p, variant_p = as_distribution(base), as_distribution(variant)
    return (variant_p - base_p) * base_p.size


def comparison_png(gray: np.ndarray, base, variant, titles: tuple[str, str] = ("base", "variant"),
                   path: Path | None = None, percentile: float = 99.0, region=None) -> bytes:
    """Baseline / variant / signed difference (variant - base; red more, blue less), side by side;
    maps drawn over ``region`` (the part of the film the model saw) only. The difference is in
    units of a uniform cell's mass, clipped at +-``DIFFERENCE_SCALE``: the same scale on every page."""
    return _png(_comparison_panels(gray, base, variant, titles, percentile, region), path)


def comparison_jpeg(gray: np.ndarray, base, variant, titles: tuple[str, str] = ("base", "variant"), percentile: float = 99.0,
                    region=None, quality: int = 72) -> bytes:
    """``as_jpeg(comparison_png(...))`` without the PNG in between (the same bytes)."""
    return _jpeg(_sheet(_comparison_panels(gray, base, variant, titles, percentile, region)), quality)


def _comparison_panels(gray: np.ndarray, base, variant, titles: tuple[str, str], percentile: float, region) -> list[Image.Image]:
    film = _film(gray)
    box = _panel_box(region, gray.shape)
    difference = difference_units(base, variant)
    panels = [
        _titled(_blend(film, _heat(base, percentile), "inferno", 0.45, box), titles[0], "inferno", HEAT_LABELS),
        _titled(_blend(film, _heat(variant, percentile), "inferno", 0.45, box), titles[1], "inferno", HEAT_LABELS),
        _titled(_blend(film, (np.clip(difference / DIFFERENCE_SCALE, -1, 1) + 1) / 2, "coolwarm", 0.6, box), "variant - base",
                "coolwarm", DIFFERENCE_LABELS),
    ]
    return panels


def as_jpeg(png: bytes, quality: int = 72) -> bytes:
    """Overlays embedded in pages go as JPEG: a page with many of them stays small."""
    return _jpeg(Image.open(io.BytesIO(png)).convert("RGB"), quality)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
