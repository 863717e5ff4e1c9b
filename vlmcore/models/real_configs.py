"""Real-size configurations (random weights, no download) for meta-device checks and the
GPU performance profiles. Dimensions follow the published model cards."""

from __future__ import annotations


def medgemma_4b_config():
    """MedGemma 4B: Gemma3 text (34 layers, 8 heads, 4 KV heads, head 256) + SigLIP 896 px / 14."""
    from transformers import Gemma3Config

    return Gemma3Config(
        text_config=dict(vocab_size=262208, hidden_size=2560, intermediate_size=10240, num_hidden_layers=34,
                         num_attention_heads=8, num_key_value_heads=4, head_dim=256, max_position_embeddings=131072,
                         sliding_window=1024, rope_scaling={"rope_type": "linear", "factor": 8.0}),
        vision_config=dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16,
                           image_size=896, patch_size=14, vision_use_head=False),
        mm_tokens_per_image=256, image_token_id=262144, boi_token_id=255999, eoi_token_id=256000,
    )


def llava_7b_config(image_size: int = 336):
    """LLaVA-1.5 7B (336 px) or, with ``image_size=518``, a LLaVA-Rad-shaped vision tower."""
    from transformers import LlavaConfig

    return LlavaConfig(
        vision_config=dict(model_type="clip_vision_model", hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                           num_attention_heads=16, image_size=image_size, patch_size=14, projection_dim=768),
        text_config=dict(model_type="llama", vocab_size=32064, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                         num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096),
        image_token_id=32000, vision_feature_layer=-2, vision_feature_select_strategy="default",
    )


def qwen2_5_vl_7b_config():
    """Qwen2.5-VL 7B: Qwen2 text (28 layers, 28 heads, 4 KV heads, head 128, mrope 16/24/24) + a
    32-block windowed ViT (patch 14, 2x2 merge, full attention in blocks 7/15/23/31)."""
    from transformers import Qwen2_5_VLConfig

    return Qwen2_5_VLConfig(
        text_config=dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28, num_attention_heads=28,
                         num_key_value_heads=4, max_position_embeddings=128000, rope_theta=1000000.0,
                         rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]}),
        vision_config=dict(depth=32, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584, patch_size=14,
                           spatial_merge_size=2, temporal_patch_size=2, window_size=112, fullatt_block_indexes=[7, 15, 23, 31]),
        image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
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
