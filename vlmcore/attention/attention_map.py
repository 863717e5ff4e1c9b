"""An attention map with its provenance: every map says which method made it.

A map that did not come from a real attention or gradient computation is flagged
``fallback=True``; benchmark cases fail on such maps unless explicitly allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class AttentionMap:
    values: np.ndarray  # (rows, cols) non-negative, on the model's own image grid
    method: str  # e.g. "sdpa-rows", "qformer-composed", "cross-attention", "grad-cam", "activation-norm"
    grid: tuple[int, int]
    layers: tuple[int, ...] = ()
    head_fusion: str = ""
    query: str = "answer"  # which query positions: the answer position, or "token:<word>"
    fallback: bool = False
    notes: dict = field(default_factory=dict)
    # (top, left, height, width) of the original film the grid covers, in film pixels; None: the whole film.
    # LLaVA's processor centre-crops, so its grid covers only the central square of a non-square film.
    region: tuple[float, float, float, float] | None = None
    # what was done to attention sinks (vlmcore.attention.sinks): "raw", "sink-removed (r,c)...", "mean-relative (N maps)"
    sink: str = "raw"

    def __post_init__(self) -> None:
        if self.values.shape != tuple(self.grid):
            raise ValueError(f"map of shape {self.values.shape} labelled with grid {self.grid}")

    def describe(self) -> dict:
        return {
            "method": self.method, "grid": list(self.grid), "layers": list(self.layers), "head_fusion": self.head_fusion,
            "query": self.query, "fallback": self.fallback, "region": list(self.region) if self.region else None,
            "sink": self.sink,
        }
