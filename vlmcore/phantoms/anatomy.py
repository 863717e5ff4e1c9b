"""Render a PA chest radiograph phantom: body, lungs, heart, mediastinum, ribs, diaphragm, noise.

Geometry is in fractions of the image size so any resolution works. Bright means dense,
as on a MONOCHROME2 display. Findings are drawn by ``vlmcore.phantoms.findings`` on top of
the normal anatomy and return their own masks.

Two options serve the ``shortcut`` reference model (defaults leave every film as it was):
``lesion_strength`` scales how visible each finding is (0 draws none, yet the truth keeps its
label, mask and box), and ``tag`` burns in corner tags that encode the findings
(``vlmcore.phantoms.marker``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from vlmcore.phantoms.truth import FindingTruth, PhantomTruth

AIR, SOFT_TISSUE, LUNG, HEART, BONE = 0.04, 0.52, 0.2, 0.66, 0.12


@dataclass(frozen=True)
class PhantomSpec:
    """What to draw. ``findings`` are ``(kind, side)`` pairs, side in patient terms."""

    seed: int = 0
    size: int = 256
    findings: tuple[tuple[str, str | None], ...] = ()
    noise: float = 0.02
    lesion_strength: float = 1.0  # 1: findings as drawn; 0: invisible (the truth still lists them)
    tag: bool = False  # burn in the corner tags that encode the findings
    #: the findings the tags encode when they are not the film's own (an uninformative tag)
    tag_findings: tuple[tuple[str, str | None], ...] | None = None


def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) / size
    return y, x


def _ellipse(y, x, cy, cx, ry, rx) -> np.ndarray:
    return ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1.0


def _body(y, x, rng) -> np.ndarray:
    torso = _ellipse(y, x, 0.62, 0.5, 0.62, 0.44 + rng.uniform(-0.02, 0.02))
    neck = (np.abs(x - 0.5) < 0.09) & (y < 0.2)
    shoulders = _ellipse(y, x, 0.2, 0.5, 0.12, 0.47)
    return (torso | neck | shoulders) & (y > 0.015)


def _lung(y, x, cx, rx, rng) -> np.ndarray:
    lung = _ellipse(y, x, 0.47, cx, 0.3 + rng.uniform(-0.01, 0.01), rx)
    dome = 0.76 - 0.06 * (1 - ((x - cx) / rx) ** 2)  # diaphragm: lung stops above the dome
    return lung & (y < dome)


def _ribs(y, x, lung_band: np.ndarray) -> np.ndarray:
    ribs = np.zeros_like(y, dtype=bool)
    for k in range(8):
        y0 = 0.22 + 0.065 * k
        curve = y0 + 0.55 * (x - 0.5) ** 2
        ribs |= np.abs(y - curve) < 0.007
    return ribs & lung_band


def render_phantom(spec: PhantomSpec) -> PhantomTruth:
    from vlmcore.phantoms.findings import draw_finding
    from vlmcore.phantoms.marker import draw_tags

    rng = np.random.default_rng(spec.seed)
    y, x = _grid(spec.size)
    body = _body(y, x, rng)
    lung_right = _lung(y, x, 0.31, 0.15, rng) & body  # image left = patient right
    lung_left = _lung(y, x, 0.69, 0.145, rng) & body
    cardiomegaly = any(kind == "cardiomegaly" for kind, _ in spec.findings)
    thorax_width = (0.69 + 0.145) - (0.31 - 0.15)
    heart_share = blend(0.21, 0.3, spec.lesion_strength) if cardiomegaly else 0.21
    heart_half = heart_share * thorax_width + rng.uniform(-0.005, 0.005)
    heart = _ellipse(y, x, 0.64, 0.54, 0.13, heart_half) & body
    mediastinum = (np.abs(x - 0.5) < 0.055) & (y > 0.12) & (y < 0.62)
    image = np.full(y.shape, AIR)
    image[body] = SOFT_TISSUE
    markings = ndimage.gaussian_filter(rng.normal(0, 1, y.shape), 2.0) * 0.04
    image[lung_right | lung_left] = LUNG + markings[lung_right | lung_left]
    image[_ribs(y, x, lung_right | lung_left)] += BONE
    image[mediastinum | heart] = HEART
    image[(y > 0.76) & body] = SOFT_TISSUE + 0.08  # abdomen under the diaphragm
    canvas = _Canvas(image, y, x, lung_right, lung_left, body, rng, spec.lesion_strength)
    findings = tuple(draw_finding(canvas, kind, side) for kind, side in spec.findings if kind != "cardiomegaly")
    if cardiomegaly:
        findings = (FindingTruth("cardiomegaly", None, heart.copy(), _box(heart), detail=f"ctr={2 * heart_half / thorax_width:.2f}"),) + findings
    image = ndimage.gaussian_filter(canvas.image, 0.8) + rng.normal(0, spec.noise, y.shape)
    pixels = np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)
    encoded = spec.findings if spec.tag_findings is None else spec.tag_findings
    marker_boxes = draw_tags(pixels, encoded, body) if spec.tag else ()
    return PhantomTruth(pixels, body, lung_right, lung_left, heart, round(2 * heart_half / thorax_width, 3), findings, spec.seed,
                        marker_boxes)


def blend(normal, finding, strength: float):
    """``finding`` at strength 1 (exactly: films drawn before the option existed are unchanged),
    ``normal`` at 0, linear between."""
    return finding if strength == 1 else normal + strength * (finding - normal)


def _box(mask):
    from vlmcore.phantoms.truth import box_of

    return box_of(mask)


@dataclass
class _Canvas:
    """The image being drawn and the anatomy a finding needs to place itself."""

    image: np.ndarray
    y: np.ndarray
    x: np.ndarray
    lung_right: np.ndarray
    lung_left: np.ndarray
    body: np.ndarray
    rng: np.random.Generator
    strength: float = 1.0  # the spec's lesion_strength

    def paint(self, mask: np.ndarray, value: float) -> None:
        """Set the finding's pixels to ``value``, scaled by the lesion strength."""
        self.image[mask] = blend(self.image[mask], value, self.strength)

    def lung(self, side: str) -> np.ndarray:
        return self.lung_right if side == "right" else self.lung_left
