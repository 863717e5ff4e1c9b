"""A scripted model: answers from a rule, with a deterministic attention map.

It speaks the adapter interface the engine uses (``evaluate`` / ``score_yes_no``), so a
gate can be tested against known behaviour: a model that says yes whatever the image, one
that flips on passive questions, one that got worse. Its maps are labelled ``scripted``.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.models.capabilities import Capability
from vlmcore.models.requests import Request, YesNoScore


class ScriptedAdapter:
    """Meets ``vlmcore.models.protocol.Adapter`` with no optional part: the question is the prompt,
    the map covers the whole film, the blank film keeps the film's shape."""

    family = "scripted"
    capabilities: frozenset[Capability] = frozenset()

    def __init__(self, margin: Callable[[str, np.ndarray], float], *, name: str = "scripted", grid: tuple[int, int] = (8, 8),
                 fingerprint: str | None = None):
        self.margin = margin
        self.name = name
        # the result cache and the flip store key on the fingerprint: give each behaviour its own
        self.fingerprint = fingerprint or f"scripted-{name}"
        self.grid_shape = grid
        self.dtype = "float32"
        self.device = "cpu"

    def _map(self, request: Request) -> AttentionMap:
        rows, cols = self.grid_shape
        y, x = np.mgrid[0:rows, 0:cols]
        spread = 1.5 + (len(request.question) % 5) * 0.1  # depends a little on wording, like a real map
        values = np.exp(-(((y - rows / 2 + 0.5) ** 2 + (x - cols / 2 + 0.5) ** 2) / (2 * spread**2)))
        return AttentionMap(values=values, method="scripted", grid=self.grid_shape)

    def _score(self, request: Request) -> YesNoScore:
        margin = float(self.margin(request.question, request.image))
        p_yes = 1 / (1 + math.exp(-margin))
        return YesNoScore(p_yes=p_yes, margin=margin, mass=0.9, top_token="yes" if margin > 0 else "no")

    def evaluate(self, requests: list[Request], *, with_maps: bool = True, layers=None, fusion: str = "mean"):
        return [(self._score(r), self._map(r) if with_maps else None) for r in requests]

    def score_yes_no(self, requests: list[Request]) -> list[YesNoScore]:
        return [self._score(r) for r in requests]
