"""Synonym replacement: another name for the finding, the location or "evidence"."""

from __future__ import annotations

from vlmcore.paraphrase.lexicon import location_synonyms, synonyms_of
from vlmcore.paraphrase.question import QuestionParts, looks_plural
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy
from vlmcore.paraphrase.strategies.frames import base_frame


class SynonymStrategy(ParaphraseStrategy):
    label = "synonym"

    def parts_variants(self, parts: QuestionParts) -> list[tuple[QuestionParts, str]]:
        # "is there a nodule?" does not become "is there a nodules?"
        variants = [(parts.with_finding(s), f"finding:{s}") for s in synonyms_of(parts.finding)
                    if not (parts.counted and looks_plural(s))]
        variants += [(parts.with_location(s), f"location:{s}") for s in location_synonyms(parts.location)]
        return variants

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        results = [(base_frame(variant), detail) for variant, detail in self.parts_variants(parts)]
        if parts.kind == "presence":
            image = " in this image" if parts.image_ref else ""
            noun = parts.noun if parts.counted else parts.finding
            results.append((f"is there any sign of {noun}{parts.where}{image}?", "evidence:sign"))
        return results
