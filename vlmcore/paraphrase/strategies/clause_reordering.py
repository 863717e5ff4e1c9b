"""Clause reordering: front the location or the image reference."""

from __future__ import annotations

from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy


class ClauseReorderingStrategy(ParaphraseStrategy):
    label = "clause_reordering"

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        f, noun = parts.finding, parts.noun
        if parts.kind == "attribute":
            return [(f"regarding the {f}, is it {parts.predicate}?", "front:topic")]
        evidence = "evidence of " if parts.evidence else ""
        results = []
        if parts.location:
            area = " area" if parts.location_area else ""
            image = " in this image" if parts.image_ref else ""
            results.append((f"in the {parts.location}{area}, is there {evidence}{noun}{image}?", "front:location"))
        results.append((f"in this image, is there {evidence}{noun}{parts.where}?", "front:image"))
        results.append((f"on this radiograph, is there {evidence}{noun}{parts.where}?", "front:radiograph"))
        return results
