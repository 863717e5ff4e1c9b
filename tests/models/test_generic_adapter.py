"""The generic image-text-to-text adapter on tiny Qwen2-VL, Qwen2.5-VL, Qwen3-VL and Idefics3, on non-square films
with dynamic resolution: exact rows, logits unchanged, batch / padding invariance, shared
prefix == full forward (3-D rotary positions included), grid orientation per token, and the
generic path equal to the dedicated adapters where both apply."""

import copy

import numpy as np
import pytest
import torch

from tests.models.test_capture_exact import _eager_outputs, _plain_sdpa_logits
from vlmcore.errors import CaptureError, ConfigError
from vlmcore.models.generic import HFImageTextAdapter, _decoder_layers
from vlmcore.models.requests import Request
from vlmcore.models.tiny import build_tiny

QWEN = ["qwen2_vl", "qwen2_5_vl", "qwen3_vl"]
NEW_FAMILIES = QWEN + ["idefics3"]
#: films at each processor's own scale (no resampling): Qwen 96x64 px -> 12x8 patches -> 6x4 tokens;
#: Idefics3 128x64 px -> 2x1 tiles of 64 px, 4x4 tokens each, + a 4x4 global view -> 8x4 grid
FILM_SHAPE = {**{family: (96, 64) for family in QWEN}, "idefics3": (128, 64)}
GRID = {**{family: (6, 4) for family in QWEN}, "idefics3": (8, 4)}
QUESTIONS = ["is there pleural effusion ?", "Is there a large pneumothorax on the left side of the chest ?", "cardiomegaly ?",
             "Does this image show consolidation in the right lower lobe ?"]


def _film(shape, seed):
    return (np.random.default_rng(seed).random(shape) * 200 + 30).astype(np.uint8)


@pytest.fixture(scope="module")
def non_square_requests():
    def make(family):
        films = [_film(FILM_SHAPE[family], 1), _film(FILM_SHAPE[family], 2)]
        return [Request.of(films[i % 2], question) for i, question in enumerate(QUESTIONS)]

    return make


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_the_grid_follows_the_film_shape(family, adapters, non_square_requests):
    adapter = adapters(family)
    encoded = adapter.encode(non_square_requests(family)[:2])
    assert encoded.layout.grid == GRID[family]
    maps = [m for _, m in adapter.evaluate(non_square_requests(family))]
    assert all(m.grid == GRID[family] and m.values.shape == GRID[family] for m in maps)
    assert all(m.method == "sdpa-rows" and "layout" in m.notes for m in maps)
    tall = adapter.encode([Request.of(_film(tuple(reversed(FILM_SHAPE[family])), 3), QUESTIONS[0])])
    assert tall.layout.grid != encoded.layout.grid  # dynamic resolution: the other orientation, another grid


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_captured_rows_equal_eager_rows(family, adapters, non_square_requests):
    adapter = adapters(family)
    captured = adapter.capture(non_square_requests(family), layers="all", keep_all_keys=True)
    output = _eager_outputs(adapter, captured.encoded)
    answer = captured.encoded.answer_index[:, 0]
    for layer in captured.layers:
        expected = output.attentions[layer][torch.arange(len(answer)), :, answer, :]
        got = captured.recorders[0].rows[layer][:, :, 0, :]
        assert got.shape == expected.shape
        torch.testing.assert_close(got, expected.float(), atol=1e-5, rtol=0)


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_capture_leaves_logits_unchanged(family, adapters, non_square_requests):
    adapter = adapters(family)
    captured = adapter.capture(non_square_requests(family))
    torch.testing.assert_close(captured.logits, _plain_sdpa_logits(adapter, captured.encoded), atol=1e-5, rtol=0)
    eager_logits = _eager_outputs(adapter, captured.encoded).logits[:, -1, :]
    torch.testing.assert_close(captured.logits, eager_logits, atol=1e-4, rtol=0)


