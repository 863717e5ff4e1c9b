"""Phrasing variation: existential recast, nominalisation, imperative, explicit binary."""

from __future__ import annotations

from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy
from vlmcore.paraphrase.strategies.frames import image_phrase


class PhrasingStrategy(ParaphraseStrategy):
    label = "phrasing"

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        f, where, image = parts.finding, parts.where, image_phrase(parts)
        if parts.kind == "attribute":
            return [(f"does the {f} appear {parts.predicate}?", "appear"),
                    (f"please determine whether the {f} is {parts.predicate}.", "imperative")]
        n = parts.noun
        return [
            (f"is {n} present{where}{image}?", "existential"),
            (f"does this image show {n}{where}?", "show"),
            (f"is the presence of {n}{where} evident{image}?", "nominalisation"),
            (f"please determine whether there is {n}{where}{image}.", "imperative"),
            (f"is there {n}{where}{image}, yes or no?", "explicit-binary"),
        ]
