"""Combinations: a lexical change (synonym) followed by a frame strategy."""

from __future__ import annotations

from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy


class CombinedStrategy(ParaphraseStrategy):
    label = "combined"

    def __init__(self, lexical: ParaphraseStrategy, frame: ParaphraseStrategy):
        self.lexical, self.frame = lexical, frame

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        results = []
        for variant, lexical_detail in self.lexical.parts_variants(parts):
            for raw, frame_detail in self.frame.rewrite(variant):
                results.append((raw, f"{lexical_detail}+{self.frame.label}:{frame_detail}"))
        return results

    def __repr__(self) -> str:
        return f"CombinedStrategy({self.lexical!r}, {self.frame!r})"
