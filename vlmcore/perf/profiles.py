"""Workloads for the performance comparison.

``tiny`` is CI-sized; ``medium`` has 256 image tokens on a 16x16 grid so CPU timings mean
something; ``medgemma-4b``, ``llava-7b``, ``qwen2_vl-2b``, ``qwen2_5_vl-7b`` and
``qwen3_vl-8b`` are real-size configurations with random weights (no download) for a GPU,
built directly in bf16 (``vlmcore.models.real_size``) and refused with a clear message where
there is no CUDA; ``medgemma-4b-cpu`` and ``qwen2_5_vl-7b-cpu`` keep every real width
(hidden sizes, heads, vocabulary, image resolution and token count) at reduced depth, in fp32
on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.models.tiny.builders import TinySize

PRECISIONS = ("bf16", "8bit", "4bit")


@dataclass(frozen=True)
class Reduction:
    """A real-size model cut in depth for the CPU: every width kept."""

    text_layers: int
    vision_layers: int
    tie_embeddings: bool = False  # share the output head with the embedding (memory; widths unchanged)


@dataclass(frozen=True)
class Profile:
    name: str
    family: str
    size: TinySize | None  # None: a real-size configuration (``real``)
    groups: int
    variants_per_group: int
    new_tokens: int  # the seed pipeline's free-text answer length
    device: str = "cpu"
    real: str | None = None  # a ``vlmcore.models.real_size`` model
    reduction: Reduction | None = None
    film: int = 256  # phantom film side in pixels

    def build_description(self) -> str:
        if self.real is None:
            return f"tiny build {self.size}"
        if self.reduction is None:
            return f"{self.real} at full size"
        return (f"{self.real} at real widths, {self.reduction.text_layers} text / {self.reduction.vision_layers} vision layers"
                + (", tied output head" if self.reduction.tie_embeddings else ""))


_MEDIUM = TinySize(image=224, patch=14, hidden=256, layers=4, heads=8, kv_heads=8, vision_hidden=128, vision_layers=2)


def _gpu(name: str, family: str, real: str, film: int = 1024) -> Profile:
    return Profile(name, family, None, groups=10, variants_per_group=6, new_tokens=64, device="cuda", real=real, film=film)


PROFILES = {profile.name: profile for profile in (
    Profile("tiny", "llava", TinySize(), groups=2, variants_per_group=6, new_tokens=8),
    Profile("medium", "llava", _MEDIUM, groups=8, variants_per_group=6, new_tokens=64),
    Profile("medium-qwen2_5_vl", "qwen2_5_vl", _MEDIUM, groups=8, variants_per_group=6, new_tokens=64),
    _gpu("medgemma-4b", "medgemma", "medgemma-4b"),
    _gpu("llava-7b", "llava", "llava-7b"),
    _gpu("qwen2_vl-2b", "qwen2_vl", "medvlm-r1"),
    _gpu("qwen2_5_vl-7b", "qwen2_5_vl", "lingshu-7b"),
    _gpu("qwen3_vl-8b", "qwen3_vl", "medmo-8b"),
    # real widths on the CPU: MedGemma keeps one sliding-window and one global text layer; Qwen2.5-VL
    # one windowed and one full-attention vision block; a 1024 px film is 37 x 37 Qwen tokens
    Profile("medgemma-4b-cpu", "medgemma", None, groups=1, variants_per_group=3, new_tokens=4, real="medgemma-4b",
            reduction=Reduction(text_layers=2, vision_layers=1), film=896),
    Profile("qwen2_5_vl-7b-cpu", "qwen2_5_vl", None, groups=1, variants_per_group=2, new_tokens=4, real="lingshu-7b",
            reduction=Reduction(text_layers=1, vision_layers=2, tie_embeddings=True), film=1024),
)}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ConfigError(f"unknown profile {name!r}; known: {sorted(PROFILES)}")
    return PROFILES[name]


def require_device(profile: Profile, precision: str = "bf16") -> None:
    """Refuse, before anything is built, a profile this machine cannot run: a GPU profile without
    CUDA, an 8-bit / 4-bit run without CUDA or bitsandbytes, an unknown precision."""
    import torch

    if precision not in PRECISIONS:
        raise ConfigError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if profile.device == "cuda" and not torch.cuda.is_available():
        cpu = f"{profile.name}-cpu"
        hint = f"; {cpu} runs it at real widths and reduced depth on the CPU" if cpu in PROFILES else ""
        raise ConfigError(f"profile {profile.name} is a real-size model in bf16 and needs a CUDA GPU; this machine has none "
                          f"(torch {torch.__version__}){hint}")
    if precision != "bf16":
        if profile.device != "cuda":
            raise ConfigError(f"{precision} needs a CUDA GPU (bitsandbytes); profile {profile.name} runs on the CPU")
        from vlmcore.models.loading import quantization_config

        quantization_config(precision, "cuda", torch.bfloat16)  # bitsandbytes present, or a clear error


def build_adapter(profile: Profile, attention: str = "sdpa", precision: str = "bf16"):
    """The profile's model (seeded random weights) in its adapter, on its device; nothing is built
    for a profile this machine cannot run (``require_device``)."""
    from vlmcore.models import ADAPTERS
    from vlmcore.models.tiny import build_tiny

    require_device(profile, precision)
    if profile.size is not None:
        model, processor = build_tiny(profile.family, profile.size, 0)
    else:
        model, processor = _real_size(profile, precision)
    adapter = ADAPTERS.get(profile.family)(model, processor, name=profile.name, fingerprint=f"perf-{profile.name}-{precision}")
    if attention == "eager":
        adapter.model.set_attn_implementation("eager")
    return adapter


def quantization_folder(profile: Profile) -> Path:
    """Where a GPU profile's seeded bf16 weights are saved once for 8-bit / 4-bit loading (every
    pipeline's worker of a run loads the same file; ``VLMCORE_PERF_CACHE`` or the temp folder)."""
    import os
    import tempfile

    return Path(os.environ.get("VLMCORE_PERF_CACHE", tempfile.gettempdir())) / f"vlmcore-perf-{profile.name}-seed0"


def _real_size(profile: Profile, precision: str):
    """bf16 on the GPU built directly there; 8-bit / 4-bit through transformers' own quantized
    loading (bitsandbytes) of the same seeded weights saved once as safetensors, as a user's
    checkpoint is loaded; fp32 on the CPU at reduced depth."""
    import torch

    from vlmcore.models.real_size import build_real_size, model_class, real_size_inputs

    reduction = profile.reduction
    depth = dict(text_layers=reduction.text_layers, vision_layers=reduction.vision_layers,
                 tie_embeddings=reduction.tie_embeddings) if reduction else {}
    if profile.device != "cuda":
        return build_real_size(profile.real, device="cpu", dtype=torch.float32, **depth)
    if precision == "bf16":
        return build_real_size(profile.real, device="cuda", dtype=torch.bfloat16, **depth)
    from vlmcore.models.loading import quantization_config

    folder = quantization_folder(profile)
    if not (folder / "config.json").is_file():
        model, processor = build_real_size(profile.real, device="cuda", dtype=torch.bfloat16, **depth)
        model.save_pretrained(folder, safe_serialization=True)
        del model
        torch.cuda.empty_cache()
    else:
        _, processor = real_size_inputs(profile.real, **depth)
    quantized = model_class(profile.family).from_pretrained(
        folder, dtype=torch.bfloat16, device_map="cuda", use_safetensors=True, local_files_only=True,
        quantization_config=quantization_config(precision, "cuda", torch.bfloat16)).eval()
    return quantized, processor
