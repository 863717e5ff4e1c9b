"""A frame strategy with the image reference fronted: a combination that needs no synonym."""

from __future__ import annotations

from dataclasses import replace

from vlmcore.paraphrase.question import QuestionParts
from vlmcore.paraphrase.strategies.base import ParaphraseStrategy


class FrontedStrategy(ParaphraseStrategy):
    label = "combined"

    def __init__(self, inner: ParaphraseStrategy):
        self.inner = inner

    def rewrite(self, parts: QuestionParts) -> list[tuple[str, str]]:
        results = []
        # the image reference moves to the front, so the inner frame is built without it
        for raw, detail in self.inner.rewrite(replace(parts, image_ref=False)):
            if "this image" in raw or "radiograph" in raw or raw.startswith("please"):
                continue
            results.append((f"in this image, {raw[:1].lower()}{raw[1:]}", f"front:image+{self.inner.label}:{detail}"))
        return results

    def __repr__(self) -> str:
        return f"FrontedStrategy({self.inner!r})"
