"""Loading real checkpoints: local folder or the Hugging Face cache, never the network.

Security defaults: ``trust_remote_code=False``, safetensors only, ``local_files_only``.
dtype policy: ``auto`` is bfloat16 on CUDA and float32 on CPU (float16 is refused for
MedGemma by its adapter). Quantization (``8bit`` / ``4bit``) needs CUDA and bitsandbytes.
A checkpoint that is not available raises ``WeightsUnavailable``, whose message says how
to provide it; the pytest plugin turns it into a skip with that reason.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.models.checkpoint_checks import check_architecture, check_loading_info, check_tensor_dtypes
from vlmcore.models.families import ADAPTERS, FAMILIES, all_families, family_of_model_type, family_spec
from vlmcore.models.fingerprint import checkpoint_files, checkpoint_fingerprint
from vlmcore.models.pixel_budget import check_checkpoint_pixels, check_image_processor
from vlmcore.models.template_budget import check_checkpoint_templates

GENERIC_PREFIX = "hf:"
QUANTIZATIONS = (None, "8bit", "4bit")


def default_checkpoint(family: str | None) -> str | None:
    """The hub id a family loads from the local cache when no path is given (``FamilySpec``)."""
    return family_spec(family).default_checkpoint if family in FAMILIES else None


def _is_generic(family: str) -> bool:
    return family_spec(family).generic


class WeightsUnavailable(ConfigError):
    """The checkpoint is neither a local folder nor in the local Hugging Face cache."""


@dataclass(frozen=True)
class LoadSpec:
    family: str | None = None  # inferred from config.json when None
    path: str | None = None  # local folder or hub id (read from the local cache only)
    revision: str | None = None
    dtype: str = "auto"  # auto | bfloat16 | float32 | float16
    quantization: str | None = None
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    device_map: str | None = None
    trust_remote_code: bool = False


def resolve_checkpoint(spec: LoadSpec) -> Path:
    """The local folder holding ``config.json`` for ``spec``; never downloads."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    target = spec.path or default_checkpoint(spec.family)
    if target is None:
        raise ConfigError(f"no model path given and no default checkpoint for family {spec.family!r}")
    local = Path(target).expanduser()
    if local.is_dir():
        if not (local / "config.json").is_file():
            raise WeightsUnavailable(f"{local} has no config.json: not a Hugging Face checkpoint folder")
        return local
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(target, "config.json", revision=spec.revision)
    if not isinstance(cached, str):
        raise WeightsUnavailable(
            f"weights for {target!r} are not available offline: pass --vlm-model-path /path/to/checkpoint, or download it "
            f"once elsewhere (hf download {target}) into the HF cache ({os.environ.get('HF_HOME', '~/.cache/huggingface')})"
        )
    return Path(cached).parent


def model_argument(name: str, *, model_path: str | None = None, **load) -> tuple[str, LoadSpec]:
    """A model as users name it (``--vlm-model``, ``vlmcore explain --model``) -> (report key,
    LoadSpec): a family (weights from ``model_path`` or the local cache; key = the family) or a
    checkpoint folder (family read from its config; key ``family@folder``)."""
    if default_checkpoint(name):
        return name, LoadSpec(family=name, path=model_path, **load)
    if name.startswith(GENERIC_PREFIX):  # the generic adapter, whatever the architecture
        target = name[len(GENERIC_PREFIX):]
        if not target:
            raise ConfigError("hf: needs a checkpoint folder or a hub id in the local cache, e.g. hf:/models/my-qwen-vl")
        folder = Path(target).expanduser()
        family = "hf"
        if (folder / "config.json").is_file():  # a named generic family keeps its marker (-m qwen2_5_vl)
            named = family_of_model_type(json.loads((folder / "config.json").read_text()).get("model_type", ""))
            family = named if named and _is_generic(named) else "hf"
        return f"hf@{folder.name}", LoadSpec(family=family, path=target, **load)
    folder = Path(name)
    if folder.is_dir() and (folder / "config.json").is_file():
        family = family_of(folder, None)
        return f"{family}@{folder.name}", LoadSpec(family=family, path=name, **load)
    raise ConfigError(f"{name!r} is neither a family ({', '.join(s.name for s in all_families() if s.default_checkpoint)}), hf:PATH, nor a checkpoint folder")


