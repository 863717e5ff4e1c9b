"""Voice change: the finding becomes the subject of a passive (or observational) verb."""

from __future__ import annotations

from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy
from vlmcore.paraphrase.strategies.frames import image_phrase


class VoiceStrategy(ParaphraseStrategy):
    label = "voice"

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        f, where, on = parts.finding, parts.where, image_phrase(parts, "on")
        if parts.kind == "attribute":
            return [(f"is the {f} seen to be {parts.predicate}?", "passive:seen"),
                    (f"is the {f} shown to be {parts.predicate}?", "passive:shown")]
        n = parts.noun
        return [
            (f"is {n} seen{where}{on}?", "passive:seen"),
            (f"can {n} be seen{where}{on}?", "passive:modal"),
            (f"has {n} been identified{where}{on}?", "passive:identified"),
            (f"is {n} demonstrated{where}{on}?", "passive:demonstrated"),
        ]
