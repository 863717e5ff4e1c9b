"""Sanity check: a map of a model with random weights must not look like the trained model's.

Adebayo et al. 2018, "Sanity Checks for Saliency Maps" (NeurIPS): an explanation that barely
changes when the model's parameters are randomised explains the input's structure or the
method's own bias (an attention sink is one), not what the model learnt. Here every weight
matrix of the model (vision tower, projector, decoder; embeddings and norms kept) is redrawn
from a normal with the trained matrix's own standard deviation (seeded), the same recipe makes
maps of both models on the same films, and their Spearman rank correlation per film is
averaged with a patient-clustered interval. The check passes when the interval's upper bound
stays below ``MAX_CORRELATION``: the maps depend on the learnt weights.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from scipy import stats

from vlmcore.metrics.clustered_means import Estimate, clustered_mean

MAX_CORRELATION = 0.5


def randomised(adapter, seed: int = 0):
    """A copy of the adapter whose weight matrices are redrawn (same class, same processor)."""
    model = copy.deepcopy(adapter.model)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.dim() < 2 or "embed_tokens" in name or "lm_head" in name:
                continue  # norms, biases and the token embeddings / head keep the vocabulary readable
            std = float(parameter.float().std()) or 0.02
            fresh = torch.randn(parameter.shape, generator=generator) * std
            parameter.copy_(fresh.to(parameter.dtype))
    return type(adapter)(model, adapter.processor, name=f"{adapter.name} (randomised)", fingerprint=f"{adapter.fingerprint}-random{seed}")


@dataclass(frozen=True)
class Sanity:
    recipe: str
    correlation: Estimate  # Spearman rank correlation, trained vs randomised, per film
    passed: bool

    def to_json(self) -> dict:
        return {"recipe": self.recipe, "spearman": self.correlation.to_json(), "passed": self.passed,
                "max_correlation": MAX_CORRELATION}


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(stats.spearmanr(a, b).statistic)


def check(recipe_name: str, trained_maps, random_maps, clusters: list[str]) -> Sanity:
    values = [rank_correlation(t.values, r.values) for t, r in zip(trained_maps, random_maps)]
    estimate = clustered_mean(values, clusters)
    return Sanity(recipe_name, estimate, bool(np.isfinite(estimate.high) and estimate.high < MAX_CORRELATION))
