"""The shared-prefix fast path gives the same answers and maps as the plain batch, whatever
the batch size, padding side (the fast path right-pads, the plain path left-pads) or order; the
plain batch of one film's requests runs on every family (Idefics3 reshapes its pixels with
``view``: a batch whose rows were views of one film's pixels broke it)."""

import numpy as np
import torch
import pytest

from vlmcore.data import load_dataset
from vlmcore.data.images import load_image
from vlmcore.models.requests import Request
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT


@pytest.fixture(scope="module")
def group_requests():
    dataset = load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)
    group = dataset.groups[3]
    image = load_image(group.image_path).pixels
    return [Request.of(image, case.question) for case in group.cases]


def _evaluate(adapter, requests, sharing: bool, chunk: int):
    adapter.prefix_sharing = sharing
    try:
        results = []
        for start in range(0, len(requests), chunk):
            results += adapter.evaluate(requests[start:start + chunk])
        return results
    finally:
        adapter.prefix_sharing = True


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2", "qwen2_vl", "qwen2_5_vl", "qwen3_vl", "idefics3"])
def test_fast_path_matches_plain_path_across_batch_sizes_and_order(family, adapters, group_requests):
    adapter = adapters(family)
    reference = _evaluate(adapter, group_requests, sharing=False, chunk=len(group_requests))
    variants = {
        "shared, one batch": _evaluate(adapter, group_requests, True, len(group_requests)),
        "shared, batches of 3": _evaluate(adapter, group_requests, True, 3),
        "one by one": _evaluate(adapter, group_requests, True, 1),
    }
    reversed_results = _evaluate(adapter, group_requests[::-1], True, len(group_requests))[::-1]
    variants["shared, reversed order"] = reversed_results
    for name, results in variants.items():
        for (score, attention), (ref_score, ref_map) in zip(results, reference):
            assert score.p_yes == pytest.approx(ref_score.p_yes, abs=1e-4), name
            np.testing.assert_allclose(attention.values, ref_map.values, atol=1e-5, err_msg=name)
            assert attention.method == ref_map.method and attention.grid == ref_map.grid


def test_fast_path_is_taken_for_one_image(adapters, group_requests, monkeypatch):
    adapter = adapters("llava")
    calls = []
    original = adapter.prefix_cache
    monkeypatch.setattr(adapter, "prefix_cache", lambda plan, recorders: calls.append(plan.prefix_length) or original(plan, recorders))
    adapter.evaluate(group_requests)
    assert len(calls) == 1 and calls[0] > adapter.grid_shape[0] * adapter.grid_shape[1]


@pytest.fixture(scope="module")
def three_films():
    dataset = load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)
    groups = []
    for group in dataset.groups[::5][:3]:
        image = load_image(group.image_path).pixels
        groups.append([Request.of(image, case.question) for case in group.cases][:4])
    return groups


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2"])
def test_several_films_in_one_forward_match_each_film_alone(family, adapters, three_films, monkeypatch):
    """Cross-image batching: a request's answer and map do not depend on which other films
    share its forward (each film's prefix row feeds only its own questions)."""
    adapter = adapters(family)
    alone = [result for group in three_films for result in adapter.evaluate(group)]
    mixed = [r for g in three_films for r in g]
    interleaved = [mixed[i] for i in np.random.default_rng(0).permutation(len(mixed))]
    prefix_rows = []
    original = adapter.prefix_cache
    monkeypatch.setattr(adapter, "prefix_cache", lambda plan, recorders: prefix_rows.append(len(plan.films)) or original(plan, recorders))
    together = dict(zip(map(id, interleaved), adapter.evaluate(interleaved)))
    assert prefix_rows == [len({r.image_key for r in mixed})] and prefix_rows[0] > 1  # one prefix forward, a row per film
    for request, (ref_score, ref_map) in zip(mixed, alone):
        score, attention = together[id(request)]
        assert score.p_yes == pytest.approx(ref_score.p_yes, abs=1e-5)
        np.testing.assert_allclose(attention.values, ref_map.values, atol=1e-5)


