"""Hooks other plugins (or a conftest) implement to extend vlmcore without new flags.

As pytest-benchmark's ``pytest_benchmark_generate_*`` / ``pytest_benchmark_update_*`` pairs: a
*generate* hook (``firstresult``) replaces what vlmcore would build, an *update* hook edits what
was built in place.
"""

import pytest


@pytest.hookspec(firstresult=True)
def pytest_vlmcore_make_adapter(spec, run):
    """Return an adapter for ``spec`` (a ``ModelSpec``: ``key``, ``family``, ``tiny``, ``load``)
    instead of the built-in one, or None to leave it to vlmcore.

    The object must meet ``vlmcore.models.protocol.Adapter``: ``name``, ``fingerprint``,
    ``dtype``, ``device``, ``capabilities`` (a frozenset of ``Capability``) and
    ``evaluate(requests, *, with_maps=True) -> [(YesNoScore, AttentionMap | None)]``, plus the
    method of each declared capability; anything else is refused with what it lacks. Use it
    to benchmark a model family vlmcore does not ship, or a scripted model in tests
    (``vlmcore.testing.ScriptedAdapter``). ``run`` is the run session (its ``config`` is the
    run's configuration: dataset, thresholds, options).
    """
