"""Process one image once, however many variants ask about it.

HF processors run their image processor on every image of a call; a paraphrase group sends
the same film with every variant. ``SharedImageProcessor`` wraps a processor's image
processor: when every image of a call is the same object, it processes one and repeats the
result. Anything else goes through unchanged.
"""

from __future__ import annotations


def _flatten(images) -> list:
    if isinstance(images, (list, tuple)):
        return [leaf for item in images for leaf in _flatten(item)]
    return [images]


def _first(images):
    """The call's structure with only its first image: ``[[a], [a]] -> [[a]]``, ``[a, a] -> [a]``."""
    if isinstance(images, (list, tuple)) and images and isinstance(images[0], (list, tuple)):
        return [list(images[0][:1])]
    return [images[0]] if isinstance(images, (list, tuple)) else images


class SharedImageProcessor:
    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __call__(self, images, *args, **kwargs):
        flat = _flatten(images)
        if len(flat) < 2 or any(image is not flat[0] for image in flat):
            return self._inner(images, *args, **kwargs)
        from transformers import BatchFeature

        one = self._inner(_first(images), *args, **kwargs)
        count = len(flat)
        repeated = {}
        for key, value in one.items():
            if hasattr(value, "repeat") and hasattr(value, "dim"):
                repeated[key] = value.repeat(count, *([1] * (value.dim() - 1)))
            elif isinstance(value, list):
                repeated[key] = value * count
            else:
                repeated[key] = value
        return BatchFeature(repeated, tensor_type=kwargs.get("return_tensors"))
