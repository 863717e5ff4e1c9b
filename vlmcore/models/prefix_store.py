"""Per-film prefix KV caches kept across calls: a film's image prefix runs once per run.

A decoder-only VLM whose prompt starts with the image computes the same prefix (vision tower,
projector and every text layer over the image tokens) for every question asked of a film. The
shared-prefix path already runs it once per *call*; this store keeps each film's prefix KV
cache *between* calls, so the group's questions, the flip search's candidates, the blank film
of the image-reliance pass and any probe film asked again reuse it (prompt caching in the
sense of Gim et al., "Prompt Cache: Modular Attention Reuse for Low-Latency Inference",
MLSys 2024; and the prefix sharing of Zheng et al., "SGLang: Efficient Execution of
Structured Language Model Programs", 2024).

The key covers everything that changes the cached tensors: the model's fingerprint and
dtype, the film's content digest (``Request.image_key``, a SHA-256 of the pixels and shape)
and the prefix token ids. Entries are one film each (batch dimension 1, tensors owned, never
views of a batch), least recently used first out beyond ``capacity`` films; pinned films (the
blank film) are never evicted. ``computations`` counts, per film, how many times its prefix
was computed: a run with no recomputation has every count at 1.

Only caches made of plain dynamic (full or sliding-window) layers are kept: a layer type
with more state is computed every time rather than reassembled wrongly.
"""

from __future__ import annotations

import copy
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import torch

#: films kept by default: a chunk of films (8) and the flip searches and probes that follow it, twice over
DEFAULT_CAPACITY = 32


@dataclass(frozen=True)
class PrefixKey:
    fingerprint: str
    dtype: str
    film: str  # the film's content digest
    tokens: tuple[int, ...]  # the prefix's token ids (template and image tokens)


@dataclass
class PrefixEntry:
    """One film's prefix: its KV cache (batch 1), its rotary offset and, when the adapter
    captures rows in the prefix (BLIP-2's Q-Former), those rows per extra recorder."""

    cache: object
    offset: torch.Tensor | None  # (1,) the film's suffix position offset (Qwen's rope delta), or None
    extra_rows: list[dict[int, torch.Tensor]] | None = None  # per extra recorder: layer -> (1, ...) rows
    nbytes: int = field(default=0)


def _layer_tensors(layer) -> tuple[torch.Tensor, torch.Tensor]:
    return layer.keys, layer.values


def storable(cache) -> bool:
    """Whether every layer is a plain dynamic layer whose only batch state is keys and values."""
    from transformers.cache_utils import DynamicLayer, DynamicSlidingWindowLayer

    layers = getattr(cache, "layers", None)
    return bool(layers) and all(type(layer) in (DynamicLayer, DynamicSlidingWindowLayer) and layer.is_initialized
                                for layer in layers)


def split_rows(cache) -> list[object]:
    """Each batch row of ``cache`` as its own cache (tensors cloned: a kept film does not hold
    the whole batch's memory)."""
    batch = cache.layers[0].keys.shape[0]
    rows = []
    for row in range(batch):
        single = copy.copy(cache)
        single.layers = []
        for layer in cache.layers:
            kept = copy.copy(layer)
            keys, values = _layer_tensors(layer)
            kept.keys, kept.values = keys[row: row + 1].clone(), values[row: row + 1].clone()
            single.layers.append(kept)
        rows.append(single)
    return rows


def select_rows(cache, index: torch.Tensor) -> object:
    """A new batched cache whose row i is ``cache``'s row ``index[i]`` (copied: each row may then be
    extended on its own, as greedy generation does, without touching ``cache``)."""
    selected = copy.copy(cache)
    selected.layers = []
    for layer in cache.layers:
        kept = copy.copy(layer)
        keys, values = _layer_tensors(layer)
        kept.keys, kept.values = keys.index_select(0, index.to(keys.device)), values.index_select(0, index.to(values.device))
        selected.layers.append(kept)
    return selected


def stack_rows(caches: list[object]) -> object:
    """One batched cache from per-film caches, in order (new tensors: the kept ones are never
    extended or changed by the suffix pass)."""
    stacked = copy.copy(caches[0])
    stacked.layers = []
    for index, layer in enumerate(caches[0].layers):
        joined = copy.copy(layer)
        joined.keys = torch.cat([cache.layers[index].keys for cache in caches], dim=0)
        joined.values = torch.cat([cache.layers[index].values for cache in caches], dim=0)
        stacked.layers.append(joined)
    return stacked


def cache_nbytes(cache) -> int:
    return sum(t.numel() * t.element_size() for layer in cache.layers for t in _layer_tensors(layer))


class PrefixKVCache:
    """LRU of per-film prefix entries (see the module docstring)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = max(0, int(capacity))
        self._entries: OrderedDict[PrefixKey, PrefixEntry] = OrderedDict()
        self._pinned: set[str] = set()
        self.computations: Counter[str] = Counter()  # film digest -> prefix computations this run
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def nbytes(self) -> int:
        return sum(entry.nbytes for entry in self._entries.values())

    def pin(self, film: str) -> None:
        self._pinned.add(film)

    def get(self, key: PrefixKey, need_extras: int = 0) -> PrefixEntry | None:
        """The entry, or None when absent or lacking the ``need_extras`` recorders' rows."""
        entry = self._entries.get(key)
        if entry is None or (need_extras and (entry.extra_rows is None or len(entry.extra_rows) != need_extras)):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def counted(self, film: str) -> None:
        self.computations[film] += 1

    def put(self, key: PrefixKey, entry: PrefixEntry) -> None:
        if self.capacity == 0 and key.film not in self._pinned:
            return
        entry.nbytes = cache_nbytes(entry.cache)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        self._evict()

    def release(self, film: str) -> None:
        """Drop every entry of ``film`` (not pinned ones): its group is done with it."""
        if film in self._pinned:
            return
        for key in [k for k in self._entries if k.film == film]:
            del self._entries[key]

    def clear(self) -> None:
        """Forget every entry (pins and counts stay)."""
        self._entries.clear()

    def _evict(self) -> None:
        unpinned = [key for key in self._entries if key.film not in self._pinned]
        for key in unpinned[: max(0, len(unpinned) - self.capacity)]:
            del self._entries[key]
