"""pytester drops the modules a test imported; native operator libraries cannot be registered twice.

The root conftest imports transformers' model code before any test so that pytester's snapshot
holds it. If that import goes, the first pytester test to load a model takes the module with it and
every later model test in the worker fails on re-registration (seen in CI on a clean clone).
"""

import sys


def test_modules_that_register_native_operators_are_imported_before_any_test():
    assert "torch.distributed._functional_collectives" in sys.modules
