"""Anatomy on a grayscale chest film: body and lung masks, patient-oriented regions, boxes."""

from vlmcore.anatomy.body_mask import body_mask
from vlmcore.anatomy.lung_fields import lung_fields
from vlmcore.anatomy.regions import (
    body_area_share, border_fraction, border_ratio, cell_coverage, inside_body_ratio, inside_body_share, inside_box_ratio,
    region_fractions, ring_share, view_of,
)

__all__ = [
    "body_area_share", "body_mask", "border_fraction", "border_ratio", "cell_coverage", "inside_body_ratio", "inside_body_share", "inside_box_ratio", "lung_fields", "region_fractions", "ring_share", "view_of",
]
