"""The pipelines being compared, each producing an answer (and, where it can, a map) per variant.

Seed style, as the seed study's code did it: for every variant separately, greedy
``generate`` of up to 64 new tokens on the eager-attention model, then a second, full eager
forward with ``output_attentions=True`` for the map. The generation is forced to its full
length (``min_new_tokens``) so random weights cannot stop early; the seed study's ~6 s per
sample on an A100 implies answers of about that length. The answer compared is read from the
first generated step's yes/no logits (the engine's definition), the map from the eager
attention rows of the answer position.

Honest peers, what a careful user would write without vlmcore, each producing the same
p(yes) (and maps where they can):

- ``padded-eager``: one left-padded eager forward per group with ``output_attentions``; the
  answer from the last position's logits, the map from the same forward's attention rows.
- ``sdpa-per-variant``: one SDPA forward per variant with ``logits_to_keep=1``: answers only.
- ``generate-batched``: ``generate`` per group (batched, at most 4 new tokens, stopping at
  EOS) with ``output_attentions``; the answer from the first step's logits, the map from the
  prefill step's attention rows.

- ``hf-prefix-cache``: Hugging Face's own prefix KV cache reused per film (the "re-use a
  prompt cache" recipe of the transformers docs): per group, one forward over the prompt up to
  the film's last image token with ``use_cache=True``, then that cache repeated across the
  group's questions and one eager forward over the right-padded question tokens with
  ``output_attentions``; the answer from each row's last real token, the map from the same
  forward's attention rows at the image keys.

Engine: every variant of every film in few forwards: the shared-prefix KV cache (films
batched), SDPA, and attention rows captured for the answer position only.
"""

from __future__ import annotations

import numpy as np
import torch

from vlmcore.attention.fusion import select_layers
from vlmcore.models.requests import Request


def workload(profile, seed: int = 0) -> list[list[Request]]:
    """Phantom films with paraphrase groups of the profile's size (deterministic)."""
    from vlmcore.paraphrase import paraphrases
    from vlmcore.phantoms import PhantomSpec, render_phantom

    bases = ["is there pleural effusion?", "is there pneumothorax?", "is there cardiomegaly?", "is there consolidation?",
             "is there a nodule?"]
    findings = [(("pleural_effusion", "right"),), (("pneumothorax", "left"),), (("cardiomegaly", None),), (), ()]
    groups = []
    for index in range(profile.groups):
        image = render_phantom(PhantomSpec(seed=seed + index, size=profile.film, findings=findings[index % 5])).image
        base = bases[index % len(bases)]
        variants = [base] + [p.text for produced in paraphrases(base).values() for p in produced[:1]]
        groups.append([Request.of(image, q) for q in variants[: profile.variants_per_group]])
    return groups


def run_seed_style(adapter, groups, new_tokens: int) -> list[dict]:
    results = []
    for group in groups:
        for request in group:
            encoded = adapter.encode([request])
            with torch.no_grad():
                output = adapter.model.generate(**adapter.generation_inputs(encoded), max_new_tokens=new_tokens,
                                                min_new_tokens=new_tokens, do_sample=False, output_logits=True,
                                                return_dict_in_generate=True)
                attentions = adapter.model(**encoded.inputs, output_attentions=True, use_cache=False).attentions
            score = adapter.score_from_logits(output.logits[0])[0]
            results.append({"p_yes": score.p_yes, "answer": score.answer, "map": _map_from_rows(adapter, attentions, encoded, 0, -1)})
    return results


def _map_from_rows(adapter, attentions, encoded, row: int, query: int) -> list[float]:
    """The engine's default map from eager attention: mean over heads, then over the last
    quarter of layers, of the query's row at the image positions."""
    layers = select_layers(adapter.num_layers, None)
    rows = torch.stack([attentions[i][row, :, query, :] for i in layers]).float()  # (layers, heads, L)
    return rows[..., encoded.image_positions[row]].mean(dim=1).mean(dim=0).cpu().numpy().tolist()


def run_padded_eager(adapter, groups) -> list[dict]:
    results = []
    for group in groups:
        encoded = adapter.encode(group)
        with torch.no_grad():
            output = adapter.model(**encoded.inputs, output_attentions=True, use_cache=False, logits_to_keep=1)
        scores = adapter.score_from_logits(output.logits[:, -1, :])
        for row, score in enumerate(scores):
            results.append({"p_yes": score.p_yes, "answer": score.answer,
                            "map": _map_from_rows(adapter, output.attentions, encoded, row, -1)})
    return results


