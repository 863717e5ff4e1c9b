"""Ground truth that comes with a phantom: masks, boxes, sides, cardiothoracic ratio.

Sides are in patient terms (PA display: the patient's right is on the image's left).
Boxes are ``(x, y, w, h)`` pixels, top-left origin, as in the NIH box file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FINDING_KINDS = ("cardiomegaly", "pleural_effusion", "pneumothorax", "consolidation", "nodule")


@dataclass(frozen=True)
class FindingTruth:
    kind: str
    side: str | None  # "right" | "left" | None (patient terms)
    mask: np.ndarray = field(repr=False)
    box: tuple[int, int, int, int] = (0, 0, 0, 0)
    detail: str = ""


@dataclass(frozen=True)
class PhantomTruth:
    image: np.ndarray = field(repr=False)  # (H, W) uint8
    body: np.ndarray = field(repr=False)
    lung_right: np.ndarray = field(repr=False)  # patient's right lung (image left)
    lung_left: np.ndarray = field(repr=False)
    heart: np.ndarray = field(repr=False)
    cardiothoracic_ratio: float
    findings: tuple[FindingTruth, ...]
    seed: int
    #: the burned-in finding tags' (x, y, w, h), patient right then left; empty when not drawn
    marker_boxes: tuple[tuple[int, int, int, int], ...] = ()

    def has(self, kind: str, side: str | None = None) -> bool:
        return any(f.kind == kind and (side is None or f.side == side or f.side is None) for f in self.findings)

    def finding(self, kind: str) -> FindingTruth | None:
        return next((f for f in self.findings if f.kind == kind), None)


def box_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return (0, 0, 0, 0)
    return (int(cols.min()), int(rows.min()), int(cols.max() - cols.min() + 1), int(rows.max() - rows.min() + 1))
