"""transformers 5.24 renamed the KV-cache argument and output field ``past_key_values`` to ``cache``
(the old name warns and goes in 5.40). Every model call vlmcore makes (the prefix and suffix passes
of the shared-prefix path, the plain batch, generation) uses the new name: nothing it does warns."""

import warnings

import pytest

from tests.models.conftest import FAMILIES


@pytest.fixture
def deprecations(monkeypatch):
    """Everything transformers says about ``past_key_values``: the argument's FutureWarning and the
    output field's once-only log line (patched so an earlier test's call cannot hide it)."""
    import transformers.utils.generic as generic

    said = []
    monkeypatch.setattr(generic.logger, "warning_once", lambda message, *args, **kwargs: said.append(str(message)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield lambda: [m for m in said + [str(w.message) for w in caught] if "past_key_values" in m]


@pytest.mark.parametrize("family", FAMILIES)
def test_no_call_of_ours_uses_the_deprecated_cache_name(family, adapters, requests_four, deprecations):
    adapter = adapters(family)
    adapter.evaluate(requests_four)  # two films: the shared-prefix path (prefix pass, then the packed suffix pass on its cache)
    adapter.evaluate(requests_four, with_maps=False)
    adapter.evaluate(requests_four[:1])  # one request: the plain forward
    adapter.generate(requests_four[:2], max_new_tokens=2)
    assert deprecations() == []


def test_the_check_hears_the_old_name(adapters, requests_four, deprecations):
    """The same capture does hear the deprecated argument and field when they are used."""
    import torch

    adapter = adapters("llava")
    encoded = adapter.encode(requests_four[:1])
    with torch.no_grad():
        output = adapter.model(**encoded.inputs, use_cache=True)
        adapter.model(input_ids=encoded.input_ids[:, -1:], past_key_values=output.past_key_values)
    heard = deprecations()
    assert any("Use `cache` instead" in message for message in heard) and len(heard) >= 2
