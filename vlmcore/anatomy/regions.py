"""Where an attention map's mass lies: inside the body, on the border, per patient side.

All measures read the **unmasked** map (a masked map would be inside the body by
construction: the seed code's ``inside_body_ratio`` was 1.0 that way). Masks are brought
to the map's grid as per-cell coverage fractions, so a cell half inside the body counts
half.

Orientation: on a PA or AP film displayed by convention (the radiologist faces the patient:
Raoof et al. 2012, "Interpretation of plain chest roentgenogram", Chest 141:545-558), the
image's left is the patient's right, for both views. A lateral film has no right / left half:
``view_of`` reads the dataset's view and ``region_fractions`` refuses a view it cannot place.
Regions are named in patient terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vlmcore.metrics.distribution import MapError, as_distribution

DISPLAY_VIEWS = ("PA", "AP")
#: spellings of a frontal view in datasets (NIH ``View Position``, MIMIC-CXR ``ViewPosition``)
_FRONTAL = {"PA": "PA", "AP": "AP", "AP SUPINE": "AP", "AP ERECT": "AP", "POSTEROANTERIOR": "PA", "ANTEROPOSTERIOR": "AP",
            "FRONTAL": "PA"}
#: the columns a dataset may state a film's view in
VIEW_COLUMNS = ("view", "view_position", "ViewPosition", "View Position")


def view_of(extra: dict | None) -> str | None:
    """The frontal view a dataset states for a film (``PA`` / ``AP``), ``"LATERAL"`` for any other
    stated view (LL, LATERAL, ...: no patient side can be read off the image), or None when the
    dataset does not say (the report then assumes a frontal film displayed by convention)."""
    for column in VIEW_COLUMNS:
        stated = str((extra or {}).get(column, "") or "").strip().upper()
        if stated:
            return _FRONTAL.get(stated, "LATERAL")
    return None


def cell_coverage(mask: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """Fraction of each grid cell covered by a boolean image-resolution mask."""
    rows, cols = grid
    return cv2.resize(np.asarray(mask, dtype=np.float32), (cols, rows), interpolation=cv2.INTER_AREA).astype(np.float64)


def inside_body_share(attention, body: np.ndarray) -> float:
    """Raw share of the map's mass on the body (lungs included), from the unmasked map. A
    uniform map scores the body's area share (0.78 on a phantom, ~0.9 on an NIH film), so this
    number cannot share a bar across films: ``inside_body_ratio`` divides it out."""
    p = as_distribution(attention)
    return float((p * cell_coverage(body, p.shape)).sum())


def body_area_share(body: np.ndarray, grid: tuple[int, int]) -> float:
    """The body's share of the grid's area (cells weighted by their coverage)."""
    share = float(cell_coverage(body, grid).mean())
    if share <= 0:
        raise MapError("the body mask is empty: no inside-body measure on this film")
    return share


def inside_body_ratio(attention, body: np.ndarray) -> float:
    """Share of the map's mass on the body divided by the body's area share: 1.0 for a uniform
    map on *any* film, above 1 when the map favours the body, at most 1 / area share."""
    p = as_distribution(attention)
    return inside_body_share(p, body) / body_area_share(body, p.shape)


def border_fraction(attention, ring: int = 1) -> float:
    """Share of mass on the outer ``ring`` cells of the grid; corners counted once."""
    p = as_distribution(attention)
    if ring < 1 or 2 * ring >= min(p.shape):
        raise MapError(f"ring {ring} does not fit a {p.shape} grid")
    return float(p.sum() - p[ring:-ring, ring:-ring].sum())


def ring_share(grid: tuple[int, int], ring: int = 1) -> float:
    """The outer ring's share of the grid's cells: 44% on 8 x 8, 10.5% on 37 x 37."""
    rows, cols = grid
    return 1 - (rows - 2 * ring) * (cols - 2 * ring) / (rows * cols)


def border_ratio(attention, ring: int = 1) -> float:
    """Mass on the outer ring relative to the ring's share of the grid: 1.0 for a uniform map
    on *every* grid (the raw fraction of a uniform map is 0.44 on 8 x 8 but 0.10 on 37 x 37, so
    it cannot share one threshold across models). Above 1: the map favours the border."""
    return border_fraction(attention, ring) / ring_share(np.shape(attention), ring)


def _halves(length: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights of each index in the first and second half; an odd middle cell splits evenly."""
    positions = np.arange(length) + 0.5
    first = np.clip(length / 2 - (positions - 0.5), 0, 1)
    return first, 1 - first


@dataclass(frozen=True)
class RegionFractions:
    patient_right: float
    patient_left: float
    apical: float
    basal: float


def region_fractions(attention, view: str = "PA") -> RegionFractions:
    """Mass per patient side and per upper (apical) / lower (basal) half of the grid, for a PA or
    AP film displayed by convention (the same halves for both); any other view is refused."""
    if view.upper() not in DISPLAY_VIEWS:
        raise MapError(f"view {view!r}: side regions are defined for {DISPLAY_VIEWS} films only")
    p = as_distribution(attention)
    image_left, image_right = _halves(p.shape[1])
    top, bottom = _halves(p.shape[0])
    columns, rows = p.sum(axis=0), p.sum(axis=1)
    return RegionFractions(
        patient_right=float((columns * image_left).sum()),
        patient_left=float((columns * image_right).sum()),
        apical=float((rows * top).sum()),
        basal=float((rows * bottom).sum()),
    )


def _overlap(start: float, stop: float, cells: int, extent: float) -> np.ndarray:
    edges = np.linspace(0, extent, cells + 1)
    return np.clip(np.minimum(edges[1:], stop) - np.maximum(edges[:-1], start), 0, None) / (extent / cells)


def inside_box_ratio(attention, box: tuple[float, float, float, float], image_shape: tuple[int, int]) -> float:
    """Share of mass inside a pathology box ``(x, y, w, h)`` given in pixels of an image of
    ``image_shape`` (H, W), top-left origin (the NIH ``BBox_List_2017.csv`` convention)."""
    p = as_distribution(attention)
    x, y, w, h = (float(v) for v in box)
    height, width = image_shape
    if w <= 0 or h <= 0 or x >= width or y >= height or x + w <= 0 or y + h <= 0:
        raise MapError(f"box {box} is empty or outside the {image_shape} image")
    coverage = np.outer(_overlap(y, y + h, p.shape[0], height), _overlap(x, x + w, p.shape[1], width))
    return float((p * coverage).sum())
