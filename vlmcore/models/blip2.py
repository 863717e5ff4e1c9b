"""BLIP-2 (``Blip2ForConditionalGeneration``, OPT language model).

The language model never sees patches: it sees 32 Q-Former query tokens. A map over the
image is the LLM's attention over those queries composed with each query's Q-Former
cross-attention over the ViT patches (heads and cross-attention layers averaged; the
class token's share is dropped and reported). Both are captured in the same forward.
"""

from __future__ import annotations

import torch

from vlmcore.attention.capture import AttentionRecorder
from vlmcore.errors import CaptureError
from vlmcore.models.base import Encoded
from vlmcore.models.decoder_only import DecoderOnlyAdapter


class Blip2Adapter(DecoderOnlyAdapter):
    family = "blip2"
    capture_configs = ("text_config", "qformer_config")
    passes_position_ids = False
    map_method = "qformer-composed"

    def _grid_shape(self) -> tuple[int, int]:
        vision = self.model.config.vision_config
        side, rest = divmod(int(vision.image_size), int(vision.patch_size))
        if rest:
            raise CaptureError(f"blip2: image size {vision.image_size} is not a multiple of patch {vision.patch_size}")
        return (side, side)

    @property
    def tokens_per_image(self) -> int:
        return int(self.model.config.num_query_tokens)

    def prompt(self, question: str) -> str:
        return f"Question: {question} Answer:"

    def processor_call(self, images: list, prompts: list[str]) -> dict:
        return self.processor(images=images, text=prompts, padding=True, return_tensors="pt")

    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        return [layer.self_attn for layer in self.model.language_model.model.decoder.layers]

    def vision_features(self):
        return self.model.vision_model.encoder, lambda features: features[:, 1:], self.grid_shape

    def suffix_logits(self, inputs: dict, answer: torch.Tensor) -> torch.Tensor:
        # the question tokens never see the image directly: only the language model runs
        return self.model.language_model(**inputs, logits_to_keep=answer.to(self.device)).logits

    def cross_attention_modules(self) -> list[torch.nn.Module]:
        layers = self.model.qformer.encoder.layer
        modules = [layer.crossattention.attention for layer in layers if getattr(layer, "has_cross_attention", False)]
        if not modules:
            raise CaptureError("blip2: the Q-Former has no cross-attention layers to compose a map with")
        return modules

    def extra_recorders(self, encoded: Encoded) -> list[AttentionRecorder]:
        queries = self.tokens_per_image
        batch = encoded.input_ids.shape[0]
        index = torch.arange(queries).expand(batch, queries)
        modules = self.cross_attention_modules()
        return [AttentionRecorder({module: i for i, module in enumerate(modules)}, index, None)]

    @staticmethod
    def _per_query(recorders: list) -> torch.Tensor:
        cross = recorders[1].rows  # layer -> (B, H, 32, 1 + patches)
        return torch.stack([rows.mean(dim=1) for rows in cross.values()]).mean(dim=0)  # (B, 32, 1+P)

    def compose(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> torch.Tensor:
        patches = self._per_query(recorders)[..., 1:]  # drop the ViT class token (its share is in map_notes)
        return torch.einsum("bq,bqp->bp", grid_mass.to(patches.dtype), patches)

    def map_notes(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> list[dict]:
        """The class token's share of the composed mass: what the map leaves out, reported per map."""
        per_query = self._per_query(recorders)
        composed = torch.einsum("bq,bqp->bp", grid_mass.to(per_query.dtype), per_query)  # (B, 1+P)
        share = composed[:, 0] / composed.sum(dim=-1).clamp_min(1e-12)
        return [{"cls_share": round(float(value), 6)} for value in share]
