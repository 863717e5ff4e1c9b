"""Shared encoding for decoder-only VLMs (MedGemma, LLaVA, BLIP-2's OPT).

Left padding, so the answer position is the last one for every row; explicit position ids
from the attention mask, so a padded row sees the same positions as when run alone (batch
size and padding do not change p(yes)).
"""

from __future__ import annotations

from abc import abstractmethod

import torch

from vlmcore.models.base import Encoded, VLMAdapter, image_positions_from_ids
from vlmcore.models.requests import Request


class DecoderOnlyAdapter(VLMAdapter):
    #: whether the model's forward takes ``position_ids`` (OPT derives them itself)
    passes_position_ids = True

    @property
    def image_token_id(self) -> int:
        return int(self.model.config.image_token_id)

    @property
    def tokens_per_image(self) -> int:
        rows, cols = self.grid_shape
        return rows * cols

    @abstractmethod
    def processor_call(self, requests: list[Request], prompts: list[str]) -> dict:
        """The family's processor call on images and already-formatted prompts."""

    def encode(self, requests: list[Request]) -> Encoded:
        self.tokenizer.padding_side = "left"
        prompts = [self.prompt(request.question) for request in requests]
        batch = dict(self.processor_call(requests, prompts))
        input_ids = batch["input_ids"]
        positions = image_positions_from_ids(input_ids, self.image_token_id, self.tokens_per_image, self.family)
        if self.passes_position_ids:
            batch["position_ids"] = (batch["attention_mask"].long().cumsum(-1) - 1).clamp_min(0)
        inputs = {key: self._to_device(key, value) for key, value in batch.items()}
        answer = torch.full((len(requests), 1), input_ids.shape[1] - 1, dtype=torch.long)
        return Encoded(inputs=inputs, input_ids=input_ids, image_positions=positions, answer_index=answer)

    def _to_device(self, key: str, value):
        if not isinstance(value, torch.Tensor):
            return value
        if value.is_floating_point():
            return value.to(self.device, self.dtype)
        return value.to(self.device)
