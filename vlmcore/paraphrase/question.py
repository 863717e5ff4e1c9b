"""A yes/no chest X-ray question taken apart into the pieces paraphrases recombine.

Two shapes cover the seed study's base questions: *presence* ("is there [evidence of] X
[in the Y area] [in this image]?") and *attribute* ("is the X Y?"). Anything else is kept
whole as a presence question about its own text, so every question still gets variants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_PRESENCE = re.compile(
    r"^(?:is|are) there (?P<evidence>(?:any )?(?:evidence|signs?) of )?(?P<article>an? |any )?(?P<finding>.+?)"
    r"(?: in (?:the )?(?P<location>(?!this image)[^?]+?))?(?P<image> in this (?:image|radiograph|film))?\s*\??$"
)
_ATTRIBUTE = re.compile(r"^is the (?P<finding>.+?) (?P<predicate>bilateral|unilateral|large|small|present|enlarged|new|left-sided|right-sided)\s*\??$")


@dataclass(frozen=True)
class QuestionParts:
    kind: str  # "presence" | "attribute"
    finding: str  # surface phrase, lower case
    location: str | None = None  # without "the" and without a trailing "area"
    location_area: bool = False  # the original said "... area"
    predicate: str | None = None  # attribute questions
    evidence: bool = False
    image_ref: bool = False
    article: str = ""  # "a" / "an" / "any" as the base said it, or "" (a mass noun: "effusion")

    def with_finding(self, finding: str) -> "QuestionParts":
        return replace(self, finding=finding)

    def with_location(self, location: str | None) -> "QuestionParts":
        return replace(self, location=location, location_area=False)

    @property
    def noun(self) -> str:
        """The finding with the base question's article, agreeing with the (possibly swapped)
        finding: "a nodule", "an opacity", "any effusion"; without one the bare finding."""
        if not self.article:
            return self.finding
        if self.article == "any":
            return f"any {self.finding}"
        return f"{'an' if self.finding[:1] in 'aeiou' else 'a'} {self.finding}"

    @property
    def counted(self) -> bool:
        """The base used "a" / "an": the finding is a count noun in the singular."""
        return self.article in ("a", "an")

    @property
    def where(self) -> str:
        """`` in the <location>[ area]`` or empty."""
        if not self.location:
            return ""
        return f" in the {self.location}{' area' if self.location_area else ''}"


def parse_question(question: str) -> QuestionParts:
    text = re.sub(r"\s+", " ", question.strip().lower())
    match = _ATTRIBUTE.match(text)
    if match:
        return QuestionParts("attribute", match.group("finding"), predicate=match.group("predicate"))
    match = _PRESENCE.match(text)
    if match:
        location = match.group("location")
        area = bool(location and location.endswith(" area"))
        if area:
            location = location[: -len(" area")]
        return QuestionParts("presence", match.group("finding"), location=location, location_area=area,
                             evidence=bool(match.group("evidence")), image_ref=bool(match.group("image")),
                             article=(match.group("article") or "").strip())
    return QuestionParts("presence", text.rstrip("?").strip())


def normalise_question(text: str) -> str:
    """One casing and spacing for every question: capitalised first letter, single spaces, a
    final ``?`` unless the sentence is an instruction (ends with ``.``). Keeps the seed file's
    capitalisation confound (lower-case bases, capitalised paraphrases) out of the results."""
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"\s+([?.,])", r"\1", text)
    if not text.endswith((".", "?")):
        text += "?"
    return text[:1].upper() + text[1:]


def looks_plural(phrase: str) -> bool:
    """"nodules", "opacities" (not "atelectasis", "pneumothorax", "stenosis")."""
    last = phrase.split()[-1] if phrase.split() else ""
    return last.endswith("s") and not last.endswith(("is", "ss", "us"))
