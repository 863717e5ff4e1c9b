"""Shared test fixtures. Tests that read ../shared/data skip with a reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# pytester restores sys.modules after every test that uses it, but a C++ operator library that a
# module registered on first import stays registered. When a pytester test was the first to import
# transformers' model code, torch.distributed._functional_collectives was dropped at teardown and
# its re-import later failed ("Only a single TORCH_LIBRARY ... c10d_functional"), breaking every
# model test in that worker (22 failures in a clean-clone CI run). Importing it here, before any
# test, puts it in pytester's snapshot so it is never dropped.
import transformers.modeling_utils  # noqa: E402,F401  (import for its side effect, see above)

# One thread per xdist worker, and for the suites they start in subprocesses (they inherit the
# environment). `make test` runs 2 workers on 2 cores; with torch's default of one thread per
# core, a worker training a model beside another running the reference suite oversubscribed the
# CPU: the brief retrain took 455 s instead of ~90 s (pytest --durations).
if os.environ.get("PYTEST_XDIST_WORKER"):
    import torch

    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    torch.set_num_threads(1)

pytest_plugins = ["pytester"]

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file under ../shared/data, or a skip that says what is missing and why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data {path} is absent (real files live beside the checkout, never in the repo)")
    return path
