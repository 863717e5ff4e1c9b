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
    (``vlmcore.testing.ScriptedAdapter``). ``run`` is the run session (``run.configuration``:
    dataset, thresholds, options, models).
    """


@pytest.hookspec(firstresult=True)
def pytest_vlmcore_generate_environment(config, run):
    """Return the report's environment record (``vlmcore.report.run_report.Environment``:
    ``software``, ``models``, ``events``, ``model_arguments``) instead of the built-in one, or
    None. ``run`` is the report builder (``run.configuration``, ``run.models()``)."""


def pytest_vlmcore_update_environment(config, environment):
    """Edit the environment record before it is written (e.g. ``environment.software["cluster"] = ...``)."""


def pytest_vlmcore_update_summary(config, model, rows, summary):
    """Add measures of your own to one model's summary: ``summary.extras[name] = value`` (JSON
    values). ``rows`` are the model's ``VariantRow``s. Extras are written into summary.json
    beside the built-in entries and listed in report.md."""


def pytest_vlmcore_report_sections(config, report):
    """Return extra report sections (``vlmcore.report.sections.Section``: a title and ``Table``s
    or paragraphs), or None. They are rendered in report.md and report.html after the built-in
    sections, in plugin order."""
