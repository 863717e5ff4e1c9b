"""Which models a run benchmarks: exactly those ``--vlm-model`` names (families, checkpoint
folders, ``hf:PATH`` or ``tiny-<family>``; marker = family, ``smoke`` for a tiny build); without
``--vlm-model``, a tiny built-in per default family (marker ``smoke``) and the default families."""

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


TINY = "tiny-"


def model_specs(options: RunOptions) -> list[ModelSpec]:
    """The run's models. With ``--vlm-model``, exactly the named ones: a model nobody asked for must
    not fail a run, nor end up in a saved baseline."""
    names = [name.strip() for name in options.vlm_model.split(",") if name.strip()]
    tiny = [name for name in names if name.startswith(TINY)]
    names = [name for name in names if not name.startswith(TINY)]
    unknown = sorted(set(name[len(TINY):] for name in tiny) - set(default_families()))
    if unknown:
        raise pytest.UsageError(f"--vlm-model: no tiny build for {unknown}; tiny builds: "
                                f"{', '.join(TINY + family for family in default_families())}")
    families = [name[len(TINY):] for name in tiny] if options.models_given else list(default_families())
    specs = [ModelSpec(f"{TINY}{family}", family, True) for family in dict.fromkeys(families)]
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
