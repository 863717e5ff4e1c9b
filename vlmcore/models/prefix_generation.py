"""Greedy generation that starts from each film's kept prefix KV cache.

transformers' ``generate`` runs the whole prompt again, vision tower and image prefix included,
for every generated answer (``--vlm-answer-mode generate``, and ``auto`` where the first-token
mass is low), although the film's prefix was just computed for its scores and maps and is kept
in ``prefix_store``. Here the prefix comes from the store (or is computed once and kept), each
request's row of it is copied once (generation extends every row on its own), the question
tokens run in one forward behind it, and then one token per step: prompt caching applied to
decoding (Gim et al., "Prompt Cache", MLSys 2024).

It is the same greedy search as ``generate(do_sample=False)`` with our stop tokens, pad id and
suppressed placeholder tokens: float32 logits, suppressed ids at -inf, argmax (first maximum
on ties), finished rows continue with the pad id, stop when every row has finished or after
``max_new_tokens``. Positions count real tokens only (the question's padding sits between the
prefix and the question and is masked), as ``generate`` derives them from the attention mask;
Qwen's rotary offset continues from the prefix's image extent. A generation config asking for
anything else (beams, repetition or n-gram penalties, forced or banned tokens, minimum lengths,
stop strings...) is not reproduced here: ``plain_greedy`` says no and transformers generates.
"""

from __future__ import annotations

import torch

from vlmcore.models.prefix_store import select_rows
from vlmcore.models.shared_prefix import PrefixPlan

#: generation-config fields and the values under which transformers' greedy search is a plain argmax
NEUTRAL = {"num_beams": (None, 1), "num_beam_groups": (None, 1), "repetition_penalty": (None, 1.0),
           "encoder_repetition_penalty": (None, 1.0), "no_repeat_ngram_size": (None, 0), "encoder_no_repeat_ngram_size": (None, 0),
           "bad_words_ids": (None,), "min_length": (None, 0), "min_new_tokens": (None, 0), "sequence_bias": (None,),
           "forced_bos_token_id": (None,), "forced_eos_token_id": (None,), "begin_suppress_tokens": (None,),
           "suppress_tokens": (None,), "exponential_decay_length_penalty": (None,), "renormalize_logits": (None, False),
           "guidance_scale": (None, 1.0, 1), "stop_strings": (None,), "max_time": (None,), "penalty_alpha": (None,),
           "diversity_penalty": (None, 0.0), "prompt_lookup_num_tokens": (None,), "watermarking_config": (None,),
           "token_healing": (None, False), "assistant_model": (None,)}


def plain_greedy(generation_config) -> bool:
    """Whether ``generate(do_sample=False)`` under this config is plain argmax decoding."""
    if generation_config is None:
        return True
    return all(getattr(generation_config, name, None) in neutral for name, neutral in NEUTRAL.items())


def greedy_from_prefix(plan: PrefixPlan, cache, offsets: torch.Tensor | None, forward, device, max_new_tokens: int,
                       stops: list[int], pad: int, suppress: list[int]) -> list[list[int]]:
    """Each request's greedy new tokens, continuing its film's prefix row of ``cache``.

    ``forward(inputs, keep)`` returns (B, 1, V) logits at index ``keep`` (a 1-element tensor)
    of ``inputs``' tokens; ``offsets`` (films,) is added to every position (None: none)."""
    prefix, requests = plan.prefix_length, len(plan.film_of)
    lengths = plan.lengths - prefix  # question tokens per request (at least the answer position's)
    width = int(lengths.max())
    index = torch.arange(width)[None, :]
    starts = (width - lengths)[:, None]
    real = index >= starts  # left padding, between the prefix and the question
    source = (index - starts).clamp_min(0) + prefix
    ids = torch.where(real, plan.tokens.gather(1, source), torch.full_like(source, pad))
    positions = torch.where(real, source, torch.full_like(source, prefix))
    shift = torch.zeros(requests, dtype=torch.long) if offsets is None else offsets.cpu().long()[plan.film_of]
    mask = torch.cat([torch.ones((requests, prefix), dtype=torch.long), real.long()], dim=1)
    inputs = {"input_ids": ids.to(device), "cache": select_rows(cache, plan.film_of), "attention_mask": mask.to(device),
              "position_ids": (positions + shift[:, None]).to(device)}
    keep = torch.tensor([width - 1])
    next_position = (prefix + lengths + shift)[:, None]
    stop_ids = torch.tensor(stops, dtype=torch.long, device=device)
    finished = torch.zeros(requests, dtype=torch.bool, device=device)
    produced = []
    for step in range(max_new_tokens):
        scores = forward(inputs, keep)[:, -1, :].float()
        if suppress:
            scores[:, suppress] = float("-inf")
        chosen = torch.where(finished, torch.full_like(finished, pad, dtype=torch.long), scores.argmax(dim=-1))
        produced.append(chosen)
        finished |= torch.isin(chosen, stop_ids)
        if bool(finished.all()) or step + 1 == max_new_tokens:
            break
        mask = torch.cat([mask, torch.ones((requests, 1), dtype=torch.long)], dim=1)
        inputs = {"input_ids": chosen[:, None], "cache": inputs["cache"], "attention_mask": mask.to(device),
                  "position_ids": (next_position + step).to(device)}
        keep = torch.tensor([0])
    return torch.stack(produced, dim=1).tolist()
