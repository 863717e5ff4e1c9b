"""Attention sinks: cells that hold a map's mass whatever the film and the question.

Language models park attention on a few fixed tokens that carry no content of their own
(Xiao et al. 2024, "Efficient Streaming Language Models with Attention Sinks", ICLR), and
vision transformers store global information in a few patch tokens of high norm (Darcet et
al. 2024, "Vision Transformers Need Registers", ICLR). A token like that draws answer-position
attention for its *role*, not for what the film shows at its place, so a map that keeps it
points at one fixed cell: on the reference model ``robust`` one cell, (row 0, col 2), held
38-64% of every question's mean map.

``find_sinks`` reads them off a set of maps (different films and questions): a cell is a sink
when the mean map over them gives it at least ``factor`` times the uniform share. The mean, not
a per-map rule: on ``robust`` the sink cell is bimodal (above 4x uniform in only 36% of single
maps, median share 2%), yet it holds 32% of the mean map, 20x uniform, because the maps that
use it put most of their mass there. A lesion moves from film to film, so its cells do not
build up in the mean; a fixed cell does. ``handle`` gives a map back with the sinks dealt with, and says what was done in the
map's ``sink`` label:

- ``raw``: unchanged;
- ``sink-removed``: the sink cells set to zero and the rest renormalised;
- ``mean-relative``: the positive part of the map minus the mean map (what this film and
  question add to where the model always looks), renormalised.

Which handling a family's default map uses is chosen by faithfulness (``vlmcore.mapeval``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.errors import CaptureError, ConfigError

HANDLINGS = ("raw", "sink-removed", "mean-relative")


@dataclass(frozen=True)
class SinkProfile:
    """The sinks of one model's maps on one grid, and the mean map they were read from."""

    cells: tuple[tuple[int, int], ...]
    shares: tuple[float, ...]  # each sink's mean share of the maps
    mean_map: np.ndarray
    maps: int  # how many maps it was read from
    factor: float

    @property
    def grid(self) -> tuple[int, int]:
        return tuple(self.mean_map.shape)

    def describe(self) -> str:
        if not self.cells:
            return f"no sink (no cell above {self.factor:g}x the uniform share of the mean of {self.maps} maps)"
        listed = ", ".join(f"({r}, {c}) {s:.0%}" for (r, c), s in zip(self.cells, self.shares))
        return f"{len(self.cells)} sink cell(s) over {self.maps} maps: {listed} of the mean map"


def _normalised(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    total = values.sum()
    if not np.isfinite(total) or total <= 0:
        raise CaptureError("a map with no mass cannot be read for sinks")
    return values / total


def find_sinks(maps: list, factor: float = 8.0) -> SinkProfile:
    """Cells holding at least ``factor`` x the uniform share of the mean of ``maps``
    (``AttentionMap`` s or arrays on one grid, of different films and questions). At least two
    maps are needed: one map cannot tell a sink from a finding."""
    arrays = [_normalised(m.values if isinstance(m, AttentionMap) else m) for m in maps]
    if len(arrays) < 2:
        raise ConfigError(f"find_sinks needs maps of at least two films or questions, got {len(arrays)}")
    if len({a.shape for a in arrays}) != 1:
        raise ConfigError(f"find_sinks needs maps on one grid, got {sorted({a.shape for a in arrays})}")
    stack = np.stack(arrays)
    uniform = 1.0 / stack[0].size
    mean = stack.mean(axis=0)
    cells = [tuple(int(v) for v in cell) for cell in np.argwhere(mean >= factor * uniform)]
    cells.sort(key=lambda cell: -mean[cell])
    return SinkProfile(tuple(cells), tuple(float(mean[c]) for c in cells), mean, len(arrays), factor)


def handle(attention: AttentionMap, profile: SinkProfile | None, handling: str) -> AttentionMap:
    """``attention`` with its sinks handled as ``handling`` says, labelled with what was done."""
    if handling not in HANDLINGS:
        raise ConfigError(f"unknown sink handling {handling!r}; expected one of {HANDLINGS}")
    if handling == "raw":
        return replace(attention, sink="raw")
    if profile is None:
        raise ConfigError(f"sink handling {handling!r} needs a sink profile (find_sinks over the model's maps)")
    if tuple(attention.grid) != profile.grid:
        raise ConfigError(f"a {attention.grid} map cannot use a sink profile read on a {profile.grid} grid")
    p = _normalised(attention.values)
    if handling == "sink-removed":
        if not profile.cells:
            return replace(attention, values=p, sink="sink-removed (no sink found)")
        kept = p.copy()
        for cell in profile.cells:
            kept[cell] = 0.0
        if kept.sum() <= 1e-12:
            raise CaptureError("every bit of this map's mass is on sink cells: nothing is left once they are removed")
        cells = " ".join(f"({r},{c})" for r, c in profile.cells)
        return replace(attention, values=kept / kept.sum(), sink=f"sink-removed {cells}")
    lifted = np.clip(p - profile.mean_map, 0.0, None)
    if lifted.sum() <= 1e-12:
        raise CaptureError("this map adds nothing to the model's mean map: no mean-relative map")
    return replace(attention, values=lifted / lifted.sum(), sink=f"mean-relative ({profile.maps} maps)")
