"""Metrics on attention maps (distributions over an image grid) and on regions of a film."""

from vlmcore.metrics.distribution import (
    MapError,
    as_distribution,
    cosine,
    entropy,
    focus,
    gini,
    js_distance,
    js_divergence,
    l2,
    peak_to_average,
    pearson,
)
from vlmcore.metrics.grids import to_common_grid, upsample

__all__ = [
    "MapError", "as_distribution", "cosine", "entropy", "focus", "gini", "js_distance", "js_divergence",
    "l2", "peak_to_average", "pearson", "to_common_grid", "upsample",
]