def _image_text_to_text_types() -> set[str]:
    from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES

    return set(MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES)


def family_of(folder: Path, requested: str | None) -> str:
    """The family of a checkpoint folder: a dedicated one by ``model_type``, else the generic
    adapter (``hf``) for any image-text-to-text architecture transformers knows."""
    model_type = json.loads((folder / "config.json").read_text()).get("model_type", "")
    if requested == "hf":
        if model_type not in _image_text_to_text_types():
            raise ConfigError(f"{folder}: model_type {model_type!r} is not an image-text-to-text architecture of this transformers "
                              "(AutoModelForImageTextToText cannot load it)")
        return "hf"
    detected = family_of_model_type(model_type)
    if detected is None and model_type in _image_text_to_text_types():
        detected = "hf"
    if requested and detected and requested != detected:
        raise ConfigError(f"{folder} holds a {model_type!r} model, not {requested!r}")
    if not (requested or detected):
        raise ConfigError(f"{folder}: model_type {model_type!r} is neither a supported family ({sorted(t for s in all_families() for t in s.model_types)}) nor an "
                          "image-text-to-text architecture")
    return requested or detected


def generic_gaps(folder: Path) -> list[str]:
    """What a checkpoint folder lacks for the generic adapter, read from its files (no weights)."""
    config = json.loads((folder / "config.json").read_text())
    text = config.get("text_config") or {}
    gaps = []
    if not any(isinstance(owner.get(key), int) for owner in (config, text) for key in ("image_token_id", "image_token_index")):
        gaps.append("an image token id (config.json: image_token_id / image_token_index)")
    has_template = (folder / "chat_template.jinja").is_file() or (folder / "chat_template.json").is_file()
    for name in ("processor_config.json", "tokenizer_config.json"):
        path = folder / name
        if path.is_file() and json.loads(path.read_text()).get("chat_template"):
            has_template = True
    if not has_template:
        gaps.append("a chat template (chat_template.jinja / .json, or chat_template in processor_config.json / tokenizer_config.json)")
    return gaps


def _torch_dtype(spec: LoadSpec, device: str):
    import torch

    if spec.dtype == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    if spec.dtype not in ("bfloat16", "float32", "float16"):
        raise ConfigError(f"dtype {spec.dtype!r}: expected auto, bfloat16, float32 or float16")
    return getattr(torch, spec.dtype)


def _device(spec: LoadSpec) -> str:
    import torch

    if spec.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if spec.device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {spec.device!r} requested but CUDA is not available")
    return spec.device


def quantization_config(quantization: str | None, device: str, compute_dtype):
    if quantization not in QUANTIZATIONS:
        raise ConfigError(f"quantization {quantization!r}: expected one of 8bit, 4bit")
    if quantization is None:
        return None
    if not device.startswith("cuda"):
        raise ConfigError(f"{quantization} quantization needs CUDA (bitsandbytes); this run is on {device}")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise ConfigError("quantization needs bitsandbytes: pip install 'vlmcore[gpu]'") from None
    from transformers import BitsAndBytesConfig

    if quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=compute_dtype)


def load_adapter(spec: LoadSpec):
    """Load a real checkpoint into its family's adapter."""
    import transformers

    folder = resolve_checkpoint(spec)
    checkpoint_files(folder)  # before any file is read: regular files within budget
    check_architecture(folder)
    family = family_of(folder, spec.family)
    device = _device(spec)
    dtype = _torch_dtype(spec, device)
    weights = sorted(folder.glob("*.safetensors"))
    if not weights:
        raise WeightsUnavailable(f"{folder} has no .safetensors weights (pickle checkpoints are refused)")
    model_class = getattr(transformers, family_spec(family).model_class)
    common = dict(revision=spec.revision, local_files_only=True, trust_remote_code=spec.trust_remote_code)
    if _is_generic(family) and (gaps := generic_gaps(folder)):
        raise ConfigError(f"{folder} cannot run under the generic adapter; it lacks: " + "; ".join(gaps))
    adapter_class = ADAPTERS.get(family)
    # before transformers reads a file: every file is checked (regular, within budget) and hashed
    fingerprint = checkpoint_fingerprint(folder, str(dtype).removeprefix("torch."), spec.quantization, adapter_class)
    check_tensor_dtypes(folder)
    model, info = model_class.from_pretrained(
        folder, dtype=dtype, use_safetensors=True, device_map=spec.device_map or (device if spec.quantization else None),
        quantization_config=quantization_config(spec.quantization, device, dtype), output_loading_info=True, **common,
    )
    check_loading_info(info, folder, type(model).__name__)
    if spec.quantization is None and spec.device_map is None:
        model = model.to(device)
    check_checkpoint_pixels(folder)
    check_checkpoint_templates(folder)
    if _is_generic(family):
        from vlmcore.models.processors import load_processor

        processor = load_processor(folder, **common)
    else:
        processor = transformers.AutoProcessor.from_pretrained(folder, **common)
    return _checked_adapter(adapter_class(model, processor, name=str(spec.path or folder.name), fingerprint=fingerprint), folder)


