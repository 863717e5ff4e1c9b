"""``parse_answer``: the three-valued reading older callers use (``"yes" | "no" | "uncertain"``).

A thin view of ``read_answer`` (``vlmcore.answers.read``): *no answer* (empty, refusal,
reasoning cut off, off-topic) folds into ``"uncertain"``, since both are extraction failures
for a caller that only tells yes and no from the rest; ``rule`` still says which it was.
New callers use ``read_answer``, which keeps the four values and the span it read.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.answers.read import read_answer


@dataclass(frozen=True)
class ParsedAnswer:
    answer: str  # "yes" | "no" | "uncertain"
    rule: str  # which rule decided, for the report's parse path


def explain_answer(text: str, question: str | None = None, *, reasoning: str = "auto") -> ParsedAnswer:
    """The parsed answer and the rule that decided it."""
    reading = read_answer(text, question, reasoning=reasoning)
    return ParsedAnswer("uncertain" if reading.answer == "none" else reading.answer, reading.rule)


def parse_answer(text: str, question: str | None = None) -> str:
    """``"yes"``, ``"no"`` or ``"uncertain"`` for a model's free-text answer."""
    return explain_answer(text, question).answer
