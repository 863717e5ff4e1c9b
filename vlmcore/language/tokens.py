"""Words and punctuation of a text, lower case, each with its character span in the original.

Spans survive every normalisation (contractions split into two tokens share one span), so a
reader can always say which part of the model's output it read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"x[- ]?rays?\b|\d+\.\d+(?![a-z0-9])|[a-z0-9]+(?:'[a-z]+)?(?:[-/][a-z0-9]+)*|[.,;:!?|()\n—–]|(?<=\s)-(?=\s)")
_CONTRACTIONS = {"can't": ("can", "not"), "won't": ("will", "not"), "n't": ("not",), "there's": ("there", "is"),
                 "it's": ("it", "is"), "i'm": ("i", "am"), "that's": ("that", "is"), "let's": ("let", "us"),
                 "what's": ("what", "is"), "i've": ("i", "have"), "we're": ("we", "are")}
#: punctuation that ends a sentence
SENTENCE_END = frozenset({".", "?", "!", "\n", ";"})
PUNCTUATION = frozenset({".", ",", ";", ":", "!", "?", "|", "(", ")", "\n", "—", "–", "-"})


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_punct(self) -> bool:
        return self.text in PUNCTUATION


def _normalise(text: str) -> str:
    """Lower case with the same length as the input (spans index the original)."""
    return text.lower().replace("’", "'").replace("‘", "'")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(_normalise(text)):
        word, start, end = match.group(0), match.start(), match.end()
        if word.startswith("x") and "ray" in word and (word[1:2] in "- " or word.startswith("xray")):
            tokens.append(Token("xray", start, end))
            continue
        for piece in _split_contraction(word):
            tokens.append(Token(piece, start, end))
    return tokens


def _split_contraction(word: str) -> tuple[str, ...]:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if word.endswith("n't"):
        return (word[:-3], "not")
    if word.endswith("'s"):  # a possessive: "patient's" -> "patient"
        return (word[:-2],)
    return (word.strip("'"),)
