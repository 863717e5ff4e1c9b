"""Paraphrase-strategy labels: one fixed vocabulary, and a normaliser for free text.

The seed study's paraphrase file labels each row in free text ("Voice change (passive)",
"Synonym replacement + phrasing variation", "register shift (telegraphic)"...). Reports
group results by strategy, so labels are mapped to a fixed vocabulary; the raw label is
kept beside it. Text in parentheses explains *how* (e.g. "telegraphic phrasing") and is
ignored; a label naming two or more strategies is ``combined``. A label that names none
is an error, never a silent ``other``.
"""

from __future__ import annotations

import re

STRATEGIES = ("baseline", "synonym", "voice", "register", "clause_reordering", "phrasing", "combined")

#: Labels for variants that do not come from a linguistic strategy.
SOURCE_LABELS = ("clinician", "control", "unlabelled")

_KEYWORDS: dict[str, re.Pattern[str]] = {
    "synonym": re.compile(r"synonym|lexical|spelling|abbreviation"),
    "voice": re.compile(r"\bvoice"),
    "register": re.compile(r"register|ellip|concise|telegraphic|conversational"),
    "clause_reordering": re.compile(r"clause|reorder|fronting"),
    "phrasing": re.compile(
        r"phrasing variation|phrasing change|presence phrasing|question construction|"
        r"nominali[sz]ation|compression|existential|determiner|article insertion|punctuation"
    ),
}

_PARENTHETICAL = re.compile(r"\([^)]*\)")


def strategies_named_in(label: str) -> set[str]:
    """The vocabulary strategies a free-text label names (parenthetical details ignored)."""
    text = _PARENTHETICAL.sub(" ", label.lower())
    return {name for name, pattern in _KEYWORDS.items() if pattern.search(text)}


def normalise_strategy(label: str) -> str | None:
    """Map a free-text label to the vocabulary; ``None`` when it names no strategy."""
    text = label.strip().lower()
    if text in STRATEGIES or text in SOURCE_LABELS:
        return text
    if text in ("original", "base"):
        return "baseline"
    named = strategies_named_in(text)
    if not named:
        return None
    return named.pop() if len(named) == 1 else "combined"
