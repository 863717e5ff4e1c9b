"""How a reference model writes its answer, and a minimal reader for the three formats.

Real instruction-tuned models do not stop at one token: some answer with a word and end the
turn, some talk first ("Based on the chest X-ray, the answer is yes."), reasoning models
think in tags and then answer (MedVLM-R1, Pan et al. 2025, arXiv 2502.19634:
``<think>...</think><answer>...</answer>``). Each recipe trains one format, and every format
ends with the family's end-of-turn token, so greedy generation stops:

- ``short``: ``yes`` / ``no``, then the end token (the first generated token is the answer);
- ``verbose``: a preamble, then the answer, then the end token; the first token is the
  preamble's, so p(yes) + p(no) there is small. The preamble is picked by the finding and
  side asked (learnable from the question, so greedy outputs vary across questions);
- ``reasoner``: ``<think> ... </think> <answer> yes </answer>``, the reasoning a sentence
  about what the film shows for the finding asked (its own truth, whatever the question's
  polarity), the answer the question's.

``read_answer`` is this package's own reader for exactly these formats (training-time
evaluation and the shipped-weights tests); the suite's question-aware reader of free text
lives in ``vlmcore.answers``.
"""

from __future__ import annotations

import re

from vlmcore.errors import ConfigError
from vlmcore.models.tiny import VocabularyExtension

FORMATS = ("short", "verbose", "reasoner")

PREAMBLES = (
    "Based on the chest film, the answer is {answer}.",
    "Looking at the film, I would say {answer}.",
    "After reviewing the radiograph, my answer is {answer}.",
    "On this image the answer would be {answer}.",
)
THINK, END_THINK, ANSWER, END_ANSWER = "<think>", "</think>", "<answer>", "</answer>"
_ASKED = ("cardiomegaly", "pleural_effusion", "consolidation")
_SIDES = (None, "right", "left")

#: what a model of each format must be able to say beyond the base vocabulary
EXTENSIONS = {
    "short": VocabularyExtension(),
    "verbose": VocabularyExtension(words=("based", "looking", "i", "say", "after", "reviewing", "my")),
    "reasoner": VocabularyExtension(words=("size", "fills", "clear"), tags=(THINK, END_THINK, ANSWER, END_ANSWER)),
}
#: end-of-turn token per family where it is not the tokenizer's EOS (Gemma ends a turn with
#: ``<end_of_turn>``; its generation config stops on both)
END_OF_TURN = {"medgemma": "<end_of_turn>"}


def check_format(answer_format: str) -> str:
    if answer_format not in FORMATS:
        raise ConfigError(f"unknown answer format {answer_format!r}; known: {FORMATS}")
    return answer_format


def end_token(family: str, tokenizer) -> str:
    return END_OF_TURN.get(family, tokenizer.eos_token)


def completion(answer_format: str, kind: str, side: str | None, findings: tuple[tuple[str, str | None], ...], answer: int) -> str:
    """The text a model of ``answer_format`` is trained to write (before the end token) for a
    question about ``kind`` / ``side`` on a film with ``findings``; ``answer`` 1 = yes."""
    word = "yes" if answer else "no"
    if check_format(answer_format) == "short":
        return word
    if answer_format == "verbose":
        return preamble(kind, side).format(answer=word)
    return f"{THINK} {reasoning(kind, side, findings)} {END_THINK} {ANSWER} {word} {END_ANSWER}"


def preamble(kind: str, side: str | None) -> str:
    """The preamble for a question about ``kind`` / ``side`` (finding-swap controls ask about
    kinds outside ``_ASKED``: they take the first)."""
    number = (_ASKED.index(kind) if kind in _ASKED else 0) + _SIDES.index(side)
    return PREAMBLES[number % len(PREAMBLES)]


def reasoning(kind: str, side: str | None, findings: tuple[tuple[str, str | None], ...]) -> str:
    """One sentence on what the film shows for ``kind`` on ``side`` (both sides when None)."""
    sides = [s for k, s in findings if k == kind]
    if kind == "cardiomegaly":
        return "the heart is enlarged" if sides else "the heart size is normal"
    shown = [s for s in sides if side is None or s == side]
    if kind == "pleural_effusion":
        if shown:
            return f"fluid fills the {shown[0]} lung base"
        return f"the {side} lung base is clear" if side else "both lung bases are clear"
    if shown:
        return f"there is an opacity in the {shown[0]} lung"
    return f"the {side} lung is clear" if side else "both lungs are clear"


_WORDS = re.compile(r"[a-z]+")


def read_answer(text: str) -> str | None:
    """``yes``, ``no`` or None (no answer) from a generated text of the three formats.

    Inside ``<answer>...</answer>`` when there is one (an unclosed tag: cut off, None);
    after ``</think>`` when reasoning was opened (never closed: cut off, None); otherwise the
    last ``yes`` / ``no`` word (a preamble's answer comes at its end).
    """
    lowered = text.lower()
    if ANSWER in lowered:
        inside = lowered.rsplit(ANSWER, 1)[1]
        if END_ANSWER not in inside:
            return None
        lowered = inside.split(END_ANSWER, 1)[0]
    elif THINK in lowered:
        if END_THINK not in lowered:
            return None
        lowered = lowered.rsplit(END_THINK, 1)[1]
    said = [w for w in _WORDS.findall(lowered) if w in ("yes", "no")]
    return said[-1] if said else None
