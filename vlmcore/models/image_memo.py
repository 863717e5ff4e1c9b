"""Process each film once: within a call, and across the calls that ask for it again.

HF processors run their image processor on every image of a call; a batch sends each film
with every one of its variants, and with cross-image batching several films share a call. A
film then comes back in later calls: the flip search scores its candidates on the film its
group just evaluated, and the answers that are generated ask again. The image step is the
dearest host work of a call (Gemma 3's processor: 49-86 ms of CPU per 896-px film, on the
critical path of every call; issue 29), while the film's prefix is already kept
(``prefix_store``), so a repeated film costs the image step and nothing else.

``SharedImageProcessor`` wraps a processor's image processor. A call with one image per sample
(``[a, b, a]`` or ``[[a], [b], [a]]``) is split into its distinct films; a film seen recently
(``KEPT_FILMS``, keyed by the film's content hash that ``VLMAdapter.films`` puts in the image's
``info``, and by the call's arguments) is taken from the memo, the others go through the real
image processor in one call, and the per-film pieces are gathered back into the call's order.
Pixel values are one row per image, or (Qwen2-VL) every image's patches concatenated, split by
``image_grid_thw``; a call whose outputs do not split that way, or whose pieces do not join
(padded tiles of different widths), goes through the real processor unchanged: never a wrong
batch. ``processed`` counts the films the real processor ran on.

``warm(image)`` runs the image step for a film ahead of its call, with the arguments of the
last call the processor made (the engine's prefetch threads call it for the next chunk's films
while the model runs the current chunk: the host work leaves the critical path). Before the
first call it does nothing (the arguments are not known yet); a warmed film is used only by a
call whose arguments are the same. The memo is guarded by a lock; the image step itself runs
outside it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import torch

from vlmcore.models.per_image import join_per_image, split_per_image

#: films kept processed between calls: a chunk's films (8 by default) and their label-swap partners, the
#: next chunk's warmed by the prefetch threads, the flip search's and the probes' (group-major order keeps
#: them close together)
KEPT_FILMS = 48
#: and at most this many bytes of them: at 896 px a film's pixels are ~9.6 MB in fp32 (26 films)
KEPT_BYTES = 256 * 2**20
#: the key ``VLMAdapter.films`` sets in each PIL image's ``info``: the film's content hash
FILM_KEY = "vlmcore_film"


def _one_per_sample(images) -> list | None:
    """The image of each sample, or None when a sample holds several images (not shared)."""
    if not isinstance(images, (list, tuple)):
        return None
    leaves = []
    for item in images:
        if isinstance(item, (list, tuple)):
            if len(item) != 1:
                return None
            item = item[0]
        leaves.append(item)
    return leaves


def _film_key(leaf) -> str | None:
    info = getattr(leaf, "info", None)
    return info.get(FILM_KEY) if isinstance(info, dict) else None


def _nbytes(piece: dict) -> int:
    return sum(value.numel() * value.element_size() for value in piece.values() if isinstance(value, torch.Tensor))


class SharedImageProcessor:
    def __init__(self, inner, kept: int = KEPT_FILMS, kept_bytes: int = KEPT_BYTES):
        self._inner = inner
        self._kept: OrderedDict = OrderedDict()  # (film key, call arguments) -> the film's piece of an output
        self._limit, self._byte_limit, self._bytes = kept, kept_bytes, 0
        self._lock = threading.Lock()
        self._last: tuple | None = None  # (nested, args, kwargs) of the last call: what warm() repeats
        self.processed = 0
        self.warmed = 0  # films processed by warm() (a prefetch thread), not by a call

    def __getattr__(self, name):
        if name in ("_inner", "_kept", "_limit", "_byte_limit", "_bytes", "_lock", "_last"):  # copy / pickle: not yet set
            raise AttributeError(name)
        return getattr(self._inner, name)

    @property
    def inner(self):
        return self._inner

    def _run(self, images, *args, **kwargs):
        leaves = _one_per_sample(images)
        with self._lock:
            self.processed += len(leaves) if leaves is not None else 1
        return self._inner(images, *args, **kwargs)

    def warm(self, image) -> bool:
        """Process ``image`` (a PIL image carrying its film key) now, as the last call would; True when it did."""
        key = _film_key(image)
        with self._lock:
            last = self._last
            if key is None or last is None:
                return False
            nested, args, kwargs = last
            identity = (key, repr((args, sorted(kwargs.items()))))
            if identity in self._kept:
                return False
        pieces = split_per_image(self._run([[image]] if nested else [image], *args, **kwargs), 1)
        if pieces is None:
            return False
        with self._lock:
            self.warmed += 1
        self._keep([(identity, pieces[0])])
        return True

    def __call__(self, images, *args, **kwargs):
        leaves = _one_per_sample(images)
        if leaves is None:
            return self._run(images, *args, **kwargs)
        with self._lock:
            self._last = (isinstance(images[0], (list, tuple)), args, dict(kwargs))
        arguments = repr((args, sorted(kwargs.items())))
        # a leaf's identity: its content hash where films() put one (kept across calls), else the object (this call only)
        identities = [(key, arguments) if (key := _film_key(leaf)) is not None else ("object", id(leaf)) for leaf in leaves]
        distinct: dict = {}
        for identity, leaf in zip(identities, leaves):
            distinct.setdefault(identity, leaf)
        with self._lock:  # what is kept now (before any eviction)
            pieces_of = {identity: self._kept[identity] for identity in distinct if identity in self._kept}
        missing = [identity for identity in distinct if identity not in pieces_of]
        if len(distinct) == len(leaves) and len(missing) == len(leaves):  # nothing repeats, nothing kept
            output = self._run(images, *args, **kwargs)
            pieces = split_per_image(output, len(leaves))
            if pieces is not None:
                self._keep(zip(identities, pieces))
            return output
        if missing:
            nested = isinstance(images[0], (list, tuple))
            batch = [[distinct[i]] for i in missing] if nested else [distinct[i] for i in missing]
            pieces = split_per_image(self._run(batch, *args, **kwargs), len(missing))
            if pieces is None:  # a layout not known here: no sharing rather than a wrong batch
                return self._run(images, *args, **kwargs)
            pieces_of.update(zip(missing, pieces))
        joined = join_per_image([pieces_of[identity] for identity in identities])
        if joined is None:
            return self._run(images, *args, **kwargs)
        self._keep((identity, pieces_of[identity]) for identity in distinct)  # this call's films, most recent last
        from transformers import BatchFeature

        return BatchFeature(joined, tensor_type=kwargs.get("return_tensors"))

    def _keep(self, items) -> None:
        copies = [(identity, {key: value.clone() if isinstance(value, torch.Tensor) else value  # not a view of the batch
                              for key, value in piece.items()}) for identity, piece in items
                  if identity[0] != "object"]  # an object's id means nothing after this call
        with self._lock:
            for identity, piece in copies:
                if identity not in self._kept:
                    self._kept[identity] = piece
                    self._bytes += _nbytes(piece)
                self._kept.move_to_end(identity)
            while len(self._kept) > 1 and (len(self._kept) > self._limit or self._bytes > self._byte_limit):
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= _nbytes(dropped)