def _checked_adapter(adapter, folder: Path):
    """What the loaded processor asks for, whatever file or default it came from: image sizes within
    the budget and a chat template that renders a prompt within its budget."""
    from vlmcore.models.checkpoint_checks import CheckpointRefused
    from vlmcore.models.chat_prompt import ChatTemplatePrompt
    from vlmcore.models.pixel_budget import PixelBudgetExceeded
    from vlmcore.models.template_budget import PROBE_QUESTION, TemplateBudgetExceeded

    try:
        check_image_processor(adapter.processor.image_processor, f"{folder}: the loaded image processor")
        if isinstance(adapter, ChatTemplatePrompt):
            adapter.prompt(PROBE_QUESTION)
    except (PixelBudgetExceeded, TemplateBudgetExceeded) as error:
        raise CheckpointRefused(f"{folder}: {error}") from None
    return adapter


def _looks_like_a_path(target: str) -> bool:
    """Hub ids are ``org/name``; anything absolute, relative-dotted, home-based or deeper is a folder path."""
    return target.startswith(("/", "./", "../", "~", ".\\")) or target.count("/") >= 2 or os.sep != "/" and os.sep in target


def preflight(spec: LoadSpec) -> None:
    """Everything that can be checked without loading weights, at start-up (seconds, before any
    case runs): a folder that does not exist or is not a checkpoint, a family / dtype /
    quantization / device that cannot work. Raises ``ConfigError`` (a usage error); a hub id
    missing from the local cache raises ``WeightsUnavailable`` (its cases skip: NOT EVALUATED)."""
    target = spec.path or default_checkpoint(spec.family)
    if target is not None and _looks_like_a_path(target) and not Path(target).expanduser().exists():
        raise ConfigError(f"--vlm-model-path {target}: no such folder")
    if spec.family == "medgemma" and spec.dtype == "float16":
        raise ConfigError("MedGemma (Gemma3) must not run in float16: activations overflow. Use --vlm-dtype bfloat16 (GPU) or float32.")
    if spec.dtype not in ("auto", "bfloat16", "float32", "float16"):
        raise ConfigError(f"dtype {spec.dtype!r}: expected auto, bfloat16, float32 or float16")
    device = _device(spec)
    if spec.quantization is not None and not device.startswith("cuda"):
        raise ConfigError(f"--vlm-quantization {spec.quantization} needs CUDA (bitsandbytes); this run is on {device}")
    folder = resolve_checkpoint(spec)
    checkpoint_files(folder)  # no FIFO, device or over-budget file among them, before any is read
    if not any(folder.glob("*.safetensors")):
        raise ConfigError(f"{folder} has no .safetensors weights (pickle checkpoints are refused)")
    check_architecture(folder)
    check_tensor_dtypes(folder)
    check_checkpoint_pixels(folder)
    check_checkpoint_templates(folder)
    family = family_of(folder, spec.family)
    if _is_generic(family) and (gaps := generic_gaps(folder)):
        raise ConfigError(f"{folder} cannot run under the generic adapter; it lacks: " + "; ".join(gaps))
    if family == "medgemma" and spec.dtype == "float16":
        raise ConfigError(f"{folder} is a MedGemma (Gemma3) checkpoint: float16 overflows; use --vlm-dtype bfloat16 or float32")
