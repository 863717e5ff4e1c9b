"""One film sent with every variant is preprocessed once, with identical pixel values."""

import numpy as np
import torch

from vlmcore.models.image_memo import SharedImageProcessor
from vlmcore.models.requests import Request


def test_same_image_is_processed_once_and_repeated(adapters):
    adapter = adapters("llava")
    image = Request.of((np.random.default_rng(3).random((80, 80)) * 255).astype(np.uint8), "q").rgb()
    calls = []
    inner = adapter.processor.image_processor
    inner = inner._inner if isinstance(inner, SharedImageProcessor) else inner
    original = inner.__class__.__call__

    class Counting(SharedImageProcessor):
        pass

    wrapped = Counting(inner)
    one = inner([image], return_tensors="pt")["pixel_values"]
    monkey = lambda self, images, *a, **k: (calls.append(len(images)), original(self, images, *a, **k))[1]
    inner.__class__.__call__ = monkey
    try:
        shared = wrapped([image, image, image], return_tensors="pt")["pixel_values"]
    finally:
        inner.__class__.__call__ = original
    assert calls == [1]
    assert shared.shape[0] == 3 and torch.equal(shared[2], one[0])


def test_different_images_pass_through(adapters):
    adapter = adapters("llava")
    a = Request.of(np.zeros((64, 64), np.uint8), "q").rgb()
    b = Request.of(np.full((64, 64), 200, np.uint8), "q").rgb()
    wrapped = SharedImageProcessor(adapter.processor.image_processor)
    pixels = wrapped([a, b], return_tensors="pt")["pixel_values"]
    assert not torch.equal(pixels[0], pixels[1])
