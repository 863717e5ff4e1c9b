"""Findings drawn on a phantom, each returning its ground-truth mask and box.

- pleural effusion: fluid fills the lung base up to a meniscus that rises laterally
  (blunted costophrenic angle);
- pneumothorax: a lateral crescent of air without lung markings, with a pleural line;
- consolidation: a soft dense blob in the upper or lower zone of one lung;
- nodule: a small round density.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from vlmcore.errors import ConfigError
from vlmcore.phantoms.truth import FindingTruth, box_of


def _lung_extent(lung: np.ndarray, y: np.ndarray, x: np.ndarray) -> tuple[float, float, float, float]:
    return float(y[lung].min()), float(y[lung].max()), float(x[lung].min()), float(x[lung].max())


def effusion(canvas, side: str) -> FindingTruth:
    lung = canvas.lung(side)
    top, bottom, left, right = _lung_extent(lung, canvas.y, canvas.x)
    lateral = left if side == "right" else right
    level = bottom - (bottom - top) * canvas.rng.uniform(0.22, 0.3)
    meniscus = level - 0.5 * (0.12 - np.clip(np.abs(canvas.x - lateral), 0, 0.12))
    mask = lung & (canvas.y > meniscus)
    canvas.paint(mask, 0.56)
    return FindingTruth("pleural_effusion", side, mask, box_of(mask), detail=f"level={level:.2f}")


def pneumothorax(canvas, side: str) -> FindingTruth:
    lung = canvas.lung(side)
    top, bottom, left, right = _lung_extent(lung, canvas.y, canvas.x)
    inner = ndimage.binary_erosion(lung, iterations=max(2, lung.shape[0] // 28))
    centre = (left + right) / 2
    lateral_side = canvas.x < centre if side == "right" else canvas.x > centre
    mask = lung & ~inner & lateral_side & (canvas.y < top + 0.75 * (bottom - top))
    canvas.paint(mask, 0.03)
    line = ndimage.binary_dilation(mask) & ~mask & lung
    canvas.paint(line, 0.45)
    return FindingTruth("pneumothorax", side, mask, box_of(mask))


def consolidation(canvas, side: str) -> FindingTruth:
    lung = canvas.lung(side)
    top, bottom, left, right = _lung_extent(lung, canvas.y, canvas.x)
    zone = "lower" if canvas.rng.random() < 0.5 else "upper"
    cy = top + (bottom - top) * (0.7 if zone == "lower" else 0.3)
    cx = (left + right) / 2 + canvas.rng.uniform(-0.02, 0.02)
    blob = ((canvas.y - cy) / 0.07) ** 2 + ((canvas.x - cx) / 0.06) ** 2 <= 1.0
    mask = blob & lung
    soft = ndimage.gaussian_filter(mask.astype(float), 2.0)
    canvas.image += canvas.strength * 0.32 * soft * lung
    return FindingTruth("consolidation", side, mask, box_of(mask), detail=zone)


def nodule(canvas, side: str) -> FindingTruth:
    lung = canvas.lung(side)
    inner = ndimage.binary_erosion(lung, iterations=max(3, lung.shape[0] // 20))
    candidates = np.argwhere(inner)
    cy, cx = candidates[canvas.rng.integers(len(candidates))]
    radius = max(2, lung.shape[0] // 45)
    rows, cols = np.ogrid[: lung.shape[0], : lung.shape[1]]
    mask = ((rows - cy) ** 2 + (cols - cx) ** 2 <= radius**2) & lung
    canvas.image[mask] += canvas.strength * 0.38
    return FindingTruth("nodule", side, mask, box_of(mask))


_DRAWERS = {"pleural_effusion": effusion, "pneumothorax": pneumothorax, "consolidation": consolidation, "nodule": nodule}


def draw_finding(canvas, kind: str, side: str | None) -> FindingTruth:
    if kind not in _DRAWERS:
        raise ConfigError(f"unknown phantom finding {kind!r}; known: {sorted(_DRAWERS) + ['cardiomegaly']}")
    if side not in ("right", "left"):
        raise ConfigError(f"{kind} needs a side 'right' or 'left' (patient terms), got {side!r}")
    return _DRAWERS[kind](canvas, side)
