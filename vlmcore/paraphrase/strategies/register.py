"""Register shift: clinical, lay and telegraphic ways of asking the same thing."""

from __future__ import annotations

from vlmcore.paraphrase.lexicon import lay_term
from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy, capitalised
from vlmcore.paraphrase.strategies.frames import image_phrase


class RegisterStrategy(ParaphraseStrategy):
    label = "register"

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        f, where = parts.finding, parts.where
        if parts.kind == "attribute":
            return [(f"{capitalised(f)}: {parts.predicate}?", "telegraphic"),
                    (f"radiographically, is the {f} {parts.predicate}?", "clinical")]
        results = [
            (f"{capitalised(f)}{where}?", "telegraphic"),
            (f"any {f}{where}?", "telegraphic:any"),
            (f"is there radiographic evidence of {parts.noun}{where}{image_phrase(parts, 'on')}?", "clinical"),
        ]
        lay = lay_term(f)
        if lay and not parts.location:
            results.append((f"does the patient have {lay}?", "lay"))
        return results
