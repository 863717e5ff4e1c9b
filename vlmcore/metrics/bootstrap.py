"""95% bootstrap confidence intervals clustered by patient.

Cases of one patient are not independent (same anatomy, often the same film), so the
bootstrap resamples *patients* with replacement and recomputes the metric over all their
cases. Fixed seed: the same rows give the same interval.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Sequence

import numpy as np


def clustered_ci(rows: Sequence, metric: Callable[[list], float | None], cluster: Callable[[object], str],
                 resamples: int = 1000, seed: int = 0) -> tuple[float, float] | None:
    by_cluster: dict[str, list] = defaultdict(list)
    for row in rows:
        by_cluster[cluster(row) or "unknown"].append(row)
    clusters = sorted(by_cluster)
    if not clusters:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        chosen = rng.integers(0, len(clusters), len(clusters))
        sample = [row for index in chosen for row in by_cluster[clusters[index]]]
        value = metric(sample)
        if value is not None:
            values.append(value)
    if not values:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return (round(float(low), 6), round(float(high), 6))
