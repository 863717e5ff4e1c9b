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
