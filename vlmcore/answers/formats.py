"""Where the answer is in a reasoning model's output.

- ``think``: MedVLM-R1 and other R1-style models write ``<think>…</think><answer>…</answer>``
  (some chat templates open ``<think>`` in the prompt, so the output starts inside it and only
  ``</think>`` appears). The answer is inside ``<answer>`` when present, else after the last
  ``</think>``.
- ``gemma``: MedGemma's thinking mode writes ``<unused94>thought …<unused95>`` and then the
  answer.
- ``plain``: the whole output is the answer.
- ``auto`` (default): the format is detected from the markers in the output.

Reasoning cut off by the token budget (an opened ``<think>`` or ``<unused94>`` with no close;
with ``think`` declared, no ``</think>`` and no ``<answer>``) is *no answer*, never a wrong
one; so is a finished reasoning block with nothing after it.
"""

from __future__ import annotations

from dataclasses import dataclass

REASONING_FORMATS = ("auto", "plain", "think", "gemma")
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
ANSWER_OPEN, ANSWER_CLOSE = "<answer>", "</answer>"
GEMMA_OPEN, GEMMA_CLOSE = "<unused94>", "<unused95>"


@dataclass(frozen=True)
class AnswerRegion:
    start: int
    end: int
    format: str  # the format read: "plain" | "think" | "gemma"
    rule: str  # how the region was found
    failure: str | None = None  # "reasoning-cut-off" | "no-answer-after-reasoning"


def answer_region(text: str, reasoning: str = "auto") -> AnswerRegion:
    """The span of ``text`` that holds the answer, or why there is none."""
    if reasoning not in REASONING_FORMATS:
        raise ValueError(f"reasoning format {reasoning!r} is not one of {', '.join(REASONING_FORMATS)}")
    lowered = text.lower()
    start = 0
    if reasoning == "gemma" or (reasoning == "auto" and (GEMMA_OPEN in lowered or GEMMA_CLOSE in lowered)):
        opened, closed = lowered.find(GEMMA_OPEN), lowered.rfind(GEMMA_CLOSE)
        if closed < 0 and opened >= 0:
            return AnswerRegion(opened, len(text), "gemma", "thought channel opened and never closed", "reasoning-cut-off")
        if closed >= 0:
            start = closed + len(GEMMA_CLOSE)
            return _after_reasoning(text, start, "gemma", "after the <unused95> thought channel")
    has_think = any(tag in lowered for tag in (THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE))
    if reasoning == "think" or (reasoning == "auto" and has_think):
        closed = lowered.rfind(THINK_CLOSE)
        if closed >= 0:
            start = closed + len(THINK_CLOSE)
        elif THINK_OPEN in lowered and ANSWER_OPEN not in lowered:
            return AnswerRegion(lowered.find(THINK_OPEN), len(text), "think", "<think> opened and never closed",
                                "reasoning-cut-off")
        elif reasoning == "think" and ANSWER_OPEN not in lowered:
            return AnswerRegion(0, len(text), "think", "reasoning format 'think' and no </think>", "reasoning-cut-off")
        opened = lowered.find(ANSWER_OPEN, start)
        if opened >= 0:
            begin = opened + len(ANSWER_OPEN)
            close = lowered.find(ANSWER_CLOSE, begin)
            rule = "inside <answer>" if close >= 0 else "inside an unclosed <answer> (cut off after it opened)"
            return _after_reasoning(text, begin, "think", rule, close if close >= 0 else len(text))
        return _after_reasoning(text, start, "think", "after </think>")
    return AnswerRegion(0, len(text), "plain", "the whole output")


def _after_reasoning(text: str, start: int, fmt: str, rule: str, end: int | None = None) -> AnswerRegion:
    end = len(text) if end is None else end
    if not any(ch.isalnum() for ch in text[start:end]):
        return AnswerRegion(start, end, fmt, rule, "no-answer-after-reasoning")
    return AnswerRegion(start, end, fmt, rule)
