"""Workloads for the performance comparison.

``tiny`` is CI-sized; ``medium`` has 256 image tokens on a 16x16 grid so CPU timings mean
something; ``medgemma-4b``, ``llava-7b`` and ``qwen2_5_vl-7b`` are real-size configurations
with random weights (no download) for a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.errors import ConfigError
from vlmcore.models.tiny.builders import TinySize


@dataclass(frozen=True)
class Profile:
    name: str
    family: str
    size: TinySize | None  # None: a real-size configuration
    groups: int
    variants_per_group: int
    new_tokens: int  # the seed pipeline's free-text answer length
    device: str = "cpu"


PROFILES = {
    "tiny": Profile("tiny", "llava", TinySize(), groups=2, variants_per_group=6, new_tokens=8),
    "medium": Profile("medium", "llava", TinySize(image=224, patch=14, hidden=256, layers=4, heads=8, kv_heads=8,
                                                  vision_hidden=128, vision_layers=2), groups=8, variants_per_group=6, new_tokens=64),
    "medium-qwen2_5_vl": Profile("medium-qwen2_5_vl", "qwen2_5_vl", TinySize(image=224, patch=14, hidden=256, layers=4, heads=8, kv_heads=8,
                                                                   vision_hidden=128, vision_layers=2),
                                 groups=8, variants_per_group=6, new_tokens=64),
    "medgemma-4b": Profile("medgemma-4b", "medgemma", None, groups=10, variants_per_group=6, new_tokens=64, device="cuda"),
    "llava-7b": Profile("llava-7b", "llava", None, groups=10, variants_per_group=6, new_tokens=64, device="cuda"),
    "qwen2_5_vl-7b": Profile("qwen2_5_vl-7b", "qwen2_5_vl", None, groups=10, variants_per_group=6, new_tokens=64, device="cuda"),
}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise ConfigError(f"unknown profile {name!r}; known: {sorted(PROFILES)}")
    return PROFILES[name]


def build_adapter(profile: Profile, attention: str = "sdpa"):
    """The profile's model (seeded random weights) in its adapter, on its device."""
    import torch

    from vlmcore.models import ADAPTERS
    from vlmcore.models.tiny import build_tiny

    if profile.size is not None:
        model, processor = build_tiny(profile.family, profile.size, 0)
    else:
        model, processor = _real_size(profile)
    if profile.device == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(f"profile {profile.name} needs CUDA")
        model = model.to("cuda", torch.bfloat16)
    adapter = ADAPTERS.get(profile.family)(model, processor, name=profile.name, fingerprint=f"perf-{profile.name}")
    if attention == "eager":
        adapter.model.set_attn_implementation("eager")
    return adapter


def _real_size(profile: Profile):
    import torch

    from vlmcore.models import real_configs
    from vlmcore.models.tiny import build_tiny

    _, processor = build_tiny(profile.family, TinySize(), 0)  # code-built tokenizer with the real special tokens
    if profile.family == "medgemma":
        from transformers import Gemma3ForConditionalGeneration
        from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

        config = real_configs.medgemma_4b_config()
        config.image_token_id = processor.tokenizer.convert_tokens_to_ids("<image_soft_token>")
        config.boi_token_id = processor.tokenizer.convert_tokens_to_ids("<start_of_image>")
        config.eoi_token_id = processor.tokenizer.convert_tokens_to_ids("<end_of_image>")
        processor.image_processor = Gemma3ImageProcessorPil(size={"height": 896, "width": 896})
        processor.image_seq_length = 256
        processor.full_image_sequence = processor.full_image_sequence.replace(
            processor.tokenizer.image_token * 16, processor.tokenizer.image_token * 256)
        model_class = Gemma3ForConditionalGeneration
    elif profile.family == "qwen2_5_vl":
        from transformers import Qwen2_5_VLForConditionalGeneration
        from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

        config = real_configs.qwen2_5_vl_7b_config()
        ids = processor.tokenizer.convert_tokens_to_ids
        config.image_token_id, config.video_token_id = ids("<|image_pad|>"), ids("<|video_pad|>")
        config.vision_start_token_id, config.vision_end_token_id = ids("<|vision_start|>"), ids("<|vision_end|>")
        # the released checkpoint's settings: 1024 px films -> 74x74 patches -> 37x37 tokens
        processor.image_processor = Qwen2VLImageProcessorPil(patch_size=14, temporal_patch_size=2, merge_size=2, min_pixels=3136,
                                                             max_pixels=12845056)
        model_class = Qwen2_5_VLForConditionalGeneration
    else:
        from transformers import LlavaForConditionalGeneration
        from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

        config = real_configs.llava_7b_config()
        config.image_token_id = processor.tokenizer.convert_tokens_to_ids("<image>")
        processor.image_processor = CLIPImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336})
        processor.patch_size = 14
        model_class = LlavaForConditionalGeneration
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = model_class(config).to(torch.bfloat16).eval()
    return model, processor
