"""Per-map measurements the report and the per-case thresholds read."""

from __future__ import annotations

import numpy as np

from vlmcore.anatomy import border_fraction, inside_body_ratio, inside_body_share, inside_box_ratio, region_fractions, ring_share
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.metrics import entropy, focus, gini, peak_to_average


def map_metrics(attention: AttentionMap, body: np.ndarray, box: tuple | None, image_shape: tuple[int, int],
                view: str | None = None) -> dict:
    """``inside_body_ratio`` is the body's share of the map over its share of the film (1.0 =
    uniform; ``inside_body_share`` the raw share). Side fractions are given for a frontal film
    (``view`` PA / AP, or not stated) and left out for a lateral one (``view_of``)."""
    values = attention.values
    border = border_fraction(values)
    metrics = {
        "entropy": entropy(values), "focus": focus(values), "gini": gini(values), "peak_to_average": peak_to_average(values),
        "inside_body_ratio": inside_body_ratio(values, body), "inside_body_share": inside_body_share(values, body),
        "border_fraction": border, "border_ratio": border / ring_share(values.shape),
    }
    if view != "LATERAL":
        regions = region_fractions(values, view or "PA")
        metrics.update({"patient_right": regions.patient_right, "patient_left": regions.patient_left,
                        "apical": regions.apical, "basal": regions.basal})
    if box is not None:
        metrics["inside_box_ratio"] = inside_box_ratio(values, box, image_shape)
    return {key: round(float(value), 6) for key, value in metrics.items()}
