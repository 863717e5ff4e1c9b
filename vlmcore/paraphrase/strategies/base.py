"""The strategy interface: a question's parts in, labelled paraphrases out.

Strategies are small immutable objects; ``CombinedStrategy`` composes two without changing
either, and every strategy's repr shows how it was built, so a failing case id reads like
source (``CombinedStrategy(SynonymStrategy(), VoiceStrategy())``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from vlmcore.paraphrase.question import QuestionParts, normalise_question


@dataclass(frozen=True)
class Paraphrase:
    text: str
    strategy: str  # vocabulary label: synonym, voice, register, clause_reordering, phrasing, combined, control
    detail: str  # which transform, e.g. "passive:seen"
    relation: str = "invariant"  # invariant | inverted | different


class ParaphraseStrategy(ABC):
    label: str = ""

    @abstractmethod
    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        """(raw text, detail) pairs for these parts; may be empty when the strategy does not apply."""

    def parts_variants(self, parts: QuestionParts) -> list[tuple[QuestionParts, str]]:
        """Lexical strategies change the parts; frame strategies keep them (one identity entry)."""
        return [(parts, "")]

    def paraphrases(self, parts: QuestionParts) -> list[Paraphrase]:
        seen: set[str] = set()
        results = []
        for raw, detail in self.rewrite(parts):
            text = normalise_question(raw)
            if text.lower() not in seen:
                seen.add(text.lower())
                results.append(Paraphrase(text, self.label, detail))
        return results

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
