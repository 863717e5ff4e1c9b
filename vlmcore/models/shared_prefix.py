"""Shared-prefix evaluation for decoder-only VLMs whose prompt starts with the image.

All variants of one image share the prompt up to (and past) the image tokens. That prefix
runs once, batch 1, with the image; its KV cache is copied across the batch
(copy-on-batch) and only each question's remaining tokens run. The suffixes are *right*
padded, so no padding sits between prefix and question and every row keeps the positions
it has when run alone; each row's answer position is gathered separately. Attention rows
are captured in the suffix pass (query positions offset by the prefix length; image keys
live in the cached prefix).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from vlmcore.models.base import Encoded


@dataclass
class PrefixPlan:
    encoded: Encoded  # the ordinary left-padded batch (validated image tokens, pixel values)
    rows: list[torch.Tensor]  # each request's unpadded ids
    prefix_length: int
    image_positions: torch.Tensor  # (N,) positions of the image tokens inside the prefix


def plan_shared_prefix(encoded: Encoded, image_token_id: int) -> PrefixPlan | None:
    """The plan, or None when the requests do not share an image-first prefix."""
    mask = encoded.inputs["attention_mask"].bool().cpu()
    rows = [ids[row_mask] for ids, row_mask in zip(encoded.input_ids, mask)]
    shortest = min(len(r) for r in rows)
    common = 0
    while common < shortest and all(int(r[common]) == int(rows[0][common]) for r in rows):
        common += 1
    prefix_length = min(common, shortest - 1)  # every row keeps at least its answer position
    image = (rows[0] == image_token_id).nonzero().flatten()
    if len(image) == 0 or prefix_length <= int(image.max()):
        return None
    return PrefixPlan(encoded, rows, prefix_length, image)


def prefix_inputs(plan: PrefixPlan, per_token_keys: tuple[str, ...]) -> dict:
    """Batch-1 inputs for the prefix: the first row's tokens, its image, per-token extras."""
    inputs = dict(plan.encoded.inputs)
    real = inputs["attention_mask"][0].bool()  # padding may sit anywhere (BLIP-2 pads between image and text)
    prefix = {key: inputs[key][0][real][: plan.prefix_length][None] for key in per_token_keys if key in inputs}
    prefix["pixel_values"] = inputs["pixel_values"][:1]
    if "position_ids" in inputs:
        prefix["position_ids"] = torch.arange(plan.prefix_length, device=inputs["input_ids"].device)[None]
    return prefix


def suffix_inputs(plan: PrefixPlan, pad_id: int, cache, device, with_positions: bool, with_token_types: bool) -> tuple[dict, torch.Tensor]:
    """Right-padded question tokens for every row, the copied cache, and each row's last index."""
    suffixes = [row[plan.prefix_length:] for row in plan.rows]
    width = max(len(s) for s in suffixes)
    batch = len(suffixes)
    ids = torch.full((batch, width), pad_id, dtype=torch.long)
    mask = torch.zeros((batch, width), dtype=torch.long)
    for index, suffix in enumerate(suffixes):
        ids[index, : len(suffix)] = suffix
        mask[index, : len(suffix)] = 1
    expanded = copy.deepcopy(cache)
    expanded.batch_repeat_interleave(batch)
    inputs = {"input_ids": ids.to(device), "past_key_values": expanded,
              "attention_mask": torch.cat([torch.ones((batch, plan.prefix_length), dtype=torch.long), mask], dim=1).to(device)}
    if with_positions:
        inputs["position_ids"] = (plan.prefix_length + torch.arange(width))[None].expand(batch, width).to(device)
    if with_token_types:
        inputs["token_type_ids"] = torch.zeros_like(ids).to(device)
    last = torch.tensor([len(s) - 1 for s in suffixes])
    return inputs, last
