"""Shared-prefix evaluation for decoder-only VLMs whose prompt starts with the image.

Every request of a batch shares the prompt up to (and past) the image tokens; only the image
behind those tokens differs between films. The prefix (the prompt up to the last image token)
runs once per distinct film (the films batched together; a film whose prefix is kept from an
earlier call is not run again, ``vlmcore.models.prefix_store``), and each request's remaining
tokens run against its film's KV cache. No cache row is ever copied: each film's requests are packed one after another in that
film's suffix row (``PackedSuffixes``), so the suffix batch has one row per film like the
prefix batch, and position ids plus block-diagonal attention (``vlmcore.attention.segments``:
each question sees the prefix and itself; no (k·L_q)² mask) keep every request exactly as if
run alone. The
language-model head runs only at the answer positions. Attention rows are captured in the
suffix pass (query positions offset by the prefix length; image keys live in the cached
prefix). Planning is tensor work, not a loop over tokens.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from vlmcore.attention.segments import SegmentLayout, segment_layout
from vlmcore.models.base import Encoded


@dataclass
class PrefixPlan:
    encoded: Encoded  # the ordinary left-padded batch (validated image tokens, pixel values)
    tokens: torch.Tensor  # (B, L) each request's real tokens, left-aligned (anything after its length is filler)
    lengths: torch.Tensor  # (B,) real tokens per request
    prefix_length: int
    image_positions: torch.Tensor  # (N,) positions of the image tokens inside the prefix
    films: list[int]  # per distinct film, the index of its first request (the prefix batch's rows)
    film_of: torch.Tensor  # (B,) the prefix row each request continues
    film_keys: list[str]  # the image key of each prefix row


def plan_shared_prefix(encoded: Encoded, image_token_id: int, image_keys: list[str]) -> PrefixPlan | None:
    """The plan, or None when the requests do not share an image-first prefix."""
    mask = encoded.inputs["attention_mask"].bool().cpu()
    order = torch.argsort((~mask).to(torch.int8), dim=1, stable=True)  # real tokens first, in their order
    tokens = encoded.input_ids.cpu().gather(1, order)
    lengths = mask.sum(dim=1)
    shortest = int(lengths.min())
    agrees = (tokens[:, :shortest] == tokens[:1, :shortest]).all(dim=0)
    common = int(agrees.long().cumprod(dim=0).sum())
    shared = min(common, shortest - 1)  # every row keeps at least its answer position
    image = (tokens[0, :shortest] == image_token_id).nonzero().flatten()
    if len(image) == 0 or shared <= int(image.max()):
        return None
    # the prefix ends with the last image token whatever the questions share after it: the
    # same film gives the same prefix in every call (the group, the flip search, a probe), so
    # its kept KV cache serves them all (``prefix_store``)
    prefix_length = int(image.max()) + 1
    first: dict[str, int] = {}
    for index, key in enumerate(image_keys):
        first.setdefault(key, index)
    films = list(first.values())
    row_of = {key: row for row, key in enumerate(first)}
    film_of = torch.tensor([row_of[key] for key in image_keys], dtype=torch.long)
    return PrefixPlan(encoded, tokens, lengths, prefix_length, image, films, film_of, list(first))


def prefix_inputs(plan: PrefixPlan, per_token_keys: tuple[str, ...]) -> dict:
    """Inputs for the prefix batch: one row per distinct film, its image and per-token extras."""
    inputs = plan.encoded.inputs
    real = inputs["attention_mask"].bool()  # padding may sit anywhere (BLIP-2 pads between image and text)
    prefix = {key: torch.stack([inputs[key][row][real[row]][: plan.prefix_length] for row in plan.films])
              for key in per_token_keys if key in inputs}
    rows = torch.tensor(plan.films)
    if "image_grid_thw" in inputs:  # Qwen2-VL style: one image per row, every image's patches concatenated along dim 0
        grid = inputs["image_grid_thw"]
        pieces = torch.split(inputs["pixel_values"], grid.prod(-1).tolist())
        prefix["pixel_values"] = torch.cat([pieces[row] for row in plan.films])
        prefix["image_grid_thw"] = grid[rows.to(grid.device)]
    else:
        prefix["pixel_values"] = inputs["pixel_values"][plan.films]
    for key in ("pixel_attention_mask", "image_sizes"):  # per-row image extras (Idefics3 tiles)
        if key in inputs:
            prefix[key] = inputs[key][rows.to(inputs[key].device)]
    if "position_ids" in inputs:
        prefix["position_ids"] = torch.arange(plan.prefix_length, device=inputs["input_ids"].device)[None].expand(len(plan.films), -1)
    return prefix


def reusable(cache):
    """A cache the suffix pass may extend without touching ``cache`` (its layers are shallow
    copies, their tensors shared): a kept prefix serves many batches."""
    copied = copy.copy(cache)
    copied.layers = [copy.copy(layer) for layer in cache.layers]
    return copied


@dataclass
class PackedSuffixes:
    """Every request's question tokens packed after its film's prefix row.

    Row f of the suffix batch continues prefix row f and holds the suffixes of all of film f's
    requests one after another; each token sees the prefix and the earlier tokens of its own
    request only, and position ids restart at the prefix length for each request, so every
    request is computed exactly as if run alone. No cache row is copied.

    Segmented (the default): the forward runs under ``layout`` (``segments.segmented``), whose
    attention is block-diagonal per request, and the model gets only the (1, 1, L, P + L)
    block mask. Dense (``segmented=False``, kept as the benchmark's baseline and for attention
    implementations other than capture): one 4-D (films, 1, W, P + W) mask over the packed row.
    """

    inputs: dict
    answer: torch.Tensor  # (films, K) each slot's answer position in the packed suffix (padded slots repeat one)
    slot_of: torch.Tensor  # (B,) each request's slot within its film's row
    layout: SegmentLayout | None = None  # the segmented forward's layout (None: the dense mask is in ``inputs``)


def packed_suffixes(plan: PrefixPlan, pad_id: int, cache, device, dtype_mask: bool = True, with_token_types: bool = False,
                    segmented: bool = True) -> PackedSuffixes:
    films, prefix = len(plan.films), plan.prefix_length
    suffix_lengths = (plan.lengths - prefix).tolist()
    rows: list[list[int]] = [[] for _ in range(films)]
    positions: list[list[int]] = [[] for _ in range(films)]
    owner: list[list[int]] = [[] for _ in range(films)]
    answers: list[list[int]] = [[] for _ in range(films)]
    slot_of = []
    for request, film in enumerate(plan.film_of.tolist()):
        length = suffix_lengths[request]
        start = len(rows[film])
        rows[film] += plan.tokens[request, prefix: prefix + length].tolist()
        positions[film] += range(prefix, prefix + length)
        owner[film] += [request] * length
        slot_of.append(len(answers[film]))
        answers[film].append(start + length - 1)
    width = max(len(row) for row in rows)
    slots = max(len(a) for a in answers)
    ids = torch.tensor([row + [pad_id] * (width - len(row)) for row in rows], dtype=torch.long)
    position_ids = torch.tensor([p + [prefix] * (width - len(p)) for p in positions], dtype=torch.long)
    who = torch.tensor([o + [-1] * (width - len(o)) for o in owner], dtype=torch.long)
    answer = torch.tensor([a + [a[-1]] * (slots - len(a)) for a in answers], dtype=torch.long)
    layout = None
    if segmented:
        layout = segment_layout(who, prefix).to(device)
        mask = layout.mask
    else:
        causal = torch.arange(width)[:, None] >= torch.arange(width)[None, :]
        own = (who[:, :, None] == who[:, None, :]) & (who[:, :, None] >= 0) & causal[None]
        own |= torch.eye(width, dtype=torch.bool)[None] & (who[:, :, None] < 0)  # padding sees itself (no empty softmax row)
        mask = torch.cat([torch.ones((films, width, prefix), dtype=torch.bool), own], dim=-1)[:, None].to(device)
    inputs = {"input_ids": ids.to(device), "cache": reusable(cache), "attention_mask": mask,
              "position_ids": position_ids.to(device)}
    if with_token_types:
        inputs["token_type_ids"] = torch.zeros_like(ids).to(device)
    return PackedSuffixes(inputs, answer, torch.tensor(slot_of, dtype=torch.long), layout)
