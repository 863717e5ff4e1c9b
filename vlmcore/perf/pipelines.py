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


def run_engine(adapter, groups, with_maps: bool = True, films_per_forward: int = 8) -> list[dict]:
    """Films batched ``films_per_forward`` at a time (the suite's cross-image batching)."""
    results = []
    for start in range(0, len(groups), films_per_forward):
        requests = [request for group in groups[start:start + films_per_forward] for request in group]
        for score, attention in adapter.evaluate(requests, with_maps=with_maps):
            entry = {"p_yes": score.p_yes, "answer": score.answer}
            if attention is not None:
                entry["map"] = np.asarray(attention.values).ravel().tolist()
            results.append(entry)
    return results
