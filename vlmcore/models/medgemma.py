"""MedGemma (``Gemma3ForConditionalGeneration``).

Facts that bite, enforced here: bf16 on GPU / fp32 on CPU, never fp16 (Gemma3 overflows);
the chat template is applied once, to text, and the processor is called on that text;
``token_type_ids`` are kept on every forward (they make image tokens attend to each other
bidirectionally); image positions are the model config's ``image_token_id`` — the
``<image_soft_token>`` that the processor expands 256 times — not the ``<start_of_image>``
placeholder (which transformers 5 calls ``processor.image_token_id``).
"""

from __future__ import annotations

from math import isqrt

import torch

from vlmcore.errors import CaptureError, ConfigError
from vlmcore.models.chat_prompt import ChatTemplatePrompt
from vlmcore.models.decoder_only import DecoderOnlyAdapter


class MedGemmaAdapter(ChatTemplatePrompt, DecoderOnlyAdapter):
    family = "medgemma"

    def __init__(self, model, processor, **kwargs):
        if next(model.parameters()).dtype == torch.float16:
            raise ConfigError("MedGemma (Gemma3) must not run in float16: activations overflow. Use bfloat16 on GPU, float32 on CPU.")
        super().__init__(model, processor, **kwargs)
        soft = self.tokenizer.convert_tokens_to_ids(getattr(self.tokenizer, "image_token", None) or "<image_soft_token>")
        if soft != self.image_token_id:
            raise CaptureError(
                f"medgemma: the tokenizer's image token id {soft} differs from the model's image_token_id {self.image_token_id}"
            )

    def _grid_shape(self) -> tuple[int, int]:
        return self.grid_from_config(self.model.config)

    @staticmethod
    def grid_from_config(config) -> tuple[int, int]:
        """Image tokens are SigLIP patches average-pooled to ``mm_tokens_per_image`` (16x16 = 256 at 896 px)."""
        tokens = int(config.mm_tokens_per_image)
        side = isqrt(tokens)
        if side * side != tokens:
            raise CaptureError(f"medgemma: {tokens} image tokens do not form a square grid")
        patches = int(config.vision_config.image_size) // int(config.vision_config.patch_size)
        if patches % side:
            raise CaptureError(f"medgemma: {patches}x{patches} patches do not pool evenly onto {side}x{side} tokens")
        return (side, side)

    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        return [layer.self_attn for layer in self.model.model.language_model.layers]

    def vision_features(self):
        vision = self.model.config.vision_config
        side = int(vision.image_size) // int(vision.patch_size)
        # the encoder's output, before post-layernorm (which equalises every token's norm)
        return self.model.model.vision_tower.encoder, lambda features: features, (side, side)
