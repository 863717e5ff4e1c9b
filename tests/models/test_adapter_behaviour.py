"""Scoring, generation, batching, image positions, token maps and alternative methods."""


import numpy as np
import pytest
import torch

from tests.models.conftest import FAMILIES, VISION_HOOKED
from vlmcore.errors import CaptureError
from vlmcore.metrics import js_divergence
from vlmcore.models import tiny_adapter
from vlmcore.models.capabilities import Capability


@pytest.mark.parametrize("family", FAMILIES)
def test_score_matches_first_generation_step(family, adapters, requests_four):
    adapter = adapters(family)
    scores = adapter.score_yes_no(requests_four)
    encoded = adapter.encode(requests_four)
    with torch.no_grad():
        out = adapter.model.generate(**adapter.generation_inputs(encoded), max_new_tokens=1, do_sample=False,
                                     output_logits=True, return_dict_in_generate=True)
    first_step = adapter.score_from_logits(out.logits[0])
    first_tokens = adapter.new_tokens(out.sequences, encoded)[:, 0].tolist()
    for score, reference, token in zip(scores, first_step, first_tokens):
        assert 0.0 <= score.p_yes <= 1.0 and 0.0 < score.mass <= 1.0
        assert score.p_yes == pytest.approx(reference.p_yes, abs=1e-5)
        if token in adapter.yes_ids + adapter.no_ids:  # the generated answer word agrees with the score
            assert (token in adapter.yes_ids) == (score.p_yes > 0.5)


