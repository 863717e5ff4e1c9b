"""Questions as the probes match them: one key per question text, and its mirror question.

Label swap finds another film's label for *the same question*: two texts are the same question
when they are equal after case, spacing and final punctuation are ignored (``question_key``);
paraphrases do not match, so a partner's label is never read off a question that only looks alike.

A mirrored film swaps the patient's sides: "is there a left effusion?" on the mirrored film is
"is there a right effusion?" on the original (``mirror_question``). Only questions that name
exactly one side are lateral; "both lungs", "bilateral" or a question naming left and right keep
their meaning under the mirror and are not asked.
"""

from __future__ import annotations

import re

_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
_BOTH = re.compile(r"\b(bilateral(?:ly)?|both|bibasilar|bibasal|biapical|either side|each side)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def question_key(question: str) -> str:
    """The text two cases must share to be the same question: lower case, single spaces, no final ``?.!``."""
    return _SPACES.sub(" ", question.strip().lower()).rstrip("?.! ")


def side_of(question: str) -> str | None:
    """The one patient side a question names ("left" / "right"), or None (no side, both, or bilateral)."""
    if _BOTH.search(question):
        return None
    sides = {match.lower() for match in _SIDE.findall(question)}
    return sides.pop() if len(sides) == 1 else None


def mirror_question(question: str) -> str | None:
    """The question with its side swapped, spelling kept ("Left" -> "Right"); None when it is not lateral."""
    if side_of(question) is None:
        return None

    def swap(match: re.Match) -> str:
        word = match.group(1)
        other = "right" if word.lower() == "left" else "left"
        return other.upper() if word.isupper() else other.capitalize() if word[0].isupper() else other

    return _SIDE.sub(swap, question)
