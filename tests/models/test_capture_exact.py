"""Captured rows equal eager ``output_attentions`` rows; capture leaves logits unchanged."""

import copy

import pytest
import torch

from tests.models.conftest import FAMILIES


def _eager_outputs(adapter, encoded):
    eager = copy.deepcopy(adapter.model)
    eager.set_attn_implementation("eager")
    with torch.no_grad():
        return eager(**encoded.inputs, output_attentions=True)


def _plain_sdpa_logits(adapter, encoded):
    plain = copy.deepcopy(adapter.model)
    plain.set_attn_implementation("sdpa")
    with torch.no_grad():
        return plain(**encoded.inputs).logits[:, -1, :]


def _eager_decoder_rows(adapter, output, layer):
    if adapter.family == "florence2":
        return output.cross_attentions[layer]
    if adapter.family == "blip2":
        return output.language_model_outputs.attentions[layer]
    return output.attentions[layer]


@pytest.mark.parametrize("family", FAMILIES)
def test_captured_rows_equal_eager_rows(family, adapters, requests_four):
    adapter = adapters(family)
    captured = adapter.capture(requests_four, layers="all", keep_all_keys=True)
    output = _eager_outputs(adapter, captured.encoded)
    answer = captured.encoded.answer_index[:, 0]
    for layer in captured.layers:
        eager = _eager_decoder_rows(adapter, output, layer)  # (B, H, Q, K)
        expected = eager[torch.arange(len(answer)), :, answer, :]  # (B, H, K)
        got = captured.recorders[0].rows[layer][:, :, 0, :]
        assert got.shape == expected.shape
        torch.testing.assert_close(got, expected.float(), atol=1e-5, rtol=0)


@pytest.mark.parametrize("family", FAMILIES)
def test_capture_leaves_logits_unchanged(family, adapters, requests_four):
    adapter = adapters(family)
    captured = adapter.capture(requests_four)
    torch.testing.assert_close(captured.logits, _plain_sdpa_logits(adapter, captured.encoded), atol=1e-5, rtol=0)
    eager_logits = _eager_outputs(adapter, captured.encoded).logits[:, -1, :]
    torch.testing.assert_close(captured.logits, eager_logits, atol=1e-4, rtol=0)


def test_blip2_qformer_cross_attention_equals_eager(adapters, requests_four):
    adapter = adapters("blip2")
    captured = adapter.capture(requests_four)
    eager = copy.deepcopy(adapter.model)
    eager.set_attn_implementation("eager")
    with torch.no_grad():
        image_embeds = eager.vision_model(pixel_values=captured.encoded.inputs["pixel_values"]).last_hidden_state
        queries = eager.query_tokens.expand(image_embeds.shape[0], -1, -1)
        mask = torch.ones(image_embeds.shape[:-1], dtype=torch.long)
        cross_eager = eager.qformer(query_embeds=queries, encoder_hidden_states=image_embeds, encoder_attention_mask=mask,
                                    output_attentions=True).cross_attentions
    cross_rows = captured.recorders[1].rows
    assert len(cross_rows) == len(cross_eager) > 0
    for index, rows in cross_rows.items():
        torch.testing.assert_close(rows, cross_eager[index].float(), atol=1e-5, rtol=0)


def test_medgemma_image_tokens_attend_bidirectionally(adapters, requests_four):
    """Without the registered mask function Gemma3's bidirectional image mask is lost: an early
    image token would then not see a later one. Our captured mask keeps it."""
    adapter = adapters("medgemma")
    encoded = adapter.encode(requests_four[:1])
    first_image = int(encoded.image_positions[0, 0])
    from vlmcore.attention.capture import AttentionRecorder

    module = adapter.decoder_attention_modules()[0]
    recorder = AttentionRecorder({module: 0}, torch.tensor([[first_image]]), encoded.image_positions)
    with torch.no_grad():
        adapter._run(encoded, [recorder])
    later_image_mass = recorder.rows[0][0, :, 0, 1:].sum()
    assert later_image_mass > 0.05, "the first image token must attend to later image tokens"
