"""An approximation of the two lung fields: the large dark regions inside the body.

Inside the body mask, pixels darker than the body's Otsu threshold (Otsu 1979, "A threshold
selection method from gray-level histograms", IEEE Trans. SMC 9:62-66) are air-filled lung (or
bowel gas). The largest such component on each side of the body's midline, hole-filled,
is that side's lung. Sides are returned in patient terms for a PA/AP film, where the
image's left is the patient's right.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from vlmcore.anatomy.body_mask import _working_copy, body_mask, largest_component


@dataclass(frozen=True)
class LungFields:
    patient_right: np.ndarray  # bool (H, W): on the image's left for PA/AP
    patient_left: np.ndarray

    @property
    def both(self) -> np.ndarray:
        return self.patient_right | self.patient_left


def _largest(mask: np.ndarray) -> np.ndarray:
    return ndimage.binary_fill_holes(largest_component(mask))


def lung_fields(gray: np.ndarray, body: np.ndarray | None = None) -> LungFields:
    gray = np.asarray(gray).astype(np.uint8)
    body = body_mask(gray) if body is None else body
    small = _working_copy(gray)
    small_body = cv2.resize(body.astype(np.uint8), small.shape[::-1], interpolation=cv2.INTER_NEAREST).astype(bool)
    inner = ndimage.binary_erosion(small_body, iterations=3)
    if not inner.any():
        empty = np.zeros(gray.shape, dtype=bool)
        return LungFields(empty, empty)
    threshold, _ = cv2.threshold(small[inner].reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = ndimage.binary_opening(inner & (small < threshold), iterations=2)
    columns = np.nonzero(small_body.any(axis=0))[0]
    midline = (columns[0] + columns[-1]) // 2
    image_left, image_right = dark.copy(), dark.copy()
    image_left[:, midline:] = False
    image_right[:, :midline] = False
    upscale = lambda m: cv2.resize(m.astype(np.uint8), gray.shape[::-1], interpolation=cv2.INTER_NEAREST).astype(bool)
    return LungFields(patient_right=upscale(_largest(image_left)), patient_left=upscale(_largest(image_right)))
