"""Greedy generation continuing the kept prefix (``vlmcore.models.prefix_generation``) gives
transformers' ``generate`` token for token on every family with an image-first prefix, and
computes no film's prefix again."""

import copy

import pytest

from vlmcore.models.decoder_only import DecoderOnlyAdapter
from vlmcore.models.prefix_generation import plain_greedy
from vlmcore.models.requests import Request

from .conftest import FAMILIES


@pytest.fixture(scope="module")
def generation_requests(films):
    base, other = films
    questions = ["is there pleural effusion ?", "Is there a large pneumothorax on the left side of the chest ?", "cardiomegaly ?",
                 "Does this image show consolidation in the right lower lobe ?"]
    return [Request.of(base, q) for q in questions] + [Request.of(other, q) for q in questions[:3]]


def _generate(adapter, requests, from_prefix: bool, tokens: int = 10):
    adapter.prefix_generation = from_prefix
    try:
        return adapter.generate(requests, max_new_tokens=tokens)
    finally:
        adapter.prefix_generation = True


@pytest.mark.parametrize("family", FAMILIES)
def test_generation_from_the_kept_prefix_equals_generate(family, adapters, generation_requests, monkeypatch):
    adapter = adapters(family)
    if not isinstance(adapter, DecoderOnlyAdapter):
        pytest.skip(f"{family} has no image-first prefix to keep")
    reference = _generate(adapter, generation_requests, from_prefix=False)
    adapter.prefix_store.clear()
    before = dict(adapter.prefix_computations)
    adapter.evaluate(generation_requests, with_maps=False)  # the group's scores: each film's prefix computed and kept
    scored = dict(adapter.prefix_computations)
    calls = []
    original = adapter.model.generate
    monkeypatch.setattr(adapter.model, "generate", lambda *a, **k: calls.append(1) or original(*a, **k))
    generated = _generate(adapter, generation_requests, from_prefix=True)
    assert not calls  # transformers' generate (the whole prompt again) was not used
    assert generated == reference  # tokens, text, offsets, finished, answer
    assert sum(len(g.token_ids) for g in generated) > len(generated)  # more than one step decoded
    films = {request.image_key for request in generation_requests}
    assert len(films) == 2 and all(scored[film] - before.get(film, 0) == 1 for film in films)  # each film's prefix computed once
    assert dict(adapter.prefix_computations) == scored  # and not again for generation


def test_a_generation_config_beyond_plain_greedy_goes_through_generate(adapters, generation_requests, monkeypatch):
    adapter = adapters("llava")
    config = copy.deepcopy(adapter.model.generation_config)
    config.repetition_penalty = 1.3
    assert plain_greedy(adapter.model.generation_config) and not plain_greedy(config)
    monkeypatch.setattr(adapter.model, "generation_config", config)
    calls = []
    original = adapter.model.generate
    monkeypatch.setattr(adapter.model, "generate", lambda *a, **k: calls.append(1) or original(*a, **k))
    adapter.generate(generation_requests[:2], max_new_tokens=4)
    assert calls == [1]
