"""Statistics for map evaluation on clustered films: the patient is the unit.

``clustered_mean``: the mean of per-film values with a cluster-robust t interval
(``vlmcore.metrics.intervals.mean_interval``: Liang & Zeger 1986, t on k - 1 df). ``sign_flip``:
a paired randomisation test (Fisher 1935; Pitman 1937) on per-patient mean differences,
exact up to 16 patients and 20,000 seeded random sign draws above that.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.metrics.intervals import mean_interval

EXACT_UP_TO = 16
DRAWS = 20_000


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    clusters: int
    n: int

    def text(self, digits: int = 2) -> str:
        if self.n == 0:
            return "-"
        if not math.isfinite(self.low):
            return f"{self.mean:.{digits}f}"
        return f"{self.mean:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"

    def to_json(self) -> dict:
        return {"mean": round(self.mean, 6), "low": round(self.low, 6) if math.isfinite(self.low) else None,
                "high": round(self.high, 6) if math.isfinite(self.high) else None, "clusters": self.clusters, "n": self.n}


def by_cluster(values: list[float], clusters: list[str]) -> list[list[float]]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for value, cluster in zip(values, clusters):
        if value is not None and math.isfinite(value):
            grouped[cluster].append(float(value))
    return [grouped[key] for key in sorted(grouped)]


def clustered_mean(values: list[float], clusters: list[str], level: float = 0.95) -> Estimate:
    grouped = by_cluster(values, clusters)
    interval = mean_interval(grouped, level)
    if interval is None:
        return Estimate(float("nan"), float("nan"), float("nan"), 0, 0)
    n = sum(map(len, grouped))
    mean = sum(map(sum, grouped)) / n
    return Estimate(mean, interval.low, interval.high, interval.clusters, n)


def sign_flip(differences: list[float], clusters: list[str], seed: int = 0) -> float:
    """Two-sided p-value that the per-patient mean differences are centred on 0."""
    means = np.array([np.mean(v) for v in by_cluster(differences, clusters)])
    if means.size == 0 or np.all(means == 0):
        return 1.0
    observed = abs(means.sum())
    if means.size <= EXACT_UP_TO:
        signs = np.array(np.meshgrid(*[[-1, 1]] * means.size)).reshape(means.size, -1).T
    else:
        signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(DRAWS, means.size))
    sums = np.abs(signs @ means)
    return float(min(1.0, (np.sum(sums >= observed - 1e-12) + (0 if means.size <= EXACT_UP_TO else 1))
                     / (len(sums) + (0 if means.size <= EXACT_UP_TO else 1))))
