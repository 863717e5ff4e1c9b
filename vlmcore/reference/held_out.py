"""Held-out metrics a training run prints: accuracy by finding, consistency and flips by
strategy, image reliance — on test-split patients the model never saw.

The questions per film are those of the bundled test set (one about a finding the film has,
one about a finding it lacks; every strategy's first paraphrase; the negation). The suite
measures the shipped checkpoints again, through ``pytest benchmarks``, on rendered PNGs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import torch

from vlmcore.reference.phantom_set import KINDS, SIDED, Film
from vlmcore.reference.questions import phrasings, truth_set


def film_questions(film: Film, number: int, kinds: tuple[str, ...] = KINDS) -> list[tuple[str, str | None]]:
    """(kind, side) of the base questions asked about a film: a finding it has (with its
    side) and one it lacks (on an alternating side), among ``kinds``; deterministic."""
    findings = [f for f in film.spec.findings if f[0] in kinds]
    questions = []
    if findings:
        questions.append(findings[0])
    present = {kind for kind, _ in findings}
    absent = [k for k in kinds if k not in present]
    kind = absent[number % len(absent)]
    questions.append((kind, ("right", "left")[number % 2] if kind in SIDED else None))
    return questions


@dataclass
class HeldOut:
    accuracy: float
    accuracy_by_finding: dict[str, float]
    consistency: float
    flips_by_strategy: dict[str, int]
    negation_accuracy: float
    image_reliance: float  # share of base answers unchanged with the film blanked (lower = reads the film)
    cases: int

    def flip_share(self, strategies: tuple[str, ...]) -> float:
        """Share of all flips that fall in ``strategies``."""
        total = sum(self.flips_by_strategy.values())
        return sum(self.flips_by_strategy.get(s, 0) for s in strategies) / total if total else 0.0

    def lines(self) -> list[str]:
        findings = ", ".join(f"{k} {v:.3f}" for k, v in self.accuracy_by_finding.items())
        flips = ", ".join(f"{k} {v}" for k, v in sorted(self.flips_by_strategy.items(), key=lambda kv: -kv[1])) or "none"
        return [f"accuracy {self.accuracy:.3f} over {self.cases} cases ({findings})",
                f"consistency {self.consistency:.3f}; flips by strategy: {flips}",
                f"negation accuracy {self.negation_accuracy:.3f}; image reliance {self.image_reliance:.3f} (lower is better)"]

    def to_json(self) -> dict:
        return dict(self.__dict__)


@torch.no_grad()
def held_out(model, table, films: list[Film], pixels: torch.Tensor, blank: torch.Tensor, yes_id: int, no_id: int,
             kinds: tuple[str, ...] = KINDS, chunk: int = 128) -> HeldOut:
    from vlmcore.reference.batches import answer_logits

    items = []  # (film index, kind, group key, phrasing, truth answer)
    for index, film in enumerate(films):
        truths = truth_set(film.spec.findings)
        for kind, side in film_questions(film, index, kinds):
            answer = int((kind, side) in truths)
            for group in phrasings(kind, side).values():
                if group:
                    phrasing = group[0]
                    items.append((index, kind, (index, kind, side), phrasing, answer ^ int(phrasing.negated)))
    model.eval()
    said = np.zeros(len(items), dtype=int)
    blank_said = np.zeros(len(items), dtype=int)
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        batch, last = table.collate([p.text for _, _, _, p, _ in part], pixels[[i for i, *_ in part]])
        said[start:start + len(part)] = (answer_logits(model, batch, last, yes_id, no_id)[1] > 0).numpy()
        batch["pixel_values"] = blank.expand_as(batch["pixel_values"]).clone()
        blank_said[start:start + len(part)] = (answer_logits(model, batch, last, yes_id, no_id)[1] > 0).numpy()
    right = said == np.array([a for *_, a in items])
    by_finding = defaultdict(list)
    base_answer = {}
    for (index, kind, key, phrasing, _), ok, answer in zip(items, right, said):
        by_finding[kind].append(ok)
        if phrasing.strategy == "baseline":
            base_answer[key] = answer
    flips, agree, negation = Counter(), [], []
    for (index, kind, key, phrasing, _), ok, answer in zip(items, right, said):
        if phrasing.strategy == "negation":
            negation.append(ok)
        elif phrasing.strategy != "baseline":
            agree.append(answer == base_answer[key])
            if answer != base_answer[key]:
                flips[phrasing.strategy] += 1
    model.train()
    return HeldOut(float(right.mean()), {k: float(np.mean(by_finding[k])) for k in KINDS if by_finding[k]}, float(np.mean(agree)),
                   dict(flips), float(np.mean(negation)), float(np.mean(said == blank_said)), len(items))
