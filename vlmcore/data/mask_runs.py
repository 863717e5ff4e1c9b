"""Lesion masks as run-length strings: the one format the ground-truth files use (the phantoms'
``ground_truth.json`` writes it; the grounding probes and the map evaluation read it).

A mask is ``"start length start length ..."`` over its row-major pixels: one short string in JSON.
"""

from __future__ import annotations

import numpy as np


def mask_runs(mask: np.ndarray) -> str:
    """``mask`` (boolean) as run-length pairs; ``mask_from_runs`` inverts it."""
    flat = np.concatenate([[0], mask.ravel().astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(flat))
    starts, ends = edges[0::2], edges[1::2]
    return " ".join(f"{start} {length}" for start, length in zip(starts, ends - starts))


def mask_from_runs(runs: str, shape: tuple[int, int]) -> np.ndarray:
    """A run-length string as a boolean mask of ``shape``."""
    values = [int(v) for v in runs.split()]
    flat = np.zeros(shape[0] * shape[1], dtype=bool)
    for start, length in zip(values[0::2], values[1::2]):
        flat[start:start + length] = True
    return flat.reshape(shape)