def _assert_same(results, expected):
    for (score, amap), (score0, amap0) in zip(results, expected):
        assert score.p_yes == pytest.approx(score0.p_yes, abs=1e-5)
        np.testing.assert_allclose(amap.values, amap0.values, atol=1e-5)


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_batch_with_padding_equals_one_by_one(family, adapters, non_square_requests, monkeypatch):
    adapter = adapters(family)
    requests = non_square_requests(family)
    monkeypatch.setattr(adapter, "prefix_sharing", False)  # the plain padded batch (questions of different lengths)
    batched = adapter.evaluate(requests)
    assert len({len(adapter.tokenizer(adapter.prompt(q))["input_ids"]) for q in QUESTIONS}) > 1  # padding happens
    _assert_same(batched, [adapter.evaluate([request])[0] for request in requests])


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_shared_prefix_equals_the_full_forward(family, adapters, non_square_requests, monkeypatch):
    adapter = adapters(family)
    requests = non_square_requests(family)
    prefixes = []
    original = adapter.prefix_cache
    monkeypatch.setattr(adapter, "prefix_cache", lambda plan, recorders: prefixes.append(len(plan.films)) or original(plan, recorders))
    fast = adapter.evaluate(requests)
    assert prefixes == [2]  # the fast path ran: one prefix row per film
    monkeypatch.setattr(adapter, "prefix_sharing", False)
    _assert_same(fast, adapter.evaluate(requests))


@pytest.mark.parametrize("family", QWEN)
def test_qwen_suffix_positions_continue_after_the_image_extent(family, adapters, non_square_requests):
    """With 3-D rotary positions, the text after a 6x4 image continues at (start + max(6, 4)),
    not at its index: the suffix must carry the film's rope delta (here negative)."""
    adapter = adapters(family)
    requests = non_square_requests(family)[:1] * 2
    from vlmcore.models.shared_prefix import plan_shared_prefix

    encoded = adapter.encode([requests[0], Request(requests[0].image, QUESTIONS[2], requests[0].image_key)])
    plan = plan_shared_prefix(encoded, adapter.image_token_id, [r.image_key for r in requests])
    _, deltas = adapter.prefix_batch(plan)
    assert deltas.tolist() == [max(GRID[family]) - 6 * 4]


