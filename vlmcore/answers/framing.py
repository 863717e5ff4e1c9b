"""What a chat model says around its answer, taken out before the answer is read.

Instruction-tuned models wrap the answer in conversation: an opener that starts with an
answer word but answers nothing ("Yes, I can help with that.", "Sure!"), an echo of the
prompt ("The question asks whether there is a pneumothorax.", "Yes or no"), a question they
ask themselves ("Could this be a pneumothorax?"), a disclaimer before the answer ("I'm not a
doctor, but the image shows ..."), and a correction that replaces what came before
("Yes. Actually, on closer review, there is no pneumothorax"). Every function here works on
``cues.clean`` text and returns text of the same length, with what is not the answer blanked,
so spans still index the model's output.
"""

from __future__ import annotations

import re

_SENTENCE = r"[^.!?\n]*"
#: "Yes, I can help with that.", "Sure!", "Certainly, let me take a look."
OPENER = re.compile(
    r"^\s*(?:(?:yes|sure|certainly|of course|absolutely|okay|ok|great question)\s*[,!.:]?\s*)?"
    r"(?:i can (?:help|assist|analy[sz]e|interpret|review|look at|take a look|do that)" + _SENTENCE +
    r"|i(?:'d| would) be (?:happy|glad) to (?:help|assist|analy[sz]e|take a look)" + _SENTENCE + r"|let me (?:help|take a look|have a look|look|analy[sz]e|check|examine)" + _SENTENCE +
    r"|here(?:'s| is) (?:my|the|an) (?:analysis|answer|assessment|interpretation)" + _SENTENCE + r")\s*[.!:]?"
    r"|^\s*(?:sure|certainly|of course|absolutely|great question)\s*[!.,]")
#: the prompt said back: "the question asks whether ...", "you asked if ..."
ECHO = re.compile(r"\b(?:the question (?:asks|is asking|is)|you (?:asked|are asking|want to know)|i was asked)\s+"
                  r"(?:whether|if|about)" + _SENTENCE + r"[.!?]?")
ONLY_ECHO = re.compile(r"^\W*(?:yes\s*(?:or|/)\s*no|no\s*(?:or|/)\s*yes)\W*$")
#: a question the model asks (itself or back): it states nothing
QUESTION_SENTENCE = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]+\?")
#: "I'm not a doctor, but <answer>": the disclaimer is not a refusal when an answer follows
DISCLAIMER = re.compile(r"^" + _SENTENCE + r"\b(?:not a (?:doctor|radiologist|medical professional|substitute)|as an ai"
                        r"|i(?:'m| am) an ai)" + r"[^.!?\n]*?,?\s*(?:but|however)\b")
#: a correction: what follows replaces what came before
CORRECTION = re.compile(r"(?:^|[.,;:!?\n—–-])\s*(?:(?:hmm|oh|but|no)\s*,?\s*)?"
                        r"(?:actually|on (?:closer|further|second) (?:review|inspection|look|thought)"
                        r"|upon (?:closer|further) (?:review|inspection)|correction|i was wrong|let me correct that"
                        r"|wait)\b\s*[,:;.!]?")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def unframed(text: str) -> tuple[str, bool]:
    """``text`` with openers, echoes, self-asked questions and a leading disclaimer blanked; and
    whether it was only an echo of the prompt."""
    if ONLY_ECHO.match(text):
        return " " * len(text), True
    had_words = any(ch.isalnum() for ch in text)
    for pattern in (OPENER, DISCLAIMER):
        match = pattern.search(text)
        if match and any(ch.isalnum() for ch in text[match.end():]):
            text = _blank(text, match.start(), match.end())
    echoed = False
    for pattern in (ECHO, QUESTION_SENTENCE):
        for match in list(pattern.finditer(text)):
            text = _blank(text, match.start(), match.end())
            echoed = True
    return text, had_words and echoed and not any(ch.isalnum() for ch in text)


def corrected(text: str) -> str:
    """After the last correction marker, when something follows it: the earlier part is blanked."""
    markers = [m for m in CORRECTION.finditer(text) if any(ch.isalpha() for ch in text[m.end():])]
    if not markers:
        return text
    return _blank(text, 0, markers[-1].end())
