"""The words with which a model answers, refuses or hedges, before any finding is read.

Patterns run on ``clean`` text: lower case, markdown and leftover special tokens blanked out,
*the same length as the original*, so every match is also a span of the model's output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPECIAL = re.compile(r"<\|?/?[a-z_0-9|]{1,30}\|?>")  # <end_of_turn>, <|im_end|>, </s>, stray tags
_MARKDOWN = re.compile(r"[*_`#>]")

REFUSAL = re.compile(
    r"\b(?:i|we)\s*(?:'m|am|are)?\s*(?:cannot|can ?not|can't|unable to|not able to)\s+"
    r"(?:determine|tell|say|answer|provide|assess|interpret|diagnose|make|give|comment|evaluate|confirm|help)"
    r"|\bunable to (?:determine|assess|answer|tell|evaluate|interpret|comment)"
    r"|\bas an ai\b|\bi(?:'m| am) an ai\b|\bnot a (?:doctor|radiologist|medical professional)\b|\bconsult (?:a|your|with)\b"
    r"|\bi don'?t know\b|\bi do not know\b|\bno image\b|\bcannot be (?:determined|assessed)\b"
    r"|\bnot (?:possible|able) to (?:determine|tell|say|assess)\b|(?<![a-z/])n/?a\b|\binsufficient (?:to|for) (?:assess|determine|evaluate)"
    r"|\bplease provide\b|\bi'?m sorry\b|\bcannot provide\b|\bcan't provide\b|\bnot (?:diagnostic|interpretable)\b"
)
YES_AND_NO = re.compile(r"\byes\s*(?:and|or|/)\s*no\b|\bno\s*(?:and|or|/)\s*yes\b")
#: "no" as an answer, not as the article of "no focal consolidation"
_NO_ALONE = r"(?=\s*(?:[,.!;:\n—–-]|$)|\s+(?:it|there|the|i|this|that|they|we|seen|identified|noted)\b)"
EXPLICIT = re.compile(
    r"\b(?:final answer|answer(?: to (?:your|the|this) question)?|response|verdict|(?:correct |best |right )?(?:option|choice))"
    r"\s*(?:is|would be|:|=|-)?\s*[:\-]?\s*(?:\(?[a-d]\)[.:]?\s*|[a-d][.:]\s+)?"  # "the correct option is (B) No"
    r"(yes|no" + _NO_ALONE + r"|uncertain|unsure|indeterminate|not sure|unknown|cannot be determined)\b")
#: "Likely yes", "Probably not", "Yes, possibly": an answer word with a hedge beside it
HEDGED_ANSWER = re.compile(
    r"\b(?:probably|likely|possibly|perhaps|maybe|most likely|unlikely|i think|i believe)\s*,?\s*(?:yes|no|not)\b"
    r"|\b(?:yes|no)\s*,?\s*(?:possibly|probably|likely|perhaps|maybe|i think)\b")
#: an answer word: at the start, or after punctuation / a conclusion word, and followed by punctuation or the end
ANSWER_WORD = re.compile(
    r"(?:^\s*|[,:;.!\n—–-]\s*|\b(?:therefore|so|thus|hence|overall|in summary|in conclusion|to answer your question)\s*,?\s*)"
    r"(yes|yeah|yep|no|nope|negative|positive|correct|none|absent|present|not seen|not present|not visible|"
    r"not identified|not detected|not appreciated)" + _NO_ALONE)
_VALUE = {"yes": "yes", "yeah": "yes", "yep": "yes", "positive": "yes", "correct": "yes", "present": "yes",
          "no": "no", "nope": "no", "negative": "no", "none": "no", "absent": "no", "not seen": "no",
          "not present": "no", "not visible": "no", "not identified": "no", "not detected": "no", "not appreciated": "no",
          "uncertain": "uncertain", "unsure": "uncertain", "indeterminate": "uncertain", "not sure": "uncertain",
          "unknown": "uncertain", "cannot be determined": "uncertain"}
#: a leading answer word in Chinese (HuatuoGPT-Vision, Lingshu and Qwen answer in the question's
#: language when asked in it): 是 / 是的 / 有 = yes; 否 / 不是 / 没有 / 无 = no
CJK_ANSWER = re.compile(r"^\s*(?:(是的|是|有|对)|(否|不是|没有|无))(?=[，,。.！!：:\s]|$)")
_START_ONLY = frozenset({"negative", "positive", "correct", "none", "absent", "present", "not seen", "not present",
                         "not visible", "not identified", "not detected", "not appreciated"})


@dataclass(frozen=True)
class Said:
    """An answer the model states in words: its value and span (in the cleaned text)."""

    answer: str
    start: int
    end: int


def clean(text: str) -> str:
    """Lower case, markdown and special tokens blanked, same length as ``text``."""
    text = _SPECIAL.sub(lambda m: " " * len(m.group(0)), text.lower().replace("’", "'"))
    return _MARKDOWN.sub(" ", text)


def explicit_answers(text: str) -> list[Said]:
    return [Said(_VALUE[m.group(1)], m.start(1), m.end(1)) for m in EXPLICIT.finditer(text)]


def answer_words(text: str) -> list[Said]:
    """Answer words that stand alone ("Yes,", "No.", "..., therefore, no."), never "no" in "no effusion"."""
    first = re.search(r"[a-z]", text)
    said = []
    for m in ANSWER_WORD.finditer(text):
        word = m.group(1)
        at_start = first is not None and m.start(1) == first.start()
        if (word in _START_ONLY and not at_start) or _is_label_value(text, m.start(1)):
            continue
        said.append(Said(_VALUE[word], m.start(1), m.end(1)))
    return said


def cjk_answer(text: str) -> Said | None:
    match = CJK_ANSWER.match(text)
    if not match:
        return None
    group = 1 if match.group(1) else 2
    return Said("yes" if group == 1 else "no", match.start(group), match.end(group))


def _is_label_value(text: str, start: int) -> bool:
    """"Pneumothorax: no" is a finding's label (read with the finding), not the answer."""
    from vlmcore.language import read_statement

    before = text[:start].rstrip()
    if not before.endswith((":", "=")):
        return False
    line = before[:-1].rsplit("\n", 1)[-1]
    return any(not m.is_structure for m in read_statement(line).mentions)
