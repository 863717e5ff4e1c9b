"""Sentence frames shared by the strategies: how the parts become a question again."""

from __future__ import annotations

from vlmcore.paraphrase.question import QuestionParts


def image_phrase(parts: QuestionParts, word: str = "in") -> str:
    return f" {word} this image" if parts.image_ref else ""


def base_frame(parts: QuestionParts) -> str:
    """The question as the base phrased it (used after a lexical change)."""
    if parts.kind == "attribute":
        return f"is the {parts.finding} {parts.predicate}?"
    evidence = "evidence of " if parts.evidence else ""
    return f"is there {evidence}{parts.noun}{parts.where}{image_phrase(parts)}?"
