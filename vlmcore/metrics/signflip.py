"""An exact paired test on per-cluster differences: the sign-flip (randomisation) test.

Fisher's randomisation argument (Fisher 1935, *The Design of Experiments*, sec. 21) and
Pitman's permutation test for paired samples (Pitman 1937, "Significance tests which may be
applied to samples from any populations", JRSS Suppl. 4:119-130), on cluster totals.

Under "no change" the candidate and baseline outcomes of one cluster are exchangeable, so
each cluster's difference d_i is as likely to be +|d_i| as -|d_i|. The p-value for "worse"
is P(sum s_i |d_i| <= observed sum) over all 2^k sign assignments. The differences are
integer counts, so the distribution of the sum is computed exactly by convolving, one
distinct |d| value at a time (a binomial each): no Monte Carlo, no seed, fast enough for
the calibration script's thousands of simulated runs.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special


def _fair_binomial(count: int) -> np.ndarray:
    """P(k heads in ``count`` fair coin flips), k = 0..count, through log-gamma (no overflow for
    large counts; scipy.stats.binom gives the same to ~1e-15 but costs half a second to import)."""
    k = np.arange(count + 1)
    log_choose = special.gammaln(count + 1) - special.gammaln(k + 1) - special.gammaln(count - k + 1)
    return np.exp(log_choose - count * math.log(2.0))


def _sum_distribution(magnitudes: np.ndarray) -> tuple[np.ndarray, int]:
    """Probabilities of sum(s_i * m_i) for m_i >= 1, indexed from ``-total``."""
    total = int(magnitudes.sum())
    distribution = np.zeros(2 * total + 1)
    distribution[total] = 1.0
    for value, count in zip(*np.unique(magnitudes, return_counts=True)):
        positives = _fair_binomial(int(count))  # number of +value signs
        step = np.zeros(2 * int(value) * int(count) + 1)
        step[::2 * int(value)] = positives  # offset -value*count .. +value*count in steps of 2*value
        distribution = np.convolve(distribution, step)[int(value) * int(count): int(value) * int(count) + 2 * total + 1]
    return distribution, total


def p_worse(differences) -> float:
    """One-sided p-value that the candidate is worse (sum of differences this low by chance).

    ``differences``: integer per-cluster differences, candidate minus baseline, in the
    direction where positive is better. All zero gives 1.0.
    """
    d = np.asarray(differences, dtype=np.int64)
    magnitudes = np.abs(d[d != 0])
    if magnitudes.size == 0:
        return 1.0
    distribution, total = _sum_distribution(magnitudes)
    observed = int(d.sum())
    return float(min(1.0, distribution[: observed + total + 1].sum()))


def p_two_sided(differences) -> float:
    """Two-sided p-value: twice the smaller one-sided tail, at most 1 (a change either way)."""
    d = list(differences)
    return min(1.0, 2 * min(p_worse(d), p_worse([-x for x in d])))
