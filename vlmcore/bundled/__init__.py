"""The data vlmcore ships: the benchmark's test files and thresholds, the phantom dataset, the
trained reference models and their held-out test set.

Everything is read through :mod:`importlib.resources` (``files("vlmcore.bundled")``), never
through a path computed from ``__file__`` into the checkout, so the same names work in a checkout
(``pip install -e``) and in an installed wheel, where the checkout's ``fixtures/`` and
``benchmarks/`` folders do not exist. In the checkout, ``vlmcore/bundled/fixtures`` and
``vlmcore/bundled/benchmarks`` are links to the top-level folders (which stay where the README's
``pytest benchmarks`` and the fixture writers expect them); the wheel build copies their files
in as package data (``[tool.setuptools.package-data]`` in pyproject.toml).

Callers get real folders (pytest, safetensors and the image readers need paths): a wheel is
always installed unpacked, and a zipped install is refused with a clear error.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from vlmcore.errors import ConfigError


def bundled(*parts: str) -> Path:
    """The bundled file or folder at ``parts`` (e.g. ``bundled("benchmarks", "thresholds.toml")``)."""
    resource = files(__name__).joinpath(*parts)
    if not isinstance(resource, Path):
        raise ConfigError(f"vlmcore's bundled data ({'/'.join(parts)}) is inside an archive ({resource}): install vlmcore "
                          "unpacked (pip install vlmcore) to use its bundled benchmark, dataset and reference models")
    return resource


def benchmarks() -> Path:
    """The benchmark's pytest files (``pytest <this folder> -m ...``) and its default thresholds."""
    return bundled("benchmarks")


def default_thresholds() -> Path:
    return bundled("benchmarks", "thresholds.toml")


def phantom_dataset() -> Path:
    """The small synthetic phantom dataset: the default ``--vlm-dataset`` (plumbing, not a verdict)."""
    return bundled("fixtures", "phantom", "dataset.csv")


def reference_root() -> Path:
    """The trained reference models (``models/<name>/``) and their held-out test set (``test/``)."""
    return bundled("fixtures", "reference")
