"""Meaning-changing controls, kept apart from paraphrases.

- negation: "Is there no X?" — the answer must flip (``inverted``);
- laterality swap: left <-> right — ``different`` (whether the answer flips depends on the
  image; the dataset builder decides from ground truth);
- finding swap: another finding — ``different``.
"""

from __future__ import annotations

import re

from vlmcore.data.findings import finding_of
from vlmcore.paraphrase.lexicon import CONTRAST_FINDING
from vlmcore.paraphrase.question import QuestionParts, normalise_question
from vlmcore.paraphrase.strategies.base import Paraphrase
from vlmcore.paraphrase.strategies.frames import base_frame, image_phrase

_SIDE = re.compile(r"\b(left|right)\b")


def negation(parts: QuestionParts) -> Paraphrase:
    if parts.kind == "attribute":
        raw = f"is the {parts.finding} not {parts.predicate}?"
    else:
        raw = f"is there no {parts.finding}{parts.where}{image_phrase(parts)}?"
    return Paraphrase(normalise_question(raw), "control", "negation", "inverted")


def laterality_swap(question: str) -> Paraphrase | None:
    sides = set(_SIDE.findall(question.lower()))
    if len(sides) != 1:  # no side, or both sides named: swapping changes nothing
        return None
    swapped = _SIDE.sub(lambda m: {"left": "right", "right": "left"}[m.group(1)], question.lower())
    return Paraphrase(normalise_question(swapped), "control", "laterality-swap", "different")


def finding_swap(parts: QuestionParts) -> Paraphrase | None:
    other = CONTRAST_FINDING.get(finding_of(parts.finding))
    if other is None:
        return None
    return Paraphrase(normalise_question(base_frame(parts.with_finding(other))), "control", f"finding-swap:{other}", "different")


def controls(question: str, parts: QuestionParts) -> list[Paraphrase]:
    candidates = [negation(parts), laterality_swap(question), finding_swap(parts)]
    return [c for c in candidates if c is not None]
