"""Florence-2 (``Florence2ForConditionalGeneration``): an encoder-decoder.

The image tokens live in the *encoder* input: one global (mean) token followed by the
H x W spatial tokens. The answer is the decoder's first answer step; the map is the
decoder's cross-attention from that step over the spatial image tokens.

The decoder starts where ``generate()`` starts: ``decoder_start_token_id``, then the forced
BOS when one is forced. Real checkpoints decode ``</s><s>answer`` and may carry the forced
BOS only in ``generation_config``, so both are read from there first and from the text
config second; reading the answer after ``</s>`` alone would score the BOS position.

Task prompt: Florence-2's documented prompts are task tokens (``<CAPTION>``, ``<OD>``,
``<OCR>``, ...) and none is a question-answering task; VQA fine-tunes are trained on the
question as plain encoder text, which is what this adapter sends. A fine-tune with its own
task token can prefix it in the dataset's question text.
"""

from __future__ import annotations

from math import isqrt

import torch

from vlmcore.errors import CaptureError
from vlmcore.models.base import Encoded, VLMAdapter, image_positions_from_ids
from vlmcore.models.requests import Request


class Florence2Adapter(VLMAdapter):
    family = "florence2"
    map_method = "cross-attention"

    def _grid_shape(self) -> tuple[int, int]:
        tokens = int(self.processor.num_image_tokens) - 1  # minus the global token
        side = isqrt(tokens)
        if side * side != tokens:
            raise CaptureError(f"florence2: {tokens} spatial image tokens do not form a square grid")
        return (side, side)

    def decoder_prefix(self) -> list[int]:
        text = self.model.config.text_config
        generation = getattr(self.model, "generation_config", None)

        def setting(name: str):
            value = getattr(generation, name, None) if generation is not None else None
            return value if value is not None else getattr(text, name, None)

        prefix = [int(setting("decoder_start_token_id"))]
        forced = setting("forced_bos_token_id")
        if forced is not None:
            prefix.append(int(forced))
        return prefix

    def encode(self, requests: list[Request], continuations: list[tuple[int, ...]] | None = None) -> Encoded:
        if continuations and any(continuations):
            raise CaptureError("florence2: reading after generated tokens is not supported (an encoder-decoder; the family "
                               "does not declare the continuation capability)")
        self.tokenizer.padding_side = "right"
        batch = dict(self.processor(images=self.films(requests), text=[r.question for r in requests],
                                    padding=True, return_tensors="pt"))
        input_ids = batch["input_ids"]
        token_id = int(self.model.config.image_token_id)
        all_image = image_positions_from_ids(input_ids, token_id, int(self.processor.num_image_tokens), self.family)
        prefix = torch.tensor([self.decoder_prefix()] * len(requests))
        batch["decoder_input_ids"] = prefix
        inputs = {k: (v.to(self.device, self.dtype) if v.is_floating_point() else v.to(self.device)) for k, v in batch.items()}
        answer = torch.full((len(requests), 1), prefix.shape[1] - 1, dtype=torch.long)
        return Encoded(inputs=inputs, input_ids=input_ids, image_positions=all_image[:, 1:], answer_index=answer)

    def forward_logits(self, encoded: Encoded) -> torch.Tensor:
        return self.model(**encoded.inputs).logits[:, -1, :]

    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        return [layer.encoder_attn for layer in self.model.model.language_model.decoder.layers]

    def token_query_modules(self) -> list[torch.nn.Module]:
        # the question's words are in the encoder input, next to the image tokens
        return [layer.self_attn for layer in self.model.model.language_model.encoder.layers]

    def vision_features(self):
        return self.model.model.vision_tower, lambda features: features.flatten(2).transpose(1, 2), self.grid_shape

    def generation_inputs(self, encoded: Encoded) -> dict:
        inputs = dict(encoded.inputs)
        inputs.pop("decoder_input_ids")
        return inputs

    def new_tokens(self, output: torch.Tensor, encoded: Encoded) -> torch.Tensor:
        return output[:, len(self.decoder_prefix()):]
