"""Process each film once, however many variants (and films) a call holds.

HF processors run their image processor on every image of a call; a batch sends each film
with every one of its variants, and with cross-image batching several films share a call.
``SharedImageProcessor`` wraps a processor's image processor: it processes each distinct
image object once and gathers the results back into the call's order. A call with one image
per sample (``[a, b, a]`` or ``[[a], [b], [a]]``) is shared; anything else goes through
unchanged.
"""

from __future__ import annotations

import torch


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


class SharedImageProcessor:
    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __call__(self, images, *args, **kwargs):
        leaves = _one_per_sample(images)
        if leaves is None or len(leaves) < 2:
            return self._inner(images, *args, **kwargs)
        first: dict[int, int] = {}
        for leaf in leaves:
            first.setdefault(id(leaf), len(first))
        if len(first) == len(leaves):  # no film repeats: nothing to share
            return self._inner(images, *args, **kwargs)
        from transformers import BatchFeature

        distinct = list({id(leaf): leaf for leaf in leaves}.values())
        nested = isinstance(images[0], (list, tuple))
        one = self._inner([[image] for image in distinct] if nested else distinct, *args, **kwargs)
        order = [first[id(leaf)] for leaf in leaves]
        gathered = {}
        for key, value in one.items():
            if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == len(distinct):
                gathered[key] = value[torch.tensor(order)]
            elif isinstance(value, list) and len(value) == len(distinct):
                gathered[key] = [value[index] for index in order]
            else:
                gathered[key] = value
        return BatchFeature(gathered, tensor_type=kwargs.get("return_tensors"))
