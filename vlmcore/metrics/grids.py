"""Putting maps from different models on one grid, explicitly and mass-preserving.

MedGemma gives 16x16 maps, LLaVA-1.5 24x24, LLaVA-Rad 37x37. ``to_common_grid`` splits
every cell of each map evenly into the least common multiple grid (16 and 24 -> 48), which
preserves each map's mass exactly and invents no structure.
"""

from __future__ import annotations

from math import lcm

import numpy as np

from vlmcore.metrics.distribution import MapError, as_distribution


def upsample(values, shape: tuple[int, int]) -> np.ndarray:
    """Split each cell evenly into a (k_h, k_w) block; ``shape`` must be a whole multiple."""
    p = as_distribution(values)
    rows, cols = shape
    if rows % p.shape[0] or cols % p.shape[1]:
        raise MapError(f"grid {shape} is not a whole multiple of {p.shape}")
    k_rows, k_cols = rows // p.shape[0], cols // p.shape[1]
    return np.kron(p, np.ones((k_rows, k_cols))) / (k_rows * k_cols)


def to_common_grid(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Both maps on the least-common-multiple grid, as distributions."""
    p, q = as_distribution(a, "first map"), as_distribution(b, "second map")
    shape = (lcm(p.shape[0], q.shape[0]), lcm(p.shape[1], q.shape[1]))
    return upsample(p, shape), upsample(q, shape)
