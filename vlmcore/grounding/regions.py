"""Where a finding's lesion is on a film, from what the dataset knows.

Three sources, in this order of precedence:

1. a ``box`` column in the user's dataset (generic schema: ``x,y,w,h`` in the film's own pixels,
   top-left origin, on the rows whose answer is yes);
2. a ``ground_truth.json`` beside the dataset (the bundled phantom sets): each film's findings with
   their side, box and, when recorded, the exact mask (``mask_runs``), and the burned-in markers'
   boxes (``marker_boxes``);
3. an NIH ``BBox_List_2017.csv``-format box file (``--vlm-lesion-boxes``), keyed by file name, in
   pixels of the 1024 x 1024 release films (scaled to the film's size).

A ``Region`` remembers the film size its coordinates refer to, so a box drawn on the 1024 px NIH
release lands on the same anatomy of a film resized to 512 px.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vlmcore.data.findings import finding_of
from vlmcore.data.mask_runs import mask_from_runs
from vlmcore.errors import DatasetError

NIH_SHAPE = (1024, 1024)


@dataclass(frozen=True)
class Region:
    """A place on a film: a box ``(x, y, w, h)`` and, when known, the exact mask inside it.

    ``shape``: the (height, width) of the film the coordinates refer to (None: the film's own);
    ``mask_runs``: the mask as run-length pairs over that film's row-major pixels."""

    box: tuple[float, float, float, float]
    source: str
    shape: tuple[int, int] | None = None
    mask_runs: str = field(default="", repr=False)

    def mask(self, film_shape: tuple[int, int]) -> np.ndarray:
        """The region as a boolean mask on a film of ``film_shape`` (scaled when the region was drawn on another size)."""
        height, width = film_shape
        if self.mask_runs and self.shape is not None:
            drawn = mask_from_runs(self.mask_runs, self.shape)
            if tuple(self.shape) == (height, width):
                return drawn
            import cv2

            return cv2.resize(drawn.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
        x, y, w, h = self.box
        if self.shape is not None:
            scale_y, scale_x = height / self.shape[0], width / self.shape[1]
            x, w, y, h = x * scale_x, w * scale_x, y * scale_y, h * scale_y
        mask = np.zeros((height, width), dtype=bool)
        top, left = max(0, int(np.floor(y))), max(0, int(np.floor(x)))
        bottom, right = min(height, int(np.ceil(y + h))), min(width, int(np.ceil(x + w)))
        mask[top:bottom, left:right] = True
        return mask

    def describe(self) -> str:
        x, y, w, h = self.box
        return f"{'mask' if self.mask_runs else 'box'} x={x:g} y={y:g} w={w:g} h={h:g} ({self.source})"


@dataclass(frozen=True)
class Lesion:
    finding: str
    side: str | None  # patient terms; None: no side (cardiomegaly) or unknown (NIH boxes)
    region: Region


@dataclass
class LesionIndex:
    """Known lesions and markers per film, looked up by resolved path and, failing that, by file name."""

    lesions: dict[str, list[Lesion]] = field(default_factory=dict)
    markers: dict[str, tuple[Region, ...]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def _entries(self, table: dict, image: Path):
        return table.get(str(image)) or table.get(image.name)

    def lesions_on(self, image: Path) -> list[Lesion]:
        return list(self._entries(self.lesions, image) or [])

    def lesion(self, image: Path, finding: str, side: str | None) -> Region | None:
        """The region of ``finding`` on ``image`` (the named side's, or every side's when the question names none)."""
        found = [entry for entry in self.lesions_on(image) if entry.finding == finding
                 and (side is None or entry.side in (side, None))]
        if not found:
            return None
        if len(found) == 1:
            return found[0].region
        return Union(tuple(entry.region for entry in found))

    def markers_on(self, image: Path) -> tuple[Region, ...]:
        return tuple(self._entries(self.markers, image) or ())

    def add(self, key: str, lesion: Lesion) -> None:
        self.lesions.setdefault(key, []).append(lesion)


@dataclass(frozen=True)
class Union:
    """Several regions occluded together (a finding on both sides asked without a side)."""

    parts: tuple[Region, ...]

    @property
    def source(self) -> str:
        return self.parts[0].source

    def mask(self, film_shape: tuple[int, int]) -> np.ndarray:
        return np.logical_or.reduce([part.mask(film_shape) for part in self.parts])

    def describe(self) -> str:
        return " + ".join(part.describe() for part in self.parts)


def read_ground_truth(path: Path, index: LesionIndex) -> None:
    """A phantom set's ``ground_truth.json`` (image paths relative to its folder): findings (side, box,
    mask) and marker boxes per film."""
    try:
        truth = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DatasetError(f"ground truth cannot be read ({error})", file=path, row=1) from None
    if not isinstance(truth, dict):
        raise DatasetError("ground truth must be an object keyed by image path", file=path, row=1)
    for image, entry in truth.items():
        key = str((path.parent / image).resolve())
        size = entry.get("size")
        shape = (int(size), int(size)) if size else None
        for finding in entry.get("findings", []):
            region = Region(tuple(float(v) for v in finding["box"]), "ground truth", shape, finding.get("mask_runs", ""))
            index.add(key, Lesion(finding["kind"], finding.get("side"), region))
        markers = tuple(Region(tuple(float(v) for v in box), "ground truth marker", shape) for box in entry.get("marker_boxes", []))
        if markers:
            index.markers[key] = markers
    index.sources.append(f"{path} (phantom truth: {'masks' if _has_masks(truth) else 'boxes'})")


def _has_masks(truth: dict) -> bool:
    return any(f.get("mask_runs") for entry in truth.values() for f in entry.get("findings", []))


def read_nih_box_file(path: Path, index: LesionIndex) -> None:
    """NIH ``BBox_List_2017.csv`` boxes (1024 px coordinates), by file name; labels mapped to our findings."""
    from vlmcore.anatomy.boxes import read_nih_boxes

    boxes = read_nih_boxes(path)
    for box in boxes:
        finding = finding_of(box.finding.lower())
        index.add(box.image, Lesion(finding, None, Region((box.x, box.y, box.w, box.h), "NIH box file", NIH_SHAPE)))
    index.sources.append(f"{path} (NIH boxes: {len(boxes)})")


def lesion_index(dataset_path: Path, box_file: Path | None = None) -> LesionIndex:
    """What the run knows about lesion places: the ground truth beside the dataset and an NIH box file
    (the dataset's own ``box`` column is read with each case)."""
    index = LesionIndex()
    truth = dataset_path.parent / "ground_truth.json"
    if truth.is_file():
        read_ground_truth(truth, index)
    if box_file is not None:
        read_nih_box_file(box_file, index)
    return index
