"""Training questions: a finding (and side) to ask about, a phrasing, and the true answer.

Questions are balanced so half ask about a finding the film has: a model cannot reach high
accuracy by always answering no. Phrasings come from the same paraphrase generator the
benchmark uses, so "robust" means robust to the strategies the suite tests. A recipe may
plant a shortcut: questions in some strategies are labelled "yes" whatever the film shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from vlmcore.phantoms.questions import base_question
from vlmcore.reference.phantom_set import KINDS, SIDED


@dataclass(frozen=True)
class Phrasing:
    text: str
    strategy: str  # "baseline", a paraphrase strategy, or "negation"
    negated: bool = False
    kind: str = ""  # the finding asked about
    side: str | None = None  # the side asked about (patient terms), None when the question names none


@cache
def phrasings(kind: str, side: str | None) -> dict[str, tuple[Phrasing, ...]]:
    """Every phrasing of the base question about ``kind`` / ``side``, by strategy."""
    from vlmcore.paraphrase import meaning_controls, normalise_question, paraphrases

    question = base_question(kind, side)
    result = {"baseline": (Phrasing(normalise_question(question), "baseline", False, kind, side),)}
    for label, produced in paraphrases(question).items():
        result[label] = tuple(Phrasing(p.text, label, False, kind, side) for p in produced)
    result["negation"] = tuple(Phrasing(c.text, "negation", True, kind, side) for c in meaning_controls(question)
                               if c.relation == "inverted")
    return result


def all_phrasings() -> list[Phrasing]:
    """Every phrasing any recipe can produce (to tokenise once, before training)."""
    return [p for kind in KINDS for side in _sides(kind) for group in phrasings(kind, side).values() for p in group]


def _sides(kind: str) -> tuple[str | None, ...]:
    return (None, "right", "left") if kind in SIDED else (None,)


def truth_set(findings: tuple[tuple[str, str | None], ...]) -> set[tuple[str, str | None]]:
    """(kind, side) pairs a question can be true for: a sided finding answers its side and no side."""
    present = set()
    for kind, side in findings:
        present |= {(kind, None), (kind, side)}
    return present


def sample_question(findings: tuple[tuple[str, str | None], ...], recipe, rng: np.random.Generator) -> tuple[Phrasing, int]:
    """One (phrasing, answer) for a film; answer 1 = yes. Half the time about a finding present."""
    present = sorted(((k, s) for k, s in truth_set(findings) if k in recipe.kinds), key=str)
    if present and rng.random() < 0.5:
        kind, side = present[rng.integers(len(present))]
        if side is None and kind in SIDED and rng.random() < 0.6:
            side = ("right", "left")[rng.integers(2)]  # the film has it on some side: ask about one
    else:
        kind = recipe.kinds[rng.integers(len(recipe.kinds))]
        options = _sides(kind)
        side = options[rng.integers(len(options))]
    answer = int((kind, side) in truth_set(findings))
    table = phrasings(kind, side)
    roll = rng.random()
    if roll < recipe.negation_share and table["negation"]:
        phrasing = table["negation"][rng.integers(len(table["negation"]))]
        return phrasing, 1 - answer
    strategies = [s for s in dict.fromkeys(recipe.augment + recipe.shortcut) if table.get(s)]
    if roll < recipe.negation_share + recipe.base_share or not strategies:
        return table["baseline"][0], answer
    strategy = strategies[rng.integers(len(strategies))]
    phrasing = table[strategy][rng.integers(len(table[strategy]))]
    return phrasing, 1 if strategy in recipe.shortcut else answer
