"""Hooks other plugins (or a conftest) implement to extend vlmcore without new flags."""

import pytest


@pytest.hookspec(firstresult=True)
def pytest_vlmcore_make_adapter(spec, run):
    """Return an adapter for ``spec`` (a ``ModelSpec``) instead of the built-in one, or None.

    Use it to benchmark a model family vlmcore does not ship, or a scripted model in tests.
    """