def _image_embeddings(adapter, film: np.ndarray) -> torch.Tensor:
    """The decoder's input at the image positions: what each image token carries from the film."""
    encoded = adapter.encode([Request.of(film, QUESTIONS[0])])
    first_layer = _decoder_layers(adapter.model)[0]
    seen = {}

    def keep(module, args, kwargs):
        seen.setdefault("x", args[0] if args else kwargs["hidden_states"])

    hook = first_layer.register_forward_pre_hook(keep, with_kwargs=True)
    try:
        with torch.no_grad():
            adapter.forward_logits(encoded)
    finally:
        hook.remove()
    return seen["x"][0, encoded.image_positions[0]].float(), encoded.layout


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_perturbing_one_cell_moves_that_cells_token_most(family, adapters):
    """Inverting the pixels of grid cell (r, c) moves the token the layout puts at (r, c) most
    (for tiles: among tile tokens; the global view's token over that cell among global ones)."""
    adapter = adapters(family)
    shape = FILM_SHAPE[family]
    film = _film(shape, 5)
    base, layout = _image_embeddings(adapter, film)
    rows, cols = layout.grid
    cell_h, cell_w = shape[0] // rows, shape[1] // cols
    for r, c in [(0, 0), (1, cols - 2), (rows - 1, 1), (rows // 2, cols // 2), (rows - 1, cols - 1)]:
        changed = film.copy()
        changed[r * cell_h:(r + 1) * cell_h, c * cell_w:(c + 1) * cell_w] ^= 0xFF
        moved = (_image_embeddings(adapter, changed)[0] - base).norm(dim=-1)
        start = 0
        for block in layout.blocks:
            part = moved[start: start + block.tokens]
            start += block.tokens
            inside = (block.top <= r < block.top + block.shape[0] * block.scale[0]
                      and block.left <= c < block.left + block.shape[1] * block.scale[1])
            if not inside:
                continue
            expected = ((r - block.top) // block.scale[0], (c - block.left) // block.scale[1])
            got = tuple(int(v) for v in np.unravel_index(int(part.argmax()), block.shape))
            assert got == expected, (family, block.name, r, c)


def test_a_batch_of_two_film_shapes_is_split_and_equals_each_alone(adapters):
    adapter = adapters("qwen2_5_vl")
    wide, tall = _film((64, 96), 6), _film((96, 64), 7)
    requests = [Request.of(wide, QUESTIONS[0]), Request.of(tall, QUESTIONS[1]), Request.of(wide, QUESTIONS[2])]
    results = adapter.evaluate(requests)
    assert [m.grid for _, m in results] == [(4, 6), (6, 4), (4, 6)]
    _assert_same(results, [adapter.evaluate([request])[0] for request in requests])
    with pytest.raises(CaptureError, match="split the batch by film shape"):
        adapter.encode(requests)


@pytest.fixture(scope="module")
def generic_twins():
    """Tiny MedGemma and LLaVA under the generic adapter (LLaVA given the chat template that
    produces its dedicated prompt), beside their dedicated adapters."""
    from vlmcore.models import tiny_adapter

    medgemma_model, medgemma_processor = build_tiny("medgemma")
    llava_model, llava_processor = build_tiny("llava")
    llava_processor.chat_template = ("{% for message in messages %}USER: {% for item in message['content'] %}{% if item['type'] == 'image' %}"
                                     "<image>\n{% else %}{{ item['text'] }}{% endif %}{% endfor %}{% endfor %} ASSISTANT:")
    return {
        "medgemma": (HFImageTextAdapter(medgemma_model, medgemma_processor, name="generic"), tiny_adapter("medgemma")),
        "llava": (HFImageTextAdapter(llava_model, llava_processor, name="generic"), tiny_adapter("llava")),
    }


@pytest.mark.parametrize("family", ["medgemma", "llava"])
def test_generic_path_equals_the_dedicated_adapter(family, generic_twins, requests_four):
    generic, dedicated = generic_twins[family]
    assert generic.prompt(QUESTIONS[0]) == dedicated.prompt(QUESTIONS[0])
    assert generic.grid_shape == dedicated.grid_shape
    got, expected = generic.evaluate(requests_four), dedicated.evaluate(requests_four)
    for (score, amap), (score0, amap0) in zip(got, expected):
        assert score.p_yes == pytest.approx(score0.p_yes, abs=1e-6)
        np.testing.assert_allclose(amap.values, amap0.values, atol=1e-6)
        assert amap.region == amap0.region  # LLaVA: the centre crop, read from the image processor by both
    assert [g.text for g in generic.generate(requests_four[:2], 3)] == [g.text for g in dedicated.generate(requests_four[:2], 3)]


def test_what_a_checkpoint_lacks_is_named(generic_twins):
    generic, _ = generic_twins["medgemma"]
    processor = copy.copy(generic.processor)
    processor.chat_template = None
    tokenizer = copy.copy(processor.tokenizer)
    tokenizer.chat_template = None
    processor.tokenizer = tokenizer
    with pytest.raises(ConfigError, match="lacks: a chat template"):
        HFImageTextAdapter(generic.model, processor)
    config = copy.deepcopy(generic.model.config)
    config.image_token_id = None
    model = copy.copy(generic.model)
    model.config = config
    with pytest.raises(ConfigError, match="an image token id"):
        HFImageTextAdapter(model, generic.processor)


def test_generic_adapter_refuses_alternative_map_methods_by_name(adapters, non_square_requests):
    with pytest.raises(ConfigError, match="grad-cam and activation-norm"):
        adapters("qwen2_5_vl").attention_maps(non_square_requests("qwen2_5_vl")[:1], method="grad-cam")


@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_score_matches_the_first_generation_step(family, adapters, non_square_requests):
    """``generate`` derives its own positions (Qwen: 3-D, from the processor's grid); its first
    step's p(yes) equals the score from the adapter's forward."""
    adapter = adapters(family)
    requests = non_square_requests(family)
    encoded = adapter.encode(requests)
    with torch.no_grad():
        out = adapter.model.generate(**adapter.generation_inputs(encoded), max_new_tokens=1, do_sample=False,
                                     output_logits=True, return_dict_in_generate=True)
    for score, reference in zip(adapter.score_yes_no(requests), adapter.score_from_logits(out.logits[0])):
        assert score.p_yes == pytest.approx(reference.p_yes, abs=1e-5)
    generations = adapter.generate(requests, max_new_tokens=3)
    first = adapter.tokenizer.batch_decode(out.sequences[:, encoded.input_ids.shape[1]:], skip_special_tokens=True)
    for generation, token in zip(generations, first):
        # read_answer's readings (issue 26): random words about nothing asked read "none", never a guessed yes / no
        assert generation.answer in ("yes", "no", "uncertain", "none") and generation.text.startswith(token.strip())


def test_qwen3_deepstack_reaches_the_image_positions_in_the_prefix_pass_only(adapters, non_square_requests, monkeypatch):
    """Qwen3-VL's DeepStack: ``visual_pos_masks`` and one feature set per injecting layer reach the
    language model in the prefix pass, covering exactly the plan's image positions of every film
    row; the suffix pass (question tokens only) carries none, as the full forward gives none to
    text tokens. The injection is live in the tiny build: without it p(yes) moves far beyond the
    1e-5 of the shared-prefix == full-forward check, so that check would catch a prefix path
    that lost it."""
    adapter = adapters("qwen3_vl")
    adapter.prefix_store.clear()
    monkeypatch.setattr(adapter.prefix_store, "capacity", 0)  # every call runs its prefix pass: this test watches it
    requests = non_square_requests("qwen3_vl")
    language_model = adapter.model.model.language_model
    passes = []

    def record(module, args, kwargs):
        passes.append((kwargs.get("visual_pos_masks"), kwargs.get("deepstack_visual_embeds"), kwargs["inputs_embeds"].shape[1]))

    plans = []
    original_cache = adapter.prefix_cache
    monkeypatch.setattr(adapter, "prefix_cache", lambda plan, recorders: plans.append(plan) or original_cache(plan, recorders))
    hook = language_model.register_forward_pre_hook(record, with_kwargs=True)
    try:
        fast = adapter.evaluate(requests)
    finally:
        hook.remove()
    (prefix_mask, prefix_embeds, prefix_width), (suffix_mask, suffix_embeds, _) = passes
    plan, = plans
    assert prefix_width == plan.prefix_length
    expected = torch.zeros(len(plan.films), plan.prefix_length, dtype=torch.bool)
    expected[:, plan.image_positions] = True
    assert torch.equal(prefix_mask.cpu(), expected)
    layers = len(adapter.model.config.vision_config.deepstack_visual_indexes)
    assert len(prefix_embeds) == layers == 2 and all(e.shape[0] == int(expected.sum()) for e in prefix_embeds)
    assert suffix_mask is None and suffix_embeds is None

    from transformers.models.qwen3_vl.modeling_qwen3_vl import Qwen3VLTextModel

    monkeypatch.setattr(Qwen3VLTextModel, "_deepstack_process", lambda self, hidden, mask, embeds: hidden)
    without = adapter.evaluate(requests)
    moved = max(abs(a.p_yes - b.p_yes) for (a, _), (b, _) in zip(fast, without))
    assert moved > 1e-3, moved
