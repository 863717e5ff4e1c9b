"""Counterfactual films: the original film mirrored, or with one region hidden.

- ``mirror``: flipped left-right. On a PA film displayed by convention the patient's right is on
  the image's left, so the mirrored film shows a patient whose sides are swapped: the heart on the
  other side (as in situs inversus) and every lateral finding on the other side. A model that reads
  laterality from the film swaps its answers to "left X?" and "right X?"; one that answers from
  memorised anatomy does not (Your other left, MIRP).
- ``occlude``: a region is filled from its surroundings. The lesion's region, dilated by the
  blur's halo, is the counterfactual; the *control* is a region of exactly the same shape and area
  elsewhere inside the body, away from every known finding: the lesion's shape moved to the mirror
  position across the body's midline when it fits there, else to the nearest place that does. A
  grounded model's "yes" falls when the lesion is hidden and not when the control is.

Fill methods (``METHODS``; ``python -m vlmcore.grounding.occlusion_study`` measures which keeps the
films in distribution): ``inpaint`` (Telea 2004 fast marching, OpenCV), ``inpaint_ns`` (Bertalmio
et al. 2001 Navier-Stokes, OpenCV), ``local_fill`` (the surrounding ring's mean plus noise of the
ring's spread) and ``mean_fill`` (a flat patch of the ring's mean: the naive occluder). Large films
are filled in a window around the region, so the cost follows the region, not the film.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage, signal

METHODS = ("inpaint", "inpaint_ns", "local_fill", "mean_fill")
DEFAULT_METHOD = "inpaint"
_WORK_SIZE = 256  # the control region is searched on a copy this size (then checked at full size)


def mirror(film: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(film[:, ::-1])


def halo(shape: tuple[int, int]) -> int:
    """Pixels to grow a region by so its blurred edge is hidden too (2 px on a 128 px film, 12 on 1024)."""
    return max(2, round(0.012 * min(shape)))


def grow(mask: np.ndarray, pixels: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * pixels + 1, 2 * pixels + 1))
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def fill(film: np.ndarray, mask: np.ndarray, method: str = DEFAULT_METHOD) -> np.ndarray:
    """``film`` with ``mask`` filled from its surroundings by ``method`` (a new array)."""
    if method not in METHODS:
        raise ValueError(f"unknown fill method {method!r}; known: {METHODS}")
    out = film.copy()
    if not mask.any():
        return out
    radius = halo(film.shape)
    rows, cols = np.nonzero(mask)
    pad = 3 * radius + 2
    top, bottom = max(0, rows.min() - pad), min(film.shape[0], rows.max() + pad + 1)
    left, right = max(0, cols.min() - pad), min(film.shape[1], cols.max() + pad + 1)
    window, hole = film[top:bottom, left:right], mask[top:bottom, left:right]
    ring = grow(hole, radius) & ~hole
    values = window[ring] if ring.any() else window[~hole]
    if method in ("inpaint", "inpaint_ns"):
        flag = cv2.INPAINT_TELEA if method == "inpaint" else cv2.INPAINT_NS
        patch = cv2.inpaint(window, hole.astype(np.uint8), radius, flag)
    elif method == "local_fill":
        seed = int.from_bytes(hashlib.sha256(hole.tobytes() + window.tobytes()).digest()[:8], "little")
        noise = np.random.default_rng(seed).normal(0.0, float(values.std()), window.shape)
        patch = np.clip(np.rint(float(values.mean()) + noise), 0, 255).astype(np.uint8)
    else:
        patch = np.full(window.shape, int(round(float(values.mean()))), dtype=np.uint8)
    out[top:bottom, left:right] = np.where(hole, patch, window)
    return out


@dataclass(frozen=True)
class Placement:
    """The control region: the lesion's own shape moved by ``(dy, dx)`` pixels."""

    mask: np.ndarray
    shift: tuple[int, int]
    mirrored: bool  # placed at the mirror position across the body's midline


def control_region(lesion: np.ndarray, body: np.ndarray, avoid: np.ndarray) -> Placement | None:
    """A region of the lesion's shape and area inside ``body``, clear of ``avoid`` (every known finding,
    grown): at the lesion's mirror position across the body's midline if it fits, else the nearest
    position that does; None when none fits."""
    if not lesion.any():
        return None
    scale = min(1.0, _WORK_SIZE / max(lesion.shape))
    small = lambda m: cv2.resize(m.astype(np.uint8), (max(1, round(m.shape[1] * scale)), max(1, round(m.shape[0] * scale))),
                                 interpolation=cv2.INTER_NEAREST).astype(bool)
    shape_small = small(lesion)
    allowed_small = ndimage.binary_erosion(small(body) & ~small(avoid), iterations=1)
    rows, cols = np.nonzero(shape_small)
    piece = shape_small[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    # forbidden pixels under the piece for every top-left position (a correlation, by FFT)
    forbidden = signal.fftconvolve((~allowed_small).astype(np.float32), piece[::-1, ::-1].astype(np.float32), mode="valid")
    free = np.argwhere(forbidden < 0.5)
    if free.size == 0:
        return None
    body_cols = np.nonzero(body.any(axis=0))[0]
    midline = (body_cols[0] + body_cols[-1]) / 2 * scale
    centre_col = (cols.min() + cols.max()) / 2
    target = np.array([rows.min(), 2 * midline - centre_col - (cols.max() - cols.min()) / 2])  # mirror position, top-left
    order = np.lexsort((free[:, 1], free[:, 0], np.hypot(*(free - target).T)))
    full_rows, full_cols = np.nonzero(lesion)
    allowed = body & ~avoid
    for top, left in free[order[:64]]:
        shift = (round((top - rows.min()) / scale), round((left - cols.min()) / scale))
        moved_rows, moved_cols = full_rows + shift[0], full_cols + shift[1]
        inside = (moved_rows >= 0) & (moved_rows < lesion.shape[0]) & (moved_cols >= 0) & (moved_cols < lesion.shape[1])
        if not inside.all() or not allowed[moved_rows, moved_cols].all():
            continue
        mask = np.zeros_like(lesion)
        mask[moved_rows, moved_cols] = True
        return Placement(mask, shift, bool(np.hypot(top - target[0], left - target[1]) <= 1.5))
    return None


def counterfactual(transform, film: np.ndarray, method: str = DEFAULT_METHOD) -> np.ndarray | None:
    """The film ``transform`` (``plan.Transform``) makes from ``film``; None when it cannot be made
    (no control region of the lesion's shape fits inside the body)."""
    if transform.kind == "mirror":
        return mirror(film)
    if transform.kind != "occlude":
        raise ValueError(f"unknown film transform {transform.kind!r}")
    pixels = halo(film.shape)
    region = grow(transform.region.mask(film.shape), pixels)
    if not region.any():
        return None
    if transform.target in ("lesion", "marker"):
        return fill(film, region, method)
    from vlmcore.anatomy import body_mask

    avoid = region.copy()
    for other in transform.avoid:
        avoid |= other.mask(film.shape)
    placement = control_region(region, body_mask(film), grow(avoid, pixels))
    return None if placement is None else fill(film, placement.mask, method)
