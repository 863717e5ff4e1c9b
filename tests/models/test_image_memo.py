"""One film sent with every variant, or asked for again by a later call, is preprocessed once, with identical pixel values."""

import numpy as np
import pytest
import torch

from vlmcore.models.image_memo import FILM_KEY, SharedImageProcessor
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


def _encoded_pixels(adapter, requests):
    encoded = adapter.encode(requests)
    return {key: value for key, value in encoded.inputs.items() if key not in ("input_ids", "attention_mask", "position_ids")}


@pytest.mark.parametrize("family", ["llava", "medgemma", "qwen2_vl", "qwen3_vl", "idefics3", "blip2", "florence2"])
def test_a_film_asked_for_again_is_not_processed_again_and_its_inputs_are_the_processors(adapters, films, family):
    """The flip search's candidates and the generated answers ask for a film its group just processed:
    the second call takes the film's pixels from the memo, equal to what the unwrapped processor gives."""
    adapter = adapters(family)
    base, other = films
    first = [Request.of(base, "Is there a pleural effusion?"), Request.of(other, "Is there a pleural effusion?")]
    second = [Request.of(base, "Is the heart enlarged?"), Request.of(base, "Is there a pneumothorax on the left?")]
    adapter.films(first)  # wraps the processor's image step
    shared = adapter.processor.image_processor
    _encoded_pixels(adapter, first)
    before = shared.processed
    again = _encoded_pixels(adapter, second)
    assert shared.processed == before  # the film was kept: the real image step did not run
    adapter.processor.image_processor = shared.inner
    try:
        plain = _encoded_pixels(adapter, second)
    finally:
        adapter.processor.image_processor = shared
    assert again.keys() == plain.keys()
    for key in plain:
        if isinstance(plain[key], torch.Tensor):
            assert torch.equal(again[key], plain[key]), key
        else:
            assert again[key] == plain[key], key


def _keyed_films(count: int, seed: int) -> list:
    """Random films as ``VLMAdapter.films`` hands them to the processor: RGB, carrying their content hash."""
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        request = Request.of((rng.random((48, 48)) * 255).astype(np.uint8), "q")
        image = request.rgb()
        image.info[FILM_KEY] = request.image_key
        images.append(image)
    return images


def test_the_memo_is_bounded_and_keyed_by_content(adapters):
    adapter = adapters("llava")
    counting = Counting(_plain(adapter.processor.image_processor))
    wrapped = SharedImageProcessor(counting, kept=2)
    images = _keyed_films(3, seed=5)
    for image in images:
        wrapped([image, image], return_tensors="pt")
    assert wrapped.processed == 3 and len(wrapped._kept) == 2  # the oldest film was let go
    wrapped([images[2]], return_tensors="pt")
    assert wrapped.processed == 3
    wrapped([images[0]], return_tensors="pt")
    assert wrapped.processed == 4
    wrapped([images[0]], return_tensors="np")  # other call arguments: another entry, not the tensors of the first
    assert wrapped.processed == 5


def test_a_call_with_more_new_films_than_the_memo_keeps_still_joins_its_kept_ones(adapters):
    """A call whose new films push its kept ones out of the memo (found by the smoke run: a
    KeyError in twelve flip searches)."""
    adapter = adapters("llava")
    inner = _plain(adapter.processor.image_processor)
    wrapped = SharedImageProcessor(inner, kept=2)
    images = _keyed_films(4, seed=9)
    wrapped([images[0]], return_tensors="pt")
    call = [images[0], images[1], images[2], images[3], images[0]]
    joined = wrapped(call, return_tensors="pt")["pixel_values"]
    assert torch.equal(joined, inner(call, return_tensors="pt")["pixel_values"])
    assert wrapped.processed == 4
