"""Held-out metrics a training run prints: accuracy by finding, consistency and flips by
strategy, image reliance — on test-split patients the model never saw.

The questions per film are those of the bundled test set (one about a finding the film has,
one about a finding it lacks; every strategy's first paraphrase; the negation). Answers come
from an *answerer*: the score (p(yes) vs p(no) at the first answer position) or greedy
generation read by ``answer_format.read_answer``; a model that writes its answer after a
preamble or a reasoning block is measured by what it writes. A generated text with no answer
in it counts as wrong, as a flip against its base question and as a changed answer on the
blank film, and is also counted apart (``unanswered``). The suite measures the
shipped checkpoints again, through ``pytest benchmarks``, on rendered PNGs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import torch

from vlmcore.reference.phantom_set import KINDS, SIDED, Film
from vlmcore.reference.questions import Phrasing, phrasings, truth_set

NO_ANSWER = -1


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


@dataclass(frozen=True)
class Item:
    film: int  # index into the films (and their pixels)
    phrasing: Phrasing
    truth: int  # the right answer to this phrasing (1 = yes)
    present: bool  # the finding asked about is on the film (before any negation)


def held_out_items(films: list[Film], kinds: tuple[str, ...], strategies: bool = True) -> list[Item]:
    """Every film's base questions in each strategy's first phrasing and the negation
    (``strategies=False``: the base phrasing only)."""
    items = []
    for index, film in enumerate(films):
        truths = truth_set(film.spec.findings)
        for kind, side in film_questions(film, index, kinds):
            present = (kind, side) in truths
            for label, group in phrasings(kind, side).items():
                if group and (strategies or label == "baseline"):
                    items.append(Item(index, group[0], int(present) ^ int(group[0].negated), present))
    return items


@dataclass
class HeldOut:
    accuracy: float
    accuracy_by_finding: dict[str, float]
    consistency: float
    flips_by_strategy: dict[str, int]
    negation_accuracy: float
    image_reliance: float  # share of base answers unchanged with the film blanked (lower = reads the film)
    cases: int
    unanswered: float = 0.0  # share of cases whose generated text held no answer (counted wrong in accuracy)

    def flip_share(self, strategies: tuple[str, ...]) -> float:
        """Share of all flips that fall in ``strategies``."""
        total = sum(self.flips_by_strategy.values())
        return sum(self.flips_by_strategy.get(s, 0) for s in strategies) / total if total else 0.0

    def lines(self) -> list[str]:
        findings = ", ".join(f"{k} {v:.3f}" for k, v in self.accuracy_by_finding.items())
        flips = ", ".join(f"{k} {v}" for k, v in sorted(self.flips_by_strategy.items(), key=lambda kv: -kv[1])) or "none"
        return [f"accuracy {self.accuracy:.3f} over {self.cases} cases ({findings}); no answer {self.unanswered:.3f}",
                f"consistency {self.consistency:.3f}; flips by strategy: {flips}",
                f"negation accuracy {self.negation_accuracy:.3f}; image reliance {self.image_reliance:.3f} (lower is better)"]

    def to_json(self) -> dict:
        return dict(self.__dict__)


class ScoreAnswerer:
    """1 / 0 from the logit margin of "yes" over "no" at the last prompt token."""

    def __init__(self, model, table, yes_id: int, no_id: int):
        self.model, self.table, self.yes_id, self.no_id = model, table, yes_id, no_id

    @torch.no_grad()
    def __call__(self, texts: list[str], pixels: torch.Tensor) -> np.ndarray:
        from vlmcore.reference.batches import answer_logits

        batch, last = self.table.collate(texts, pixels)
        return (answer_logits(self.model, batch, last, self.yes_id, self.no_id)[1] > 0).long().numpy()


class GenerationAnswerer:
    """1 / 0 / ``NO_ANSWER`` read from greedy generation (left-padded, the adapter's prompt)."""

    def __init__(self, model, table, tokenizer, end_ids: int | list[int], max_new_tokens: int):
        self.model, self.table, self.tokenizer = model, table, tokenizer
        self.end_ids, self.max_new_tokens = end_ids, max_new_tokens
        self.texts: list[str] = []  # every text generated, in call order (for a look at the outputs)
        self.ended: list[bool] = []  # whether each generation stopped on an end token within the budget

    def generate(self, texts: list[str], pixels: torch.Tensor) -> list[str]:
        batch, _ = self.table.collate(texts, pixels, left=True)
        with torch.no_grad():
            output = self.model.generate(**batch, max_new_tokens=self.max_new_tokens, do_sample=False, eos_token_id=self.end_ids,
                                         pad_token_id=self.table.pad_id)
        new = output[:, batch["input_ids"].shape[1]:]
        ends = torch.tensor(self.end_ids if isinstance(self.end_ids, list) else [self.end_ids])
        self.ended += torch.isin(new, ends).any(dim=1).tolist()
        return self.tokenizer.batch_decode(new, skip_special_tokens=True)

    def __call__(self, texts: list[str], pixels: torch.Tensor) -> np.ndarray:
        from vlmcore.reference.answer_format import read_answer

        generated = self.generate(texts, pixels)
        self.texts += generated
        return np.array([{"yes": 1, "no": 0}.get(read_answer(text), NO_ANSWER) for text in generated])


def answer_all(answerer, items: list[Item], pixels: torch.Tensor, chunk: int = 128) -> np.ndarray:
    said = np.zeros(len(items), dtype=int)
    for start in range(0, len(items), chunk):
        part = items[start:start + chunk]
        said[start:start + len(part)] = answerer([i.phrasing.text for i in part], pixels[[i.film for i in part]])
    return said


def held_out(answerer, films: list[Film], pixels: torch.Tensor, blank: torch.Tensor, kinds: tuple[str, ...] = KINDS,
             chunk: int = 128) -> HeldOut:
    items = held_out_items(films, kinds)
    model = answerer.model
    model.eval()
    said = answer_all(answerer, items, pixels, chunk)
    blank_said = answer_all(answerer, items, blank.expand(len(films), *blank.shape), chunk)
    model.train()
    return tally(items, said, blank_said)


def tally(items: list[Item], said: np.ndarray, blank_said: np.ndarray) -> HeldOut:
    right = said == np.array([i.truth for i in items])
    by_finding, base_answer = defaultdict(list), {}
    for item, ok, answer in zip(items, right, said):
        by_finding[item.phrasing.kind].append(ok)
        if item.phrasing.strategy == "baseline":
            base_answer[(item.film, item.phrasing.kind, item.phrasing.side)] = answer
    flips, agree, negation = Counter(), [], []
    for item, ok, answer in zip(items, right, said):
        key = (item.film, item.phrasing.kind, item.phrasing.side)
        if item.phrasing.strategy == "negation":
            negation.append(ok)
        elif item.phrasing.strategy != "baseline":
            same = answer == base_answer[key] != NO_ANSWER  # no answer agrees with nothing
            agree.append(same)
            if not same:
                flips[item.phrasing.strategy] += 1
    return HeldOut(float(right.mean()), {k: float(np.mean(by_finding[k])) for k in KINDS if by_finding[k]}, float(np.mean(agree)),
                   dict(flips), float(np.mean(negation)), float(np.mean((said == blank_said) & (said != NO_ANSWER))), len(items),
                   float(np.mean(said == NO_ANSWER)))