def run_sdpa_per_variant(adapter, groups) -> list[dict]:
    results = []
    for group in groups:
        for request in group:
            encoded = adapter.encode([request])
            with torch.no_grad():
                logits = adapter.model(**encoded.inputs, use_cache=False, logits_to_keep=1).logits[:, -1, :]
            score = adapter.score_from_logits(logits)[0]
            results.append({"p_yes": score.p_yes, "answer": score.answer})
    return results


def run_generate_batched(adapter, groups, max_new_tokens: int = 4) -> list[dict]:
    results = []
    for group in groups:
        encoded = adapter.encode(group)
        with torch.no_grad():
            output = adapter.model.generate(**adapter.generation_inputs(encoded), max_new_tokens=max_new_tokens, do_sample=False,
                                            output_logits=True, output_attentions=True, return_dict_in_generate=True)
        scores = adapter.score_from_logits(output.logits[0])
        prefill = output.attentions[0]  # per layer (B, H, L, L): the prompt step, whose last query is the answer position
        for row, score in enumerate(scores):
            results.append({"p_yes": score.p_yes, "answer": score.answer, "map": _map_from_rows(adapter, prefill, encoded, row, -1)})
    return results


def run_hf_prefix_cache(adapter, groups) -> list[dict]:
    results = []
    pad = int(adapter.tokenizer.pad_token_id)
    for group in groups:
        encoded = adapter.encode(group)  # the processor's batch (the same call every pipeline makes)
        inputs = encoded.inputs
        real = inputs["attention_mask"].bool()
        rows = [inputs["input_ids"][row][real[row]] for row in range(len(group))]
        image = (rows[0] == adapter.image_token_id).nonzero().flatten()
        length = int(image.max()) + 1  # the prompt through the film's last image token, the same for every question
        prefix = {"input_ids": rows[0][None, :length], "attention_mask": torch.ones((1, length), dtype=torch.long, device=adapter.device)}
        for key in ("token_type_ids", "mm_token_type_ids"):
            if key in inputs:
                prefix[key] = inputs[key][0][real[0]][None, :length]
        for key in ("pixel_values", "image_grid_thw", "image_sizes", "pixel_attention_mask"):
            if key in inputs:
                prefix[key] = inputs[key][:1]
        if "position_ids" in inputs:
            prefix["position_ids"] = torch.arange(length, device=adapter.device)[None]
        suffixes = [row[length:] for row in rows]
        width = max(len(suffix) for suffix in suffixes)
        ids = torch.full((len(group), width), pad, dtype=torch.long, device=adapter.device)
        mask = torch.zeros((len(group), length + width), dtype=torch.long, device=adapter.device)
        mask[:, :length] = 1
        for row, suffix in enumerate(suffixes):  # right padding: a real token never sees a pad after it
            ids[row, :len(suffix)] = suffix
            mask[row, length:length + len(suffix)] = 1
        suffix_inputs = {"input_ids": ids, "attention_mask": mask}
        if "position_ids" in inputs:
            suffix_inputs["position_ids"] = (length + torch.arange(width, device=adapter.device))[None].expand(len(group), -1)
        if "token_type_ids" in inputs:
            suffix_inputs["token_type_ids"] = torch.zeros_like(ids)
        with torch.no_grad():
            output = adapter.model(**prefix, use_cache=True, logits_to_keep=1)
            cache = output.get("cache")
            cache.batch_repeat_interleave(len(group))  # the film's cache behind every question of its group
            output = adapter.model(**suffix_inputs, cache=cache, output_attentions=True)
        last = torch.tensor([len(suffix) - 1 for suffix in suffixes], device=adapter.device)
        scores = adapter.score_from_logits(output.logits[torch.arange(len(group), device=adapter.device), last])
        layers = select_layers(adapter.num_layers, None)
        for row, score in enumerate(scores):
            attention = torch.stack([output.attentions[i][row, :, int(last[row]), :] for i in layers]).float()  # (layers, heads, keys)
            values = attention[..., image.to(attention.device)].mean(dim=1).mean(dim=0)
            results.append({"p_yes": score.p_yes, "answer": score.answer, "map": values.cpu().numpy().tolist()})
    return results


def run_engine(adapter, groups, with_maps: bool = True, films_per_forward: int = 8) -> list[dict]:
    """Films batched ``films_per_forward`` at a time (the suite's cross-image batching)."""
    results = []
    store = getattr(adapter, "prefix_store", None)
    if store is not None:  # every timed repeat starts cold: no film's prefix is kept from the last one
        store.clear()
    for start in range(0, len(groups), films_per_forward):
        requests = [request for group in groups[start:start + films_per_forward] for request in group]
        for score, attention in adapter.evaluate(requests, with_maps=with_maps):
            entry = {"p_yes": score.p_yes, "answer": score.answer}
            if attention is not None:
                entry["map"] = np.asarray(attention.values).ravel().tolist()
            results.append(entry)
    return results
