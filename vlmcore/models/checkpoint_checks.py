"""What a checkpoint must agree with before its answers count (issue 23 item 4).

transformers loads what it can and initialises the rest: a checkpoint without ``lm_head`` runs
with random values, a tensor stored as I32 where F32 is expected is cast (to nonsense), and a
config whose ``model_type`` was edited builds another architecture over the weights. Each is
refused here, with the file and the tensor or key named:

- ``check_architecture``: ``model_type`` agrees with the config's own ``architectures`` (start-up);
- ``check_tensor_dtypes``: no weight is stored as integers (safetensors headers only, start-up);
- ``check_loading_info``: nothing missing, unexpected or of another shape once loaded.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from vlmcore.errors import ConfigError, VlmcoreError
from vlmcore.models.fingerprint import safetensors_header

INTEGER_DTYPES = ("BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64")
#: buffers real checkpoints store as integers; every other tensor is a floating-point weight
INTEGER_BUFFERS = ("position_ids", "token_type_ids", "num_batches_tracked")


class CheckpointRefused(VlmcoreError, RuntimeError):
    """The weights do not fit the model: loading them would run a partly random or mistyped model."""


@lru_cache(maxsize=1)
def _model_types_by_class() -> dict[str, set[str]]:
    """Architecture class name -> the model types transformers builds it for, from every auto mapping."""
    from transformers.models.auto import modeling_auto

    owners: dict[str, set[str]] = {}
    for name in dir(modeling_auto):
        mapping = getattr(modeling_auto, name)
        if not name.endswith("_MAPPING_NAMES") or not isinstance(mapping, dict):
            continue
        for model_type, classes in mapping.items():
            for cls in (classes,) if isinstance(classes, str) else classes:
                if isinstance(cls, str):
                    owners.setdefault(cls, set()).add(model_type)
    return owners


def check_architecture(folder: Path) -> None:
    """``model_type`` must be one the config's ``architectures`` are built for."""
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text())
    model_type, architectures = config.get("model_type"), config.get("architectures") or []
    if not isinstance(architectures, list):
        raise ConfigError(f"{path}: architectures must be a list of class names, got {architectures!r}")
    owners = _model_types_by_class()
    known = [a for a in architectures if isinstance(a, str) and a in owners]
    if known and not any(model_type in owners[a] for a in known):
        theirs = sorted(set().union(*(owners[a] for a in known)))
        raise ConfigError(f"{path}: model_type {model_type!r} does not match its architectures {architectures} "
                          f"(a {' / '.join(repr(t) for t in theirs)} model): the config was edited or belongs to other weights")


def check_tensor_dtypes(folder: Path) -> None:
    """No weight stored as integers: transformers would cast it to floating point silently. A
    pre-quantized checkpoint (``quantization_config``) stores integers on purpose and is skipped."""
    folder = Path(folder)
    if "quantization_config" in json.loads((folder / "config.json").read_text()):
        return
    for path in sorted(folder.glob("*.safetensors")):
        for name, entry in safetensors_header(path).items():
            if name == "__metadata__" or not isinstance(entry, dict):
                continue
            dtype = str(entry.get("dtype", ""))
            if dtype in INTEGER_DTYPES and name.rsplit(".", 1)[-1] not in INTEGER_BUFFERS:
                raise ConfigError(f"{path}: tensor {name!r} is stored as {dtype}, but model weights are floating point: "
                                  f"refused, not cast (only integer buffers such as {', '.join(INTEGER_BUFFERS)} may be integers)")


def check_loading_info(info: dict, folder: Path, model_class: str) -> None:
    """transformers' loading report (``output_loading_info=True``), after its own ignore lists and
    tied weights: anything left missing, unexpected or mismatched is refused."""

    def shown(keys) -> str:
        keys = sorted(str(k) for k in keys)
        return ", ".join(keys[:6]) + (f" ... ({len(keys)} in all)" if len(keys) > 6 else "")

    problems = []
    if info.get("missing_keys"):
        problems.append(f"{len(info['missing_keys'])} tensor(s) of {model_class} missing from the checkpoint (they would be "
                        f"randomly initialised): {shown(info['missing_keys'])}")
    if info.get("unexpected_keys"):
        problems.append(f"{len(info['unexpected_keys'])} tensor(s) in the checkpoint not used by {model_class}: "
                        f"{shown(info['unexpected_keys'])}")
    if info.get("mismatched_keys"):
        problems.append(f"tensor(s) with another shape than {model_class} expects: {shown(k[0] if isinstance(k, tuple) else k for k in info['mismatched_keys'])}")
    if info.get("error_msgs"):
        problems.append("; ".join(str(m) for m in info["error_msgs"][:3]))
    if problems:
        raise CheckpointRefused(f"{folder}: the weights do not fit the model: " + "; ".join(problems))
