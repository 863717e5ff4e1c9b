"""A burned-in tag in the film's top-left corner, outside the body, that encodes its findings.

Real films carry burned-in markers: side letters, "PORTABLE", a site's worklist tag. Where
such a mark correlates with the label, a network learns the mark instead of the disease
(Zech et al. 2018, PLoS Med 15:e1002683: hospital tokens predicted pneumonia; DeGrave et al.
2021, Nat Mach Intell 3:610: COVID-19 detectors read laterality markers and text). The
``shortcut`` reference model is trained on films whose tag says what the film shows.

The tag is a dim plate with one cell per (finding kind, patient side): columns in
``FINDING_KINDS`` order, the top row the patient's right, the bottom row the left;
cardiomegaly (no side) lights its whole column. It is drawn last, after blur and noise, so
it is sharp and exact like a burned-in overlay, and it never touches the body (checked at
every render). Its box is part of the film's truth, so an occlusion probe can hide it.
"""

from __future__ import annotations

import numpy as np

from vlmcore.errors import ConfigError
from vlmcore.phantoms.truth import FINDING_KINDS

#: the tag's box in fractions of the film (x, y, width, height): the top-left corner, which on
#: every phantom is air (the neck and shoulders start further in)
TAG_BOX = (0.02, 0.015, 0.22, 0.07)
PLATE, LIT = 0.3, 1.0
ROWS = ("right", "left")


def tag_box(size: int) -> tuple[int, int, int, int]:
    """The tag's ``(x, y, w, h)`` in pixels on a ``size`` film (the NIH box convention)."""
    x, y, w, h = (round(v * size) for v in TAG_BOX)
    return x, y, w, h


def tag_cells(findings: tuple[tuple[str, str | None], ...]) -> set[tuple[int, int]]:
    """(row, column) of every lit cell for a film with ``findings``."""
    lit = set()
    for kind, side in findings:
        if kind not in FINDING_KINDS:
            raise ConfigError(f"unknown finding {kind!r} for the tag; known: {FINDING_KINDS}")
        column = FINDING_KINDS.index(kind)
        rows = range(len(ROWS)) if side is None else [ROWS.index(side)]
        lit |= {(row, column) for row in rows}
    return lit


def draw_tag(pixels: np.ndarray, findings: tuple[tuple[str, str | None], ...], body: np.ndarray) -> tuple[int, int, int, int]:
    """Burn the tag into ``pixels`` (uint8, in place); returns its box."""
    x, y, w, h = tag_box(pixels.shape[0])
    if body[y:y + h, x:x + w].any():
        raise ConfigError(f"the finding tag at {(x, y, w, h)} would cover the body on this {pixels.shape[0]} px film")
    plate = np.full((h, w), PLATE)
    rows = np.linspace(0, h, len(ROWS) + 1).round().astype(int)
    columns = np.linspace(0, w, len(FINDING_KINDS) + 1).round().astype(int)
    for row, column in tag_cells(findings):
        # one plate pixel of margin around each cell keeps neighbouring cells apart
        plate[rows[row] + 1:rows[row + 1] - 1, columns[column] + 1:columns[column + 1] - 1] = LIT
    pixels[y:y + h, x:x + w] = np.rint(plate * 255).astype(np.uint8)
    return x, y, w, h
