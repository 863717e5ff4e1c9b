"""One film sent with every variant is preprocessed once, with identical pixel values."""

import numpy as np
import torch

from vlmcore.models.image_memo import SharedImageProcessor
from vlmcore.models.requests import Request


class Counting:
    """The real image processor, counting how many images each call receives."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __call__(self, images, *args, **kwargs):
        self.calls.append(len(images))
        return self.inner(images, *args, **kwargs)


def _plain(processor):
    return processor._inner if isinstance(processor, SharedImageProcessor) else processor


def test_same_image_is_processed_once_and_repeated(adapters):
    adapter = adapters("llava")
    image = Request.of((np.random.default_rng(3).random((80, 80)) * 255).astype(np.uint8), "q").rgb()
    counting = Counting(_plain(adapter.processor.image_processor))
    one = counting.inner([image], return_tensors="pt")["pixel_values"]
    shared = SharedImageProcessor(counting)([image, image, image], return_tensors="pt")["pixel_values"]
    assert counting.calls == [1]
    assert shared.shape[0] == 3 and torch.equal(shared[2], one[0])


def test_different_images_pass_through(adapters):
    adapter = adapters("llava")
    a = Request.of(np.zeros((64, 64), np.uint8), "q").rgb()
    b = Request.of(np.full((64, 64), 200, np.uint8), "q").rgb()
    wrapped = SharedImageProcessor(_plain(adapter.processor.image_processor))
    pixels = wrapped([a, b], return_tensors="pt")["pixel_values"]
    assert not torch.equal(pixels[0], pixels[1])
