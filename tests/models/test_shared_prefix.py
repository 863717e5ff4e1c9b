"""The shared-prefix fast path gives the same answers and maps as the plain batch, whatever
the batch size, padding side (the fast path right-pads, the plain path left-pads) or order."""

import numpy as np
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


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2"])
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
