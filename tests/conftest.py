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


def save_tiny_checkpoint(folder: Path, family: str) -> Path:
    """A tiny build of ``family`` saved as a real checkpoint folder (safetensors + processor files)."""
    from vlmcore.models.tiny import build_tiny

    model, processor = build_tiny(family)
    model.save_pretrained(folder, safe_serialization=True)
    processor.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def saved_tiny_checkpoints(tmp_path_factory):
    """Saved tiny checkpoints, one per (family, folder name), built once per session and shared
    read-only (a test that edits files copies the folder first). Ask for them from a fixture, never
    from a test body that uses ``pytester``: pytester drops every module imported while it is active,
    and transformers' classes re-imported later are new objects (a processor then fails its own
    isinstance check in every later model test of the worker)."""
    made: dict[tuple[str, str], Path] = {}

    def saved(family: str, name: str | None = None) -> Path:
        key = (family, name or f"tiny-{family}")
        if key not in made:
            made[key] = save_tiny_checkpoint(tmp_path_factory.mktemp("checkpoint") / key[1], family)
        return made[key]

    return saved
