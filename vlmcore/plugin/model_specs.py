"""Which models a run benchmarks: a tiny built-in per default family (marker ``smoke``) and the
real families or checkpoint folders named by ``--vlm-model`` (marker = family)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from vlmcore.errors import ConfigError
from vlmcore.models.loading import LoadSpec, WeightsUnavailable, model_argument, preflight
from vlmcore.models.families import default_families
from vlmcore.plugin.options import RunOptions


@dataclass(frozen=True)
class ModelSpec:
    key: str  # test id prefix and report name: "tiny-medgemma", "medgemma", "medgemma@my-ckpt"
    family: str
    tiny: bool
    load: LoadSpec | None = None

    @property
    def marker(self) -> str:
        return "smoke" if self.tiny else self.family


def model_specs(options: RunOptions) -> list[ModelSpec]:
    specs = [ModelSpec(f"tiny-{family}", family, True) for family in default_families()]
    names = [name.strip() for name in options.vlm_model.split(",") if name.strip()]
    if options.model_path and len(names) != 1:
        raise pytest.UsageError(f"--vlm-model-path needs exactly one --vlm-model family, got {names}")
    for name in names:
        try:
            key, load = model_argument(name, model_path=options.model_path, revision=None, dtype=options.dtype,
                                       quantization=options.quantization, device=options.device)
        except ConfigError as error:
            raise pytest.UsageError(f"--vlm-model: {error}") from None
        specs.append(ModelSpec(key, load.family, False, load))
    for spec in specs:
        if spec.load is not None:
            _checked(lambda: preflight(spec.load))
    return specs


def _checked(check):
    """Run a start-up check: a bad path, family or dtype is a usage error now, not a failure in
    every case after an hour; weights absent from the local cache are left to skip."""
    try:
        return check()
    except WeightsUnavailable:
        return None
    except ConfigError as error:
        raise pytest.UsageError(f"vlmcore: {error}") from None
