"""Intervals for rates measured on clustered cases.

A rate over n cases from k clusters carries less information than n independent cases. We
use a Wilson score interval (Wilson 1927, "Probable inference, the law of succession, and
statistical inference", JASA 22:209-212) on the *effective* sample size n / deff, where the
design effect deff (Kish 1965, *Survey Sampling*, ch. 8) is the cluster-robust variance of the
rate (Liang & Zeger 1986, Biometrika 73:13-22) over its binomial variance (never below 1),
with a Student-t quantile on k - 1 degrees of freedom (the small-cluster correction reviewed
by Cameron & Miller 2015, J. Human Resources 50:317-372). Why this method:

- it is never zero-width: at an observed 0 or 1 the design effect is taken as the mean
  cluster size (every case of a cluster alike), so n_eff = k;
- the t quantile widens it when there are few clusters; below ``MIN_RELIABLE_CLUSTERS`` the
  interval is flagged unreliable all the same, and with one cluster it is [0, 1];
- it is closed-form, so the calibration script can simulate thousands of runs through it.

Coverage is measured by ``python -m vlmcore.calibration`` (README).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import special  # not scipy.stats: importing it takes half a second of every run's start

from vlmcore.metrics.clusters import Tally

MIN_RELIABLE_CLUSTERS = 10


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float  # two-sided coverage the interval is built for
    clusters: int
    cases: int
    design_effect: float

    @property
    def reliable(self) -> bool:
        return self.clusters >= MIN_RELIABLE_CLUSTERS

    def note(self) -> str:
        return "" if self.reliable else f"unreliable: only {self.clusters} cluster(s)"

    def to_json(self) -> list:
        return [round(self.low, 6), round(self.high, 6)]


def design_effect(tally: Tally) -> float:
    n, k = int(tally.trials.sum()), len(tally.trials)
    p = float(tally.successes.sum()) / n
    if p in (0.0, 1.0) or k < 2:
        return n / k  # no spread observed: assume every case of a cluster alike (the widest choice)
    residuals = tally.successes - p * tally.trials
    robust = k / (k - 1) * float(np.sum(residuals**2)) / n**2
    return max(1.0, robust / (p * (1 - p) / n))


@functools.lru_cache(maxsize=4096)
def quantile(level: float, clusters: int) -> float:
    """Two-sided critical value for ``level`` with ``clusters - 1`` degrees of freedom."""
    return float(special.stdtrit(clusters - 1, 1 - (1 - level) / 2))  # Student's t quantile (what stats.t.ppf calls)


def _wilson(p: float, effective: float, z: float) -> tuple[float, float]:
    denominator = 1 + z * z / effective
    centre = (p + z * z / (2 * effective)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / effective + z * z / (4 * effective**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_interval(tally: Tally, level: float = 0.95) -> Interval | None:
    n, k = int(tally.trials.sum()), len(tally.trials)
    if n == 0:
        return None
    if k < 2:
        return Interval(0.0, 1.0, level, k, n, float(n))
    p = float(tally.successes.sum()) / n
    deff = design_effect(tally)
    low, high = _wilson(p, n / deff, quantile(level, k))
    return Interval(low, high, level, k, n, deff)


def value_at_bound(tally: Tally, bound: float, level: float, upper: bool) -> float:
    """The rate whose upper (or lower) bound, with these clusters, cases and design effect, is
    ``bound``: how far below a bar a rate must fall before a check on this much data fails. The
    Wilson interval holds the T with |p - T| <= z sqrt(T (1 - T) / n), so p = T -/+ z sqrt(...)."""
    n, k = int(tally.trials.sum()), len(tally.trials)
    spread = quantile(level, k) * math.sqrt(bound * (1 - bound) / (n / design_effect(tally)))
    return min(1.0, max(0.0, bound - spread if upper else bound + spread))


def mean_interval(values_by_cluster: list[list[float]], level: float = 0.95) -> Interval | None:
    """Cluster-robust interval for a mean of continuous values (e.g. JS divergence), t on k - 1 df."""
    clusters = [v for v in values_by_cluster if v]
    n, k = sum(map(len, clusters)), len(clusters)
    if n == 0:
        return None
    mean = sum(map(sum, clusters)) / n
    if k < 2:
        return Interval(-math.inf, math.inf, level, k, n, float(n))
    residuals = np.array([sum(v) - mean * len(v) for v in clusters])
    se = math.sqrt(k / (k - 1) * float(np.sum(residuals**2))) / n
    z = quantile(level, k)
    return Interval(mean - z * se, mean + z * se, level, k, n, 1.0)
