"""Where a map's cells lie on the film, and what a hidden cell shows.

A cell of a ``rows x cols`` grid covers a rectangle of the film inside the map's view region
((top, left, height, width) in film pixels; None: the whole film; LLaVA's centre crop is the
case where it matters). Perturbation-based measures (occlusion maps, deletion / insertion
curves) hide a cell by showing a blurred copy of the film there: a plausible film, not the
grey block a model may read as a dense finding.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def cell_boxes(grid: tuple[int, int], region, image_shape) -> list[tuple[int, int, int, int]]:
    """(row0, row1, col0, col1) film pixels of every cell, row-major."""
    rows, cols = grid
    top, left, height, width = region if region is not None else (0.0, 0.0, float(image_shape[0]), float(image_shape[1]))
    edges_r = np.round(top + np.arange(rows + 1) * height / rows).astype(int)
    edges_c = np.round(left + np.arange(cols + 1) * width / cols).astype(int)
    return [(edges_r[r], edges_r[r + 1], edges_c[c], edges_c[c + 1]) for r in range(rows) for c in range(cols)]


def blurred(image: np.ndarray, grid: tuple[int, int], region) -> np.ndarray:
    """The film blurred at half a cell's height: what a hidden cell shows."""
    height = (region[2] if region is not None else image.shape[0]) / grid[0]
    return np.clip(np.rint(ndimage.gaussian_filter(image.astype(np.float64), height / 2)), 0, 255).astype(np.uint8)
