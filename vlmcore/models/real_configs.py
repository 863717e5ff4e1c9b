"""Real-size configurations (random weights, no download) for meta-device checks, the GPU
performance profiles and the real-width reduced-depth CPU profiles.

Dimensions follow the published model cards and config files of the released checkpoints
(written from them, not downloaded). ``text_layers`` / ``vision_layers`` cut the depth for
CPU runs and keep every width; where a model has layers of different kinds (Gemma 3's sliding
and global attention, Qwen2.5-VL's windowed and full vision blocks, Qwen3-VL's DeepStack
taps), a cut model keeps at least one of each.
"""

from __future__ import annotations


def _cut(indexes: tuple[int, ...], depth: int) -> list[int]:
    """The layer indexes that exist at ``depth``; the last layer when none does."""
    kept = [index for index in indexes if index < depth]
    return kept or [depth - 1]


def medgemma_4b_config(text_layers: int = 34, vision_layers: int = 27):
    """MedGemma 4B (google/medgemma-4b-it, google/medgemma-1.5-4b-it): Gemma 3 4B text (34 layers,
    8 heads, 4 KV heads, head 256, 5 sliding-window layers per global one, 262k vocabulary) +
    SigLIP 896 px / 14 pooled to 256 image tokens."""
    from transformers import Gemma3Config

    pattern = ["sliding_attention"] * 5 + ["full_attention"]
    layer_types = [pattern[i % 6] for i in range(text_layers)]
    if "full_attention" not in layer_types:
        layer_types[-1] = "full_attention"
    return Gemma3Config(
        text_config=dict(vocab_size=262208, hidden_size=2560, intermediate_size=10240, num_hidden_layers=text_layers,
                         num_attention_heads=8, num_key_value_heads=4, head_dim=256, max_position_embeddings=131072,
                         sliding_window=1024, layer_types=layer_types, rope_scaling={"rope_type": "linear", "factor": 8.0}),
        vision_config=dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=vision_layers, num_attention_heads=16,
                           image_size=896, patch_size=14, vision_use_head=False),
        mm_tokens_per_image=256, image_token_id=262144, boi_token_id=255999, eoi_token_id=256000,
    )


def llava_7b_config(image_size: int = 336, text_layers: int = 32, vision_layers: int = 24):
    """LLaVA-1.5 7B (336 px) or, with ``image_size=518``, a LLaVA-Rad-shaped vision tower."""
    from transformers import LlavaConfig

    return LlavaConfig(
        vision_config=dict(model_type="clip_vision_model", hidden_size=1024, intermediate_size=4096, num_hidden_layers=vision_layers,
                           num_attention_heads=16, image_size=image_size, patch_size=14, projection_dim=768),
        text_config=dict(model_type="llama", vocab_size=32064, hidden_size=4096, intermediate_size=11008, num_hidden_layers=text_layers,
                         num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096),
        image_token_id=32000, vision_feature_layer=-2, vision_feature_select_strategy="default",
    )


def qwen2_vl_2b_config(text_layers: int = 28, vision_layers: int = 32):
    """Qwen2-VL 2B (Qwen/Qwen2-VL-2B-Instruct; MedVLM-R1, JZPeterPan/MedVLM-R1, is fine-tuned from
    it): Qwen2 text (28 layers, 12 heads, 2 KV heads, head 128, mrope 16/24/24, tied embeddings) +
    a 32-block ViT with full attention (width 1280, patch 14, 2x2 merge)."""
    from transformers import Qwen2VLConfig

    return Qwen2VLConfig(
        text_config=dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=text_layers,
                         num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1000000.0,
                         rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]}),
        vision_config=dict(depth=vision_layers, embed_dim=1280, hidden_size=1536, mlp_ratio=4, num_heads=16, patch_size=14,
                           spatial_merge_size=2, temporal_patch_size=2),
        image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
        tie_word_embeddings=True,
    )


def qwen2_5_vl_7b_config(text_layers: int = 28, vision_layers: int = 32):
    """Qwen2.5-VL 7B (Qwen/Qwen2.5-VL-7B-Instruct; Lingshu-7B, lingshu-medical-mllm/Lingshu-7B, has
    its dimensions): Qwen2 text (28 layers, 28 heads, 4 KV heads, head 128, mrope 16/24/24) + a
    32-block windowed ViT (patch 14, 2x2 merge, full attention in blocks 7/15/23/31)."""
    from transformers import Qwen2_5_VLConfig

    return Qwen2_5_VLConfig(
        text_config=dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=text_layers,
                         num_attention_heads=28, num_key_value_heads=4, max_position_embeddings=128000, rope_theta=1000000.0,
                         rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]}),
        vision_config=dict(depth=vision_layers, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584,
                           patch_size=14, spatial_merge_size=2, temporal_patch_size=2, window_size=112,
                           fullatt_block_indexes=_cut((7, 15, 23, 31), vision_layers)),
        image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
    )


#: Qwen3-VL dimensions by size: text (hidden, MLP, tied head), vision (depth, width, MLP, DeepStack taps)
_QWEN3_VL = {
    "4b": dict(hidden=2560, intermediate=9728, tied=True, vision_depth=24, vision_hidden=1024, vision_intermediate=4096,
               deepstack=(5, 11, 17)),
    "8b": dict(hidden=4096, intermediate=12288, tied=False, vision_depth=27, vision_hidden=1152, vision_intermediate=4304,
               deepstack=(8, 16, 24)),
}


def qwen3_vl_config(size: str = "8b", text_layers: int = 36, vision_layers: int | None = None):
    """Qwen3-VL 4B / 8B (Qwen/Qwen3-VL-4B-Instruct, -8B-Instruct; MedMO, MBZUAI/MedMO-4B and
    MBZUAI/MedMO-8B(-Next), is built on this architecture): Qwen3 text (36 layers, 32 heads,
    8 KV heads, head 128, interleaved mrope 24/20/20) + a ViT (patch 16, 2x2 merge, learned
    position grid of 48 x 48 resampled per film) whose blocks at the DeepStack taps also feed the
    first three decoder layers."""
    from transformers import Qwen3VLConfig

    dims = _QWEN3_VL[size]
    depth = vision_layers or dims["vision_depth"]
    return Qwen3VLConfig(
        text_config=dict(vocab_size=151936, hidden_size=dims["hidden"], intermediate_size=dims["intermediate"],
                         num_hidden_layers=text_layers, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
                         max_position_embeddings=262144, rope_parameters={"rope_type": "default", "rope_theta": 5000000.0,
                                                                          "mrope_section": [24, 20, 20], "mrope_interleaved": True}),
        vision_config=dict(depth=depth, hidden_size=dims["vision_hidden"], intermediate_size=dims["vision_intermediate"], num_heads=16,
                           out_hidden_size=dims["hidden"], patch_size=16, spatial_merge_size=2, temporal_patch_size=2,
                           num_position_embeddings=2304, deepstack_visual_indexes=_cut(dims["deepstack"], depth)),
        image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
        tie_word_embeddings=dims["tied"],
    )


def smolvlm_instruct_config():
    """SmolVLM-Instruct (Idefics3): SmolLM2-1.7B text (24 layers, 32 heads) + SigLIP 384 px / 14,
    pixel shuffle 3 -> 81 tokens per 384 px tile."""
    from transformers import Idefics3Config

    return Idefics3Config(
        text_config=dict(model_type="llama", vocab_size=49155, hidden_size=2048, intermediate_size=8192, num_hidden_layers=24,
                         num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=16384, rope_theta=273768.0),
        vision_config=dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16, image_size=384,
                           patch_size=14),
        image_token_id=49153, scale_factor=3,
    )
