"""One ``FamilySpec`` per model family: everything vlmcore needs to know about a family, in one place.

The adapter registry, checkpoint loading (model class, detection by ``model_type``, default
checkpoint, generic processor), the pytest markers, the models a run benchmarks by default,
the tiny offline builds and the contract tests all read these specs. Adding a family is one
``register_family(FamilySpec(...))`` here plus its implementation (an adapter class, or the
generic one, and a tiny builder function).

Strings name code lazily (``"module:attribute"``, as ``vlmcore.registry``), so reading a spec
never imports torch or transformers.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from vlmcore.models.capabilities import BASE, VISION_HOOK, Capability
from vlmcore.registry import Registry

DECODER_ONLY = BASE | {Capability.PIN_FILM, Capability.CONTINUATION}


@dataclass(frozen=True)
class FamilySpec:
    """One family. ``name`` is its marker (``-m name``), its ``--vlm-model`` name and its registry key.

    ``tiny_builder(size, seed) -> (model, processor)``: a tiny offline build of the real
    architecture (contract tests, ``-m smoke``). A family with a ``default_checkpoint`` is
    benchmarked by default (absent weights skip) and gets a ``tiny-<name>`` smoke model.
    """

    name: str
    adapter: str  # "module:Class" of the adapter
    model_class: str  # the transformers class that loads a checkpoint
    marker: str  # the marker's help text
    tiny_builder: str  # "module:function"
    capabilities: frozenset[Capability]
    model_types: tuple[str, ...] = ()  # config.json model_type values that are this family
    default_checkpoint: str | None = None  # hub id read from the local cache only
    generic: bool = False  # the processor and image layout are read from the checkpoint (generic adapter)

    @property
    def benchmarked_by_default(self) -> bool:
        return self.default_checkpoint is not None

    def build_tiny(self, size, seed: int, extension=None):
        """``extension`` (a ``VocabularyExtension``, the reference recipes that talk) is passed
        only when it adds tokens, so a plugin family's ``builder(size, seed)`` keeps working."""
        module, _, attribute = self.tiny_builder.partition(":")
        builder: Callable = getattr(importlib.import_module(module), attribute)
        if extension is None or not (extension.words or extension.tags):
            return builder(size, seed)
        return builder(size, seed, extension=extension)


FAMILIES: Registry[FamilySpec] = Registry("model family")
#: adapter classes by family name (lazy: the module is imported when the family is used)
ADAPTERS: Registry = Registry("model family")
_BUILDERS = "vlmcore.models.tiny.builders"


def register_family(spec: FamilySpec) -> FamilySpec:
    """Register a family (its adapter too); a clashing name is refused."""
    FAMILIES.register(spec.name, spec)
    ADAPTERS.register(spec.name, spec.adapter)
    return spec


def family_spec(name: str) -> FamilySpec:
    return FAMILIES.get(name)


def all_families() -> list[FamilySpec]:
    """Every registered family, in registration order."""
    return [FAMILIES.get(name) for name in FAMILIES.registered()]


def default_families() -> tuple[str, ...]:
    """The families a run benchmarks when ``--vlm-model`` is not given (those with a default checkpoint)."""
    return tuple(spec.name for spec in all_families() if spec.benchmarked_by_default)


def families_with(*capabilities: Capability) -> list[str]:
    return [spec.name for spec in all_families() if set(capabilities) <= spec.capabilities]


def family_of_model_type(model_type: str) -> str | None:
    """The family whose checkpoints have this ``config.json`` ``model_type``, if any."""
    return next((spec.name for spec in all_families() if model_type in spec.model_types), None)


register_family(FamilySpec(
    "medgemma", "vlmcore.models.medgemma:MedGemmaAdapter", "Gemma3ForConditionalGeneration",
    "cases on MedGemma (Gemma3ForConditionalGeneration)", f"{_BUILDERS}:build_medgemma", DECODER_ONLY | VISION_HOOK,
    ("gemma3",), "google/medgemma-4b-it"))
register_family(FamilySpec(
    "llava", "vlmcore.models.llava:LlavaAdapter", "LlavaForConditionalGeneration", "cases on LLaVA-1.5 / LLaVA-Rad",
    f"{_BUILDERS}:build_llava", DECODER_ONLY | VISION_HOOK, ("llava",), "llava-hf/llava-1.5-7b-hf"))
register_family(FamilySpec(
    "blip2", "vlmcore.models.blip2:Blip2Adapter", "Blip2ForConditionalGeneration", "cases on BLIP-2",
    f"{_BUILDERS}:build_blip2", DECODER_ONLY | VISION_HOOK, ("blip-2",), "Salesforce/blip2-opt-2.7b"))
register_family(FamilySpec(
    "florence2", "vlmcore.models.florence2:Florence2Adapter", "Florence2ForConditionalGeneration", "cases on Florence-2",
    f"{_BUILDERS}:build_florence2", BASE | VISION_HOOK, ("florence2",), "florence-community/Florence-2-base"))
register_family(FamilySpec(
    "qwen2_vl", "vlmcore.models.generic:Qwen2VLAdapter", "Qwen2VLForConditionalGeneration",
    "cases on Qwen2-VL / MedVLM-R1 (generic image-text-to-text adapter)", f"{_BUILDERS}:build_qwen2_vl",
    DECODER_ONLY | {Capability.DYNAMIC_GRID}, ("qwen2_vl",), "JZPeterPan/MedVLM-R1", generic=True))
register_family(FamilySpec(
    "qwen2_5_vl", "vlmcore.models.generic:Qwen25VLAdapter", "Qwen2_5_VLForConditionalGeneration",
    "cases on Qwen2.5-VL / Lingshu (generic image-text-to-text adapter)", f"{_BUILDERS}:build_qwen2_5_vl",
    DECODER_ONLY | {Capability.DYNAMIC_GRID}, ("qwen2_5_vl",), "Qwen/Qwen2.5-VL-7B-Instruct", generic=True))
register_family(FamilySpec(
    "qwen3_vl", "vlmcore.models.generic:Qwen3VLAdapter", "Qwen3VLForConditionalGeneration",
    "cases on Qwen3-VL / MedMO (generic image-text-to-text adapter; DeepStack vision injection)", f"{_BUILDERS}:build_qwen3_vl",
    DECODER_ONLY | {Capability.DYNAMIC_GRID}, ("qwen3_vl",), "MBZUAI/MedMO-4B", generic=True))
register_family(FamilySpec(
    "idefics3", "vlmcore.models.generic:Idefics3Adapter", "Idefics3ForConditionalGeneration",
    "cases on Idefics3 / SmolVLM (generic image-text-to-text adapter)", f"{_BUILDERS}:build_idefics3",
    DECODER_ONLY | {Capability.DYNAMIC_GRID}, ("idefics3",), "HuggingFaceTB/SmolVLM-Instruct", generic=True))
# any other image-text-to-text checkpoint (``--vlm-model hf:PATH``); it has no architecture of its
# own, so its contract tests run the generic adapter over the tiny Qwen2.5-VL build
register_family(FamilySpec(
    "hf", "vlmcore.models.generic:HFImageTextAdapter", "AutoModelForImageTextToText",
    "cases on any other image-text-to-text checkpoint (--vlm-model hf:PATH, generic adapter)", f"{_BUILDERS}:build_qwen2_5_vl",
    DECODER_ONLY | {Capability.DYNAMIC_GRID}, generic=True))
