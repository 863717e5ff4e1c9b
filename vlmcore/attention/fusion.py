"""Reducing captured rows (layers x heads x query positions) to one map.

Layer selection picks which decoder layers contribute (default: the last quarter, where
answer-relevant attention concentrates); head fusion combines heads: ``mean``, ``max``, or
``entropy`` (heads weighted by how focused they are, ``log N - H``).
"""

from __future__ import annotations

import math

import torch

from vlmcore.errors import ConfigError

FUSIONS = ("mean", "max", "entropy")


def check_fusion(fusion: str) -> None:
    """Refuse an unknown head fusion before any forward pass is spent."""
    if fusion not in FUSIONS:
        raise ConfigError(f"unknown head fusion {fusion!r}; expected one of {FUSIONS}")


def default_layers(count: int) -> tuple[int, ...]:
    """The last quarter of ``count`` layers (at least one)."""
    keep = max(1, count // 4)
    return tuple(range(count - keep, count))


def select_layers(count: int, layers: tuple[int, ...] | str | None) -> tuple[int, ...]:
    if layers is None or layers == "last-quarter":
        return default_layers(count)
    if layers == "all":
        return tuple(range(count))
    chosen = tuple(index % count if index < 0 else index for index in layers)
    bad = [index for index in chosen if not 0 <= index < count]
    if bad:
        raise ConfigError(f"layers {bad} out of range for a model with {count} decoder layers")
    return chosen


def fuse_heads(rows: torch.Tensor, fusion: str) -> torch.Tensor:
    """(B, H, P, N) -> (B, P, N)."""
    if fusion == "mean":
        return rows.mean(dim=1)
    if fusion == "max":
        return rows.amax(dim=1)
    if fusion == "entropy":
        probs = rows / rows.sum(dim=-1, keepdim=True).clamp_min(1e-30)
        entropy = -(probs * probs.clamp_min(1e-30).log()).sum(dim=-1)  # (B, H, P)
        weights = (math.log(rows.shape[-1]) - entropy).clamp_min(1e-6)
        weights = weights / weights.sum(dim=1, keepdim=True)
        return (rows * weights[..., None]).sum(dim=1)
    check_fusion(fusion)
    raise AssertionError("unreachable: check_fusion accepted an unhandled fusion")


def fuse(rows_by_layer: dict[int, torch.Tensor], layers: tuple[int, ...], fusion: str) -> torch.Tensor:
    """Mean over layers of head-fused rows, then mean over query positions: (B, N)."""
    stacked = torch.stack([fuse_heads(rows_by_layer[layer], fusion) for layer in layers])
    return stacked.mean(dim=0).mean(dim=1)
