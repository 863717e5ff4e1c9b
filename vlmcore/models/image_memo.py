"""Process each film once, however many variants (and films) a call holds.

HF processors run their image processor on every image of a call; a batch sends each film
with every one of its variants, and with cross-image batching several films share a call.
``SharedImageProcessor`` wraps a processor's image processor: it processes each distinct
image object once and gathers the results back into the call's order. A call with one image
per sample (``[a, b, a]`` or ``[[a], [b], [a]]``) is shared; anything else goes through
unchanged. Pixel values are one row per image, or (Qwen2-VL) every image's patches
concatenated, split by ``image_grid_thw``; any other layout is not shared.
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
        if name == "_inner":  # not yet set (copy and pickle build the object without __init__)
            raise AttributeError(name)
        return getattr(self._inner, name)

    @property
    def inner(self):
        return self._inner

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
        if "image_grid_thw" in one:  # Qwen2-VL style: every image's patches concatenated along dim 0
            patches = one["image_grid_thw"].prod(-1).tolist()
            pieces = torch.split(torch.as_tensor(one["pixel_values"]), patches)
            gathered["pixel_values"] = torch.cat([pieces[index] for index in order])
        elif "pixel_values" in one and len(one["pixel_values"]) != len(distinct):
            return self._inner(images, *args, **kwargs)  # a layout not known here: no sharing rather than a wrong batch
        for key, value in one.items():
            if key in gathered:
                continue
            if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == len(distinct):
                gathered[key] = value[torch.tensor(order)]
            elif isinstance(value, list) and len(value) == len(distinct):
                gathered[key] = [value[index] for index in order]
            else:
                gathered[key] = value
        return BatchFeature(gathered, tensor_type=kwargs.get("return_tensors"))
