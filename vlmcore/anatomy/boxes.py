"""Pathology boxes in the NIH ``BBox_List_2017.csv`` format.

The release's header is ``Image Index,Finding Label,Bbox [x,y,w,h]``, so a CSV reader sees
columns ``Bbox [x``, ``y``, ``w``, ``h]``. Coordinates are pixels of the 1024x1024 PNGs,
top-left origin. Scale them to a map grid with ``inside_box_ratio``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from vlmcore.data.tables import read_table
from vlmcore.errors import DatasetError

NIH_IMAGE_SHAPE = (1024, 1024)
_COLUMNS = ("Image Index", "Finding Label", "Bbox [x", "y", "w", "h]")


@dataclass(frozen=True)
class PathologyBox:
    image: str
    finding: str
    x: float
    y: float
    w: float
    h: float


def read_nih_boxes(path: str | Path) -> list[PathologyBox]:
    table = read_table(Path(path))
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise DatasetError(f"NIH box file needs columns {missing}", file=path, row=1)
    boxes = []
    for record in table.records:
        values = [record.values[c].strip() for c in _COLUMNS]
        try:
            x, y, w, h = (float(v) for v in values[2:])
        except ValueError:
            raise DatasetError(f"box coordinates {values[2:]} are not numbers", file=path, row=record.row) from None
        if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
            raise DatasetError(f"box {values[2:]} has no area", file=path, row=record.row)
        boxes.append(PathologyBox(values[0], values[1], x, y, w, h))
    return boxes
