"""Distribution metrics on 2-D attention maps.

Every function first turns its input into a probability distribution with
``as_distribution``: finite, non-negative, not all zero, then divided by its sum. So every
metric is invariant to scaling a map, and a NaN, negative or empty map is an error, not a
number. Two-map metrics need the same grid: compare a 16x16 map with a 24x24 one only after
``to_common_grid`` (explicit, never implicit).

Jensen-Shannon: ``js_divergence`` (Lin 1991, "Divergence measures based on the Shannon
entropy", IEEE Trans. Inf. Theory 37:145-151) uses log base 2, so it lies in [0, 1] (0 iff
equal, 1 for disjoint supports). ``js_distance`` is its square root, a metric (Endres &
Schindelin 2003, IEEE Trans. Inf. Theory 49:1858-1860). Reports name which one. ``gini`` is
the Gini index as a sparsity measure (Hurley & Rickard 2009, IEEE Trans. Inf. Theory
55:4723-4741).
"""

from __future__ import annotations

import numpy as np

from vlmcore.errors import VlmcoreError


class MapError(VlmcoreError, ValueError):
    """A map that is not a distribution (NaN, negative, all zero) or grids that differ."""


def as_distribution(values, name: str = "map") -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.size == 0:
        raise MapError(f"{name} must be a non-empty 2-D grid, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise MapError(f"{name} has {int(np.sum(~np.isfinite(array)))} non-finite values (NaN/inf)")
    if np.any(array < 0):
        raise MapError(f"{name} has negative values (min {array.min():.3g}); attention maps are non-negative")
    total = array.sum()
    if total <= 0:
        raise MapError(f"{name} is all zero: no attention mass to normalise")
    return array / total


def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    p, q = as_distribution(a, "first map"), as_distribution(b, "second map")
    if p.shape != q.shape:
        raise MapError(f"maps on different grids {p.shape} vs {q.shape}: resample with to_common_grid first")
    return p, q


def entropy(values) -> float:
    """Shannon entropy in nats (0 log 0 = 0)."""
    p = as_distribution(values).ravel()
    nonzero = p[p > 0]
    return float(-(nonzero * np.log(nonzero)).sum())


def focus(values) -> float:
    """Normalised focus ``1 - H / log N``: 0 for a uniform map, 1 for a single cell."""
    p = as_distribution(values)
    if p.size == 1:
        return 1.0
    return float(1.0 - entropy(p) / np.log(p.size))


def gini(values) -> float:
    """Gini coefficient of the cell masses: 0 uniform, (N-1)/N for one-hot."""
    p = np.sort(as_distribution(values).ravel())
    n = p.size
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * p).sum() / n)


def _kl2(p: np.ndarray, m: np.ndarray) -> float:
    mask = p > 0
    return float((p[mask] * np.log2(p[mask] / m[mask])).sum())


def js_divergence(a, b) -> float:
    """Jensen-Shannon divergence, base 2, in [0, 1]."""
    p, q = _pair(a, b)
    m = 0.5 * (p + q)
    value = 0.5 * _kl2(p, m) + 0.5 * _kl2(q, m)
    return float(min(max(value, 0.0), 1.0))


def js_distance(a, b) -> float:
    """Jensen-Shannon distance: the square root of the base-2 divergence, in [0, 1]."""
    return float(np.sqrt(js_divergence(a, b)))


def pearson(a, b) -> float:
    """Pearson correlation of cell masses; NaN when either map is constant (undefined)."""
    p, q = _pair(a, b)
    if any(np.ptp(m) <= 1e-12 * m.max() for m in (p, q)):
        return float("nan")
    p, q = p.ravel() - p.mean(), q.ravel() - q.mean()
    denominator = np.sqrt((p * p).sum() * (q * q).sum())
    return float((p * q).sum() / denominator) if denominator > 0 else float("nan")


def cosine(a, b) -> float:
    p, q = _pair(a, b)
    return float((p * q).sum() / (np.linalg.norm(p) * np.linalg.norm(q)))


def l2(a, b) -> float:
    """Euclidean distance between the two normalised maps."""
    p, q = _pair(a, b)
    return float(np.linalg.norm(p - q))


def peak_to_average(values) -> float:
    """Largest cell mass over the mean cell mass: 1 for uniform, N for one-hot."""
    p = as_distribution(values)
    return float(p.max() * p.size)