def test_a_pinned_film_runs_its_prefix_once(adapters, three_films, monkeypatch):
    """The blank film recurs in every group: once pinned, its prefix cache is reused, and the
    reused cache gives the same scores as a fresh one."""
    adapter = adapters("llava")
    blank = np.full((64, 64), 128, dtype=np.uint8)
    questions = [[Request.of(blank, r.question) for r in group] for group in three_films]
    adapter.prefix_store.clear()
    with monkeypatch.context() as keep_nothing:  # fresh: no film kept between calls (an unpinned film would be)
        keep_nothing.setattr(adapter.prefix_store, "capacity", 0)
        fresh = [adapter.evaluate(q, with_maps=False) for q in questions]
    forwards = []
    original = adapter.model.forward
    monkeypatch.setattr(adapter.model, "forward", lambda *a, **k: forwards.append("pixel_values" in k) or original(*a, **k))
    adapter.pin_film(questions[0][0].image_key)
    reused = [adapter.evaluate(q, with_maps=False) for q in questions]
    assert forwards.count(True) == 1  # the prefix (the only forward with pixels) ran once for three batches
    for a, b in zip(fresh, reused):
        assert [s.p_yes for s, _ in a] == pytest.approx([s.p_yes for s, _ in b], abs=1e-6)


@pytest.mark.parametrize("family", ["llava", "blip2", "medgemma", "qwen2_vl", "qwen2_5_vl", "qwen3_vl", "idefics3"])
def test_tokenising_the_image_expansion_once_gives_the_processors_batch(family, adapters, three_films):
    """Spliced encodings equal the processor's own on every request, key by key: the ids and
    per-token outputs on each request's tokens (BLIP-2's processor pads between image and text),
    the per-image outputs (pixels, Idefics3's pixel mask, Qwen's grids and concatenated patches)
    exactly. Every tiny family's expansion is a run of added tokens, so each is spliced."""
    adapter = adapters(family)
    requests = [r for group in three_films for r in group]
    requests += [Request(r.image, "Are the lungs clear, or is there an effusion on the left?", r.image_key) for r in requests[:3]]
    requests += [Request(r.image, "  is there   cardiomegaly ,left side ?", r.image_key) for r in requests[3:5]]  # odd spacing
    requests += [Request(r.image, "Is there an effusion?\nAnswer: yes/no — «brève» réponse", r.image_key) for r in requests[:2]]
    prompts = [adapter.prompt(r.question) for r in requests]
    adapter.tokenizer.padding_side = "left"
    spliced = adapter._spliced_batch(requests, prompts)
    reference = dict(adapter.processor_call(adapter.films(requests), prompts))
    assert spliced is not None
    assert set(spliced) == set(reference)

    def real(batch, key):  # each request's values on its own tokens, without padding
        return [values[mask.bool()].tolist() for values, mask in zip(batch[key], batch["attention_mask"])]

    for key in reference:
        if key in ("input_ids", "attention_mask", "token_type_ids", "mm_token_type_ids"):
            assert real(spliced, key) == real(reference, key), key
        else:
            assert torch.equal(torch.as_tensor(spliced[key]), torch.as_tensor(reference[key])), key


def test_an_expansion_holding_text_is_not_spliced(adapters, three_films):
    """A processor that puts text around the image tokens (as Gemma 3's does with newlines a real
    tokenizer keeps): the splice cannot know how that text joins the question's, so the batch goes
    through the processor."""
    adapter = adapters("llava")
    requests = [r for group in three_films for r in group]
    prompts = [adapter.prompt(r.question) for r in requests]
    original = adapter.processor_call

    def with_text(images, texts):
        batch = dict(original(images, texts))
        ids = batch["input_ids"]
        word = adapter.tokenizer("effusion", add_special_tokens=False)["input_ids"][:1]
        first = (ids == adapter.image_token_id).int().argmax(-1)
        for row, column in enumerate(first.tolist()):  # a text token where the expansion starts
            ids[row, column] = word[0]
        return batch

    adapter.processor_call = with_text
    try:
        assert adapter._spliced_batch(requests, prompts) is None
    finally:
        del adapter.processor_call


def test_a_question_holding_an_image_token_is_left_to_the_processor(adapters, three_films):
    """A hostile question spelling the image placeholder would add image tokens the splice did not
    expand: the batch goes through the processor, which decides (and refuses)."""
    adapter = adapters("llava")
    film = three_films[0][0]
    token = adapter.tokenizer.convert_ids_to_tokens(adapter.image_token_id)
    requests = [film, Request(film.image, f"Is there {token} an effusion?", film.image_key)]
    assert adapter._spliced_batch(requests, [adapter.prompt(r.question) for r in requests]) is None
