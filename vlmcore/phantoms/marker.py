"""Burned-in tags in the film's top corners, outside the body, that encode its findings.

Real films carry burned-in markers: side letters, "PORTABLE", a site's worklist tag. Where
such a mark correlates with the label, a network learns the mark instead of the disease
(Zech et al. 2018, PLoS Med 15:e1002683: hospital tokens predicted pneumonia; DeGrave et al.
2021, Nat Mach Intell 3:610: COVID-19 detectors read laterality markers and text). The
``shortcut`` reference model is trained on films whose tags say what the film shows.

One tag per side, placed as a side marker is: the patient's right in the image's top-left
corner, the left in the top-right. A tag is a dim plate with one cell per finding kind
(``FINDING_KINDS`` order, left to right), lit when the film has that finding on that side;
cardiomegaly (no side) lights its cell on both tags. Tags are drawn last, after blur and
noise, so they are sharp and exact like a burned-in overlay, and they never touch the body
(checked at every render). Their boxes are part of the film's truth, so an occlusion probe
can hide them.

The first layout, one tag with a row per side, was too fine for the reference models' 64 px
input: the trained model read the kind but not the side (README: "Reference models").
"""

from __future__ import annotations

import numpy as np

from vlmcore.errors import ConfigError
from vlmcore.phantoms.truth import FINDING_KINDS

#: each tag's box in fractions of the film (x, y, width, height): the top corners, which on every
#: phantom are air (the neck and shoulders start further in)
TAG_BOXES = {"right": (0.02, 0.015, 0.22, 0.07), "left": (0.76, 0.015, 0.22, 0.07)}
SIDES = tuple(TAG_BOXES)
PLATE, LIT = 0.3, 1.0


def tag_boxes(size: int) -> tuple[tuple[int, int, int, int], ...]:
    """Each tag's ``(x, y, w, h)`` in pixels on a ``size`` film (the NIH box convention), in ``SIDES`` order."""
    return tuple(tuple(round(v * size) for v in TAG_BOXES[side]) for side in SIDES)


def tag_cells(findings: tuple[tuple[str, str | None], ...]) -> set[tuple[str, int]]:
    """(side, column) of every lit cell for a film with ``findings``."""
    lit = set()
    for kind, side in findings:
        if kind not in FINDING_KINDS:
            raise ConfigError(f"unknown finding {kind!r} for the tag; known: {FINDING_KINDS}")
        lit |= {(s, FINDING_KINDS.index(kind)) for s in (SIDES if side is None else (side,))}
    return lit


def draw_tags(pixels: np.ndarray, findings: tuple[tuple[str, str | None], ...], body: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Burn both tags into ``pixels`` (uint8, in place); returns their boxes."""
    boxes = tag_boxes(pixels.shape[0])
    lit = tag_cells(findings)
    for side, (x, y, w, h) in zip(SIDES, boxes):
        if body[y:y + h, x:x + w].any():
            raise ConfigError(f"the {side} finding tag at {(x, y, w, h)} would cover the body on this {pixels.shape[0]} px film")
        plate = np.full((h, w), PLATE)
        columns = np.linspace(0, w, len(FINDING_KINDS) + 1).round().astype(int)
        for column in (c for s, c in lit if s == side):
            # one plate pixel of margin around each cell keeps neighbouring cells apart
            plate[1:h - 1, columns[column] + 1:columns[column + 1] - 1] = LIT
        pixels[y:y + h, x:x + w] = np.rint(plate * 255).astype(np.uint8)
    return boxes
