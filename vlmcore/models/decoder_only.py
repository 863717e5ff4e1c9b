"""Shared encoding for decoder-only VLMs (MedGemma, LLaVA, BLIP-2's OPT).

Left padding, so the answer position is the last one for every row; explicit position ids
from the attention mask, so a padded row sees the same positions as when run alone (batch
size and padding do not change p(yes)).
"""

from __future__ import annotations

from abc import abstractmethod

import torch

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.capture import AttentionRecorder, recording
from vlmcore.attention.fusion import check_fusion, select_layers
from vlmcore.models.base import Encoded, VLMAdapter, image_positions_from_ids
from vlmcore.models.requests import Request, YesNoScore
from vlmcore.models.shared_prefix import PrefixPlan, plan_shared_prefix, prefix_inputs, suffix_inputs


class DecoderOnlyAdapter(VLMAdapter):
    #: whether the model's forward takes ``position_ids`` (OPT derives them itself)
    passes_position_ids = True
    #: run the image-first prefix once per group and only the questions per variant
    prefix_sharing = True

    @property
    def image_token_id(self) -> int:
        return int(self.model.config.image_token_id)

    @property
    def tokens_per_image(self) -> int:
        rows, cols = self.grid_shape
        return rows * cols

    @abstractmethod
    def processor_call(self, images: list, prompts: list[str]) -> dict:
        """The family's processor call on RGB images and already-formatted prompts."""

    def encode(self, requests: list[Request]) -> Encoded:
        self.tokenizer.padding_side = "left"
        prompts = [self.prompt(request.question) for request in requests]
        batch = dict(self.processor_call(self.films(requests), prompts))
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

    # -- shared-prefix fast path ------------------------------------------------------------
    def evaluate(self, requests: list[Request], *, with_maps: bool = True, layers=None, fusion: str = "mean"
                 ) -> list[tuple[YesNoScore, AttentionMap | None]]:
        check_fusion(fusion)
        plan = None
        if self.prefix_sharing and len(requests) > 1 and len({r.image_key for r in requests}) == 1:
            plan = plan_shared_prefix(self.encode(requests), self.image_token_id)
        if plan is None:
            return super().evaluate(requests, with_maps=with_maps, layers=layers, fusion=fusion)
        results = self._evaluate_with_prefix(plan, with_maps, layers, fusion)
        return list(zip([s for s, _ in results], self.registered([m for _, m in results], requests)))

    def prefix_cache(self, plan: PrefixPlan, recorders: list[AttentionRecorder]):
        """Run the prefix (batch 1, with the image) and return its KV cache."""
        inputs = prefix_inputs(plan, ("input_ids", "attention_mask", "token_type_ids"))
        with recording(recorders):
            output = self.model(**inputs, use_cache=True, logits_to_keep=1)
        cache = getattr(output, "past_key_values", None)
        if cache is None:  # BLIP-2 nests the language model's outputs
            cache = output.language_model_outputs.past_key_values
        return cache

    def suffix_logits(self, inputs: dict) -> torch.Tensor:
        return self.model(**inputs).logits

    def _evaluate_with_prefix(self, plan: PrefixPlan, with_maps: bool, layers, fusion: str):
        batch = len(plan.rows)
        chosen = select_layers(self.num_layers, layers)
        extras = self.extra_recorders(self._one_row(plan)) if with_maps else []
        with torch.no_grad():
            cache = self.prefix_cache(plan, extras)
            inputs, last = suffix_inputs(plan, int(self.tokenizer.pad_token_id), cache, self.device, self.passes_position_ids,
                                         "token_type_ids" in plan.encoded.inputs)
            recorders = []
            if with_maps:
                modules = self.decoder_attention_modules()
                answer = (plan.prefix_length + last)[:, None]
                recorders = [AttentionRecorder({modules[i]: i for i in chosen}, answer, plan.image_positions.expand(batch, -1),
                                               query_offset=plan.prefix_length)]
            with recording(recorders):
                logits = self.suffix_logits(inputs)
        for recorder in recorders + extras:
            recorder.require_all_layers()
        scores = self.score_from_logits(logits[torch.arange(batch), last.to(logits.device)])
        if not with_maps:
            return [(score, None) for score in scores]
        for extra in extras:  # captured once for the shared image: the same rows for every variant
            extra.rows = {layer: rows.expand(batch, *rows.shape[1:]) for layer, rows in extra.rows.items()}
        maps = self._maps(recorders + extras, plan.encoded, chosen, fusion, query="answer")
        return list(zip(scores, maps))

    def _one_row(self, plan: PrefixPlan) -> Encoded:
        return Encoded(inputs={}, input_ids=plan.encoded.input_ids[:1], image_positions=plan.image_positions[None],
                       answer_index=torch.zeros((1, 1), dtype=torch.long))