@pytest.mark.parametrize("family", FAMILIES)
def test_batch_of_four_with_padding_equals_one_by_one(family, adapters, requests_four):
    adapter = adapters(family)
    batched = adapter.evaluate(requests_four)
    for request, (score, attention) in zip(requests_four, batched):
        (alone_score, alone_map), = adapter.evaluate([request])
        assert score.p_yes == pytest.approx(alone_score.p_yes, abs=1e-4)
        np.testing.assert_allclose(attention.values, alone_map.values, atol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_maps_are_labelled_on_the_model_grid(family, adapters, requests_four):
    adapter = adapters(family)
    (_, attention), = adapter.evaluate(requests_four[:1])
    grid = adapter.encode(requests_four[:1]).layout.grid if Capability.DYNAMIC_GRID in adapter.capabilities else adapter.grid_shape
    assert attention.grid == grid and attention.values.shape == grid
    assert attention.method in ("sdpa-rows", "qformer-composed", "cross-attention")
    assert attention.fallback is False and attention.layers == (adapter.num_layers - 1,)
    assert attention.values.std() > 0, "a real map is not uniform"


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2"])
def test_wrong_image_token_raises_instead_of_returning_a_map(family, requests_four):
    adapter = tiny_adapter(family)
    adapter.model.config.image_token_id = adapter.tokenizer.pad_token_id
    with pytest.raises(CaptureError, match="image tokens"):
        adapter.evaluate(requests_four[:1])


def test_medgemma_start_of_image_placeholder_is_not_the_image_token(requests_four):
    """The seed bug: positions looked up by the placeholder token give one position, not 16."""
    adapter = tiny_adapter("medgemma")
    assert adapter.processor.image_token_id != adapter.image_token_id
    adapter.model.config.image_token_id = adapter.processor.image_token_id
    with pytest.raises(CaptureError, match="expected 16 image tokens"):
        adapter.encode(requests_four[:1])


def test_medgemma_refuses_float16():
    from vlmcore.errors import ConfigError
    from vlmcore.models.medgemma import MedGemmaAdapter
    from vlmcore.models.tiny import build_tiny

    model, processor = build_tiny("medgemma")
    with pytest.raises(ConfigError, match="float16"):
        MedGemmaAdapter(model.half(), processor)


@pytest.mark.parametrize("family", FAMILIES)
def test_token_conditioned_maps_differ_by_word(family, adapters, requests_four):
    adapter = adapters(family)
    request = requests_four[0]  # "is there pleural effusion ?"
    effusion, = adapter.attention_maps([request], query="token:effusion")
    pleural, = adapter.attention_maps([request], query="token:pleural")
    assert effusion.query == "token:effusion"
    assert js_divergence(effusion.values, pleural.values) > 1e-6
    with pytest.raises(CaptureError, match="does not occur"):
        adapter.attention_maps([request], query="token:cardiomegaly")


@pytest.mark.parametrize("family", VISION_HOOKED)
def test_grad_cam_is_non_uniform_and_depends_on_target(family, adapters, requests_four):
    adapter = adapters(family)
    yes, = adapter.attention_maps(requests_four[:1], method="grad-cam", target="yes")
    no, = adapter.attention_maps(requests_four[:1], method="grad-cam", target="no")
    assert yes.method == "grad-cam" and yes.grid == adapter.grid_shape
    assert yes.values.std() > 0
    assert js_divergence(yes.values, no.values) > 0.05
    assert all(p.grad is None for p in adapter.model.parameters())


@pytest.mark.parametrize("family", VISION_HOOKED)
def test_activation_norm_map(family, adapters, requests_four):
    adapter = adapters(family)
    norm, = adapter.attention_maps(requests_four[:1], method="activation-norm")
    assert norm.method == "activation-norm" and norm.values.std() > 0


def test_recorder_released_after_an_error_inside_the_forward(adapters, requests_four):
    from vlmcore.attention import capture

    adapter = adapters("llava")
    encoded = adapter.encode(requests_four[:1])
    broken = adapter._recorder(encoded, (0,), torch.tensor([[10_000]]))  # a query position past the sequence
    with pytest.raises(CaptureError, match="outside the layer"):
        adapter._run(encoded, [broken])
    assert capture._recorders() == []
    adapter.evaluate(requests_four[:1])  # and the adapter still works


@pytest.mark.parametrize("family", ["llava", "medgemma"])
def test_requests_built_without_a_key_are_scored_on_their_own_film(family, adapters, films):
    """A request made as Request(image, question) gets its film's hash: a batch of two films
    must not be scored on the first one."""
    from vlmcore.models.requests import Request, image_hash

    base, other = films
    plain = [Request(base, "is there pleural effusion ?"), Request(other, "is there pleural effusion ?")]
    assert [r.image_key for r in plain] == [image_hash(base), image_hash(other)]
    adapter = adapters(family)
    together = adapter.score_yes_no(plain)
    alone = [adapter.score_yes_no([r])[0] for r in plain]
    assert [s.p_yes for s in together] == pytest.approx([s.p_yes for s in alone], abs=1e-4)
    assert abs(together[0].p_yes - together[1].p_yes) > 1e-6  # the two films really score differently


def test_florence2_forced_bos_only_in_generation_config_scores_the_answer_step(requests_four):
    """Real Florence-2 checkpoints decode </s><s>answer and may force <s> only in generation_config:
    the scored position must be generate()'s second step, not the forced BOS."""
    from vlmcore.models import ADAPTERS
    from vlmcore.models.tiny import build_tiny

    model, processor = build_tiny("florence2")
    text = model.config.text_config
    bos = int(text.bos_token_id)
    text.forced_bos_token_id = None
    model.generation_config.forced_bos_token_id = bos
    adapter = ADAPTERS.get("florence2")(model, processor, name="forced-bos", fingerprint="forced-bos")
    assert adapter.decoder_prefix() == [int(model.generation_config.decoder_start_token_id or text.decoder_start_token_id), bos]
    scores = adapter.score_yes_no(requests_four)
    encoded = adapter.encode(requests_four)
    with torch.no_grad():
        out = model.generate(**adapter.generation_inputs(encoded), max_new_tokens=2, do_sample=False, output_logits=True,
                             return_dict_in_generate=True)
    assert (out.sequences[:, 1] == bos).all()  # generate() really forced the BOS first
    second_step = adapter.score_from_logits(out.logits[1])
    assert [s.p_yes for s in scores] == pytest.approx([r.p_yes for r in second_step], abs=1e-5)
    first_step = adapter.score_from_logits(out.logits[0])
    assert max(abs(s.p_yes - r.p_yes) for s, r in zip(scores, first_step)) > 1e-4  # the BOS position is a different answer


def test_blip2_reports_the_class_token_share_it_leaves_out(adapters, requests_four):
    from vlmcore.attention.fusion import fuse

    adapter = adapters("blip2")
    shares = [m.notes["cls_share"] for m in adapter.attention_maps(requests_four)]
    assert all(0.0 < s < 1.0 for s in shares)
    captured = adapter.capture(requests_four)  # recomputed by hand from the raw captured rows
    mass = fuse(captured.recorders[0].rows, captured.layers, "mean").double()  # (B, 32) LLM mass on the queries
    cross = [rows.double().mean(dim=1) for rows in captured.recorders[1].rows.values()]  # per layer (B, 32, 1 + P)
    per_query = sum(cross) / len(cross)
    for b, share in enumerate(shares):
        on_cls = sum(float(mass[b, q]) * float(per_query[b, q, 0]) for q in range(mass.shape[1]))
        on_all = sum(float(mass[b, q]) * float(per_query[b, q].sum()) for q in range(mass.shape[1]))
        assert share == pytest.approx(on_cls / on_all, abs=1e-5)


def test_activation_norm_maps_are_not_labelled_with_a_target(adapters, requests_four):
    adapter = adapters("llava")
    norm = adapter.attention_maps(requests_four[:1], method="activation-norm", target="no")[0]
    cam = adapter.attention_maps(requests_four[:1], method="grad-cam", target="no")[0]
    assert norm.query == "target-independent" and cam.query == "target:no"
    again = adapter.attention_maps(requests_four[:1], method="activation-norm", target="yes")[0]
    assert np.allclose(norm.values, again.values)  # it really does not depend on the target


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - set(VISION_HOOKED)))
def test_a_family_without_a_vision_hook_refuses_those_methods_by_name(family, adapters, requests_four):
    from vlmcore.errors import ConfigError

    with pytest.raises(ConfigError, match="grad-cam and activation-norm maps need a per-architecture vision hook"):
        adapters(family).attention_maps(requests_four[:1], method="grad-cam")
