"""``read_answer``: a model's free-text output -> yes / no / uncertain / none, with the rule
that decided and the span it read.

Reads the way a radiologist would, and never guesses. First the answer's place in a
reasoning output (``formats``: after ``</think>``, inside ``<answer>``, after MedGemma's
``<unused94>…<unused95>`` thought channel; reasoning cut off is *no answer*). Then, the
first rule that decides:

1. empty -> none; "yes and no" -> uncertain; a refusal ("I cannot determine", "as an AI")
   -> none;
2. an explicit answer ("Answer: yes", "the final answer is no"), the last one after any
   reasoning -> that answer, unless what follows it hedges or contradicts it (-> uncertain);
3. an answer word hedged ("probably not", "yes, possibly") -> uncertain;
4. a standalone answer word ("Yes,", "**No**", "..., therefore, no.") -> that answer, unless
   the rest of the text contradicts it for the asked finding ("Yes, there is an effusion on
   the right." asked about the left) -> uncertain;
5. the text read as findings (``judge``): the finding the question names, with its side,
   location and time; negation, uncertainty and time bound to each finding; a bare finding
   phrase states it; several findings per sentence.

How outcomes count (the engine's rule)
--------------------------------------
``outcome(reading, expected)`` returns one of ``right``, ``wrong``, ``uncertain``, ``no answer``:

- ``yes`` / ``no`` is *right* or *wrong* against the expected answer: the only readings that
  are ever wrong;
- ``uncertain`` (the model hedged) and ``none`` (nothing to read: empty, refusal, reasoning
  cut off, text about something else) are *extraction failures*, reported apart from wrong
  answers and never counted as right: accuracy's denominator keeps them, so a model cannot
  gain by not answering;
- for consistency, ``uncertain`` is an answer like any other (hedging on one phrasing and not
  on another is inconsistent), while a pair with a ``none`` side cannot be compared and is
  left out and counted;
- when ``none`` readings exceed the engine's bound on a model's cases, its answer metrics are
  NOT EVALUATED with that reason: a verdict is never drawn from answers that were not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.answers import cues, framing
from vlmcore.answers.formats import answer_region
from vlmcore.answers.judge import Judgement, judge
from vlmcore.language import read_statement

ANSWERS = ("yes", "no", "uncertain", "none")
OUTCOMES = ("right", "wrong", "uncertain", "no answer")


@dataclass(frozen=True)
class AnswerReading:
    answer: str  # "yes" | "no" | "uncertain" | "none"
    rule: str  # the rule that decided (e.g. "leading-word", "negation-cue", "reasoning-cut-off")
    span: tuple[int, int] | None  # characters of the output read to decide, or None
    format: str = "plain"  # the reasoning format read: "plain" | "think" | "gemma"

    @property
    def extraction_failure(self) -> bool:
        """Not a yes / no: reported apart from wrong answers."""
        return self.answer in ("uncertain", "none")

    def evidence(self, text: str) -> str:
        """The words the decision was read from."""
        return text[self.span[0]:self.span[1]] if self.span else ""


def outcome(reading: AnswerReading, expected: str) -> str:
    """``right`` | ``wrong`` | ``uncertain`` | ``no answer`` (see the module docstring)."""
    if reading.answer == "none":
        return "no answer"
    if reading.answer == "uncertain":
        return "uncertain"
    return "right" if reading.answer == expected.strip().lower() else "wrong"


def read_answer(text: str, question: str | None = None, *, reasoning: str = "auto") -> AnswerReading:
    """Read a model's output as the answer to ``question``. ``reasoning``: ``auto`` (detect),
    ``plain``, ``think`` (R1-style tags) or ``gemma`` (MedGemma's thought channel)."""
    return read_with(read_statement, text or "", question, reasoning)


def read_with(statement_reader, text: str, question: str | None, reasoning: str = "auto") -> AnswerReading:
    """``read_answer`` with another reader of findings (used to compare clinical NLP libraries)."""
    region = answer_region(text, reasoning)
    if region.failure:
        return AnswerReading("none", region.failure, (region.start, region.end), region.format)
    body = cues.clean(text[region.start:region.end])
    decided = _decide(statement_reader, body, question)
    span = (region.start + decided.span[0], region.start + decided.span[1]) if decided.span else None
    return AnswerReading(decided.answer, decided.rule, span, region.format)


def _decide(statement_reader, body: str, question: str | None) -> Judgement:
    if not any(ch.isalnum() for ch in body):
        return Judgement("none", "empty")
    body, only_echo = framing.unframed(body)
    if only_echo:
        return Judgement("none", "echo")
    corrected = framing.corrected(body)
    if corrected != body:  # "Yes. Actually, on closer review, there is no pneumothorax"
        decided = _answer(statement_reader, corrected, question)
        if decided.answer != "none":
            return decided
    return _answer(statement_reader, body, question)


def _answer(statement_reader, body: str, question: str | None) -> Judgement:
    if not any(ch.isalnum() for ch in body):
        return Judgement("none", "empty")
    both = cues.YES_AND_NO.search(body)
    if both:
        return Judgement("uncertain", "yes-and-no", both.span())
    refusal = cues.REFUSAL.search(body)
    if refusal:
        return Judgement("none", "refusal", refusal.span())
    explicit = cues.explicit_answers(body)
    if explicit:
        last = explicit[-1]
        return _checked(statement_reader, body, question, last, "explicit-answer")
    hedged = cues.HEDGED_ANSWER.search(body)
    if hedged:
        return Judgement("uncertain", "hedge", hedged.span())
    words = cues.answer_words(body) or [said for said in [cues.cjk_answer(body)] if said]
    if words:
        if len({w.answer for w in words}) > 1:
            return Judgement("uncertain", "yes-and-no", (words[0].start, words[-1].end))
        return _checked(statement_reader, body, question, words[-1], "leading-word")
    return judge(statement_reader(body), question)


def _checked(statement_reader, body: str, question: str | None, said: cues.Said, rule: str) -> Judgement:
    """The stated answer, unless what follows it hedges about or contradicts the asked finding."""
    if said.answer == "uncertain":
        return Judgement("uncertain", rule, (said.start, said.end))
    rest = body[said.end:]
    statement = statement_reader(rest) if rest.strip(" .,;:!\n") else None
    after = judge(statement, question) if statement is not None else Judgement("none", "")
    if after.answer == "uncertain" and after.rule in ("hedge", "qualified-negation"):
        return Judgement("uncertain", "hedge", _shift(after.span, said.end))
    if after.answer == "none" and statement is not None and (statement.hedges or statement.aside_hedges):
        # "Answer: yes. This could also represent artefact.": a hedge after the answer reopens it
        return Judgement("uncertain", "hedge", _shift((statement.hedges + statement.aside_hedges)[0], said.end))
    if after.answer in ("yes", "no") and after.answer != said.answer:
        name = "contradictory-leading-word" if rule == "leading-word" else "contradictory-answer"
        return Judgement("uncertain", name, (said.start, said.end))
    return Judgement(said.answer, rule, (said.start, said.end))


def _shift(span: tuple[int, int] | None, offset: int) -> tuple[int, int] | None:
    return (span[0] + offset, span[1] + offset) if span else None
