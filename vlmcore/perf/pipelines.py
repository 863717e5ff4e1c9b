"""The two pipelines being compared, each producing an answer and a map per variant.

Seed style, as the seed study's code did it: for every variant separately, greedy
``generate`` of up to 64 new tokens on the eager-attention model, then a second, full eager
forward with ``output_attentions=True`` for the map. The generation is forced to its full
length (``min_new_tokens``) so random weights cannot stop early; the seed study's ~6 s per
sample on an A100 implies answers of about that length. The answer compared is read from the
first generated step's yes/no logits (the engine's definition), the map from the eager
attention rows of the answer position.

Engine: every variant of one image in one forward with the shared-prefix KV cache, SDPA,
and attention rows captured for the answer position only.
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
        image = render_phantom(PhantomSpec(seed=seed + index, size=256, findings=findings[index % 5])).image
        base = bases[index % len(bases)]
        variants = [base] + [p.text for produced in paraphrases(base).values() for p in produced[:1]]
        groups.append([Request.of(image, q) for q in variants[: profile.variants_per_group]])
    return groups


def run_seed_style(adapter, groups, new_tokens: int) -> list[dict]:
    results = []
    layers = select_layers(adapter.num_layers, None)
    for group in groups:
        for request in group:
            encoded = adapter.encode([request])
            with torch.no_grad():
                output = adapter.model.generate(**adapter.generation_inputs(encoded), max_new_tokens=new_tokens,
                                                min_new_tokens=new_tokens, do_sample=False, output_logits=True,
                                                return_dict_in_generate=True)
                attentions = adapter.model(**encoded.inputs, output_attentions=True, use_cache=False).attentions
            score = adapter.score_from_logits(output.logits[0])[0]
            rows = torch.stack([attentions[i][0, :, -1, :] for i in layers]).float()  # (layers, heads, L)
            image = rows[..., encoded.image_positions[0]].mean(dim=1).mean(dim=0)
            results.append({"p_yes": score.p_yes, "answer": score.answer, "map": image.cpu().numpy().tolist()})
    return results


def run_engine(adapter, groups, with_maps: bool = True) -> list[dict]:
    results = []
    for group in groups:
        for score, attention in adapter.evaluate(group, with_maps=with_maps):
            entry = {"p_yes": score.p_yes, "answer": score.answer}
            if attention is not None:
                entry["map"] = np.asarray(attention.values).ravel().tolist()
            results.append(entry)
    return results
