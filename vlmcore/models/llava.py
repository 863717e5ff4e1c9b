"""LLaVA-1.5 and LLaVA-Rad (``LlavaForConditionalGeneration``).

Prompt ``USER: <image>\\n{question} ASSISTANT:``. The processor expands ``<image>`` into one
token per vision patch (336 px / 14 = 24x24 = 576 for LLaVA-1.5, 518 px -> 37x37 = 1369 for
LLaVA-Rad), so every position — query and image keys — is counted in the *expanded* sequence.
"""

from __future__ import annotations

import torch

from vlmcore.errors import CaptureError
from vlmcore.models.decoder_only import DecoderOnlyAdapter


class LlavaAdapter(DecoderOnlyAdapter):
    family = "llava"

    def _grid_shape(self) -> tuple[int, int]:
        return self.grid_from_config(self.model.config)

    @staticmethod
    def grid_from_config(config) -> tuple[int, int]:
        """One token per patch: 336/14 -> 24x24 (LLaVA-1.5), 518/14 -> 37x37 (LLaVA-Rad)."""
        vision = config.vision_config
        side, rest = divmod(int(vision.image_size), int(vision.patch_size))
        if rest:
            raise CaptureError(f"llava: image size {vision.image_size} is not a multiple of patch {vision.patch_size}")
        if config.vision_feature_select_strategy != "default":
            raise CaptureError("llava: only the 'default' feature strategy (CLS dropped) maps onto a square grid")
        return (side, side)

    def view_region(self, image_shape: tuple[int, ...]) -> tuple[float, float, float, float]:
        """The CLIP processor resizes the short side and centre-crops: on a non-square film the
        grid covers only the central square (a 3056x2544 MIMIC film loses 256 px top and bottom)."""
        from vlmcore.models.view import centre_crop_region

        return centre_crop_region(image_shape, self.processor.image_processor)

    def prompt(self, question: str) -> str:
        return f"USER: <image>\n{question} ASSISTANT:"

    def processor_call(self, images: list, prompts: list[str]) -> dict:
        return self.processor(images=images, text=prompts, padding=True, return_tensors="pt")

    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        return [layer.self_attn for layer in self.model.model.language_model.layers]

    def vision_features(self):
        layer = self.model.model.vision_tower.encoder.layers[self.model.config.vision_feature_layer]
        return layer, lambda features: features[:, 1:], self.grid_shape
