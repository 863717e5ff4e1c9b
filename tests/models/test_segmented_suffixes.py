"""Questions packed behind a film's prefix attend block-diagonally (``vlmcore.attention.segments``)
with the same answers, p(yes) and maps as the dense (k·L_q)² mask they replace, on every family
that takes the shared-prefix path; and the dense mask is no longer built."""

import numpy as np
import pytest
import torch

from vlmcore.attention import segments
from vlmcore.attention.segments import segment_layout
from vlmcore.models.decoder_only import DecoderOnlyAdapter
from vlmcore.models.requests import Request

from .conftest import FAMILIES

LONG = ("Looking at this frontal chest radiograph of an adult patient with a history of smoking, cough and fever for two "
        "weeks, and comparing with the usual appearance of the mediastinum, the costophrenic angles and both hila, "
        "is there any pleural effusion on the right side ?")


@pytest.fixture(scope="module")
def packed_requests(films):
    """Two films, questions of very different lengths (one long clinical prompt), in mixed order:
    rows of different question counts and blocks with much padding."""
    base, other = films
    questions = ["is there pleural effusion ?", LONG, "cardiomegaly ?",
                 "Does this image show consolidation in the right lower lobe ?"]
    return ([Request.of(base, q) for q in questions] + [Request.of(other, q) for q in questions[:2]]
            + [Request.of(base, "pneumothorax ?")])


def _run(adapter, requests, mode):
    adapter.suffix_attention = mode
    adapter.prefix_store.clear()
    try:
        return adapter.evaluate(requests)
    finally:
        adapter.suffix_attention = "segments"


@pytest.mark.parametrize("merge", [True, False], ids=["lse-merge (CPU)", "copied prefix (GPU way)"])
@pytest.mark.parametrize("family", FAMILIES)
def test_segmented_suffixes_equal_the_dense_mask(family, merge, adapters, packed_requests, monkeypatch):
    adapter = adapters(family)
    if not isinstance(adapter, DecoderOnlyAdapter):
        pytest.skip(f"{family} does not pack questions behind a shared prefix")
    monkeypatch.setattr(segments, "MERGE_ON_CPU", merge)
    dense = _run(adapter, packed_requests, "dense")
    calls, masks = [], []
    way = "_merged" if merge else "_behind_copied_prefix"
    original = getattr(segments.SegmentLayout, way)
    monkeypatch.setattr(segments.SegmentLayout, way, lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    suffix = adapter.suffix_logits
    monkeypatch.setattr(adapter, "suffix_logits", lambda inputs, answer: masks.append(inputs["attention_mask"].shape) or suffix(inputs, answer))
    segmented = _run(adapter, packed_requests, "segments")
    assert len(calls) == adapter.num_layers  # every decoder layer of the suffix forward took this block-diagonal way
    longest = len(adapter.tokenizer(LONG)["input_ids"])
    assert masks and all(shape[0] == 1 and shape[2] < 2 * longest for shape in masks)  # one (1, 1, L, P + L) block mask
    for (score, attention), (ref_score, ref_map) in zip(segmented, dense):
        assert score.answer == ref_score.answer
        assert score.p_yes == pytest.approx(ref_score.p_yes, abs=1e-5)
        np.testing.assert_allclose(attention.values, ref_map.values, atol=1e-5)


def test_a_request_alone_equals_it_packed_with_a_long_neighbour(adapters, packed_requests):
    """Block-diagonal means independent: a question's result does not move when a long
    question shares its film's row (its block only gets padding after it)."""
    adapter = adapters("llava")
    adapter.prefix_store.clear()
    packed = adapter.evaluate(packed_requests)
    for index in (0, 1, 6):
        alone = adapter.evaluate([packed_requests[index]])[0]
        assert alone[0].p_yes == pytest.approx(packed[index][0].p_yes, abs=1e-5)
        np.testing.assert_allclose(alone[1].values, packed[index][1].values, atol=1e-5)


def test_layout_of_packed_rows():
    """Row 0 packs requests 0 (3 tokens) and 2 (1 token), row 1 request 1 (2 tokens) then padding."""
    owner = torch.tensor([[0, 0, 0, 2], [1, 1, -1, -1]])
    layout = segment_layout(owner, prefix=5)
    assert (layout.blocks, layout.block) == (2, 3)
    assert layout.scatter.tolist() == [[0, 1, 2, 3], [0, 1, 0, 0]]  # packed position -> block slot
    assert layout.gather[0, :4].tolist() == [0, 1, 2, 3] and layout.gather[1, :2].tolist() == [0, 1]
    assert layout.start.tolist() == [[0, 0, 0, 3], [0, 0, 2, 3]]
    visible = layout.visible(torch.tensor([[2, 3], [1, 1]]), kv_length=9)
    assert visible[0, 0].tolist() == [True] * 5 + [True, True, True, False]  # the prefix and its own three tokens
    assert visible[0, 1].tolist() == [True] * 5 + [False, False, False, True]  # never the other question's
    assert visible[1, 0].tolist() == [True] * 5 + [True, True, False, False]
    assert layout.mask.shape == (1, 1, 3, 8) and layout.mask[0, 0, 0].tolist() == [True] * 5 + [True, False, False]
