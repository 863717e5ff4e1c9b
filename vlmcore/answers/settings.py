"""How a run gets each answer: the answer mode, the reasoning format, the token budgets, and
the bounds beyond which a model's answers are not trusted to judge it.

Modes (``[answers] mode`` in the thresholds file, ``--vlm-answer-mode`` on the command line):

- ``score``: one forward; the answer is p(yes) vs p(no) at the first answer token. Cheapest,
  and right for a model that answers with the word. For a model that starts with a preamble
  ("Based on the chest X-ray, ...") or reasons first, the first token is not its answer:
  p(yes) + p(no) there is small (*low mass*), and the answer is noise.
- ``generate``: every answer is generated (greedy, up to the token budget, stopping at the end
  of the turn) and read from the text with ``read_answer``.
- ``auto`` (default): the score where p(yes) + p(no) is at least ``min_answer_mass``
  (``[thresholds]``), generation where it is not. A model that answers with the word costs
  what ``score`` costs; only the rows it does not answer at the first token generate.

Bounds (a verdict is never drawn from answers that were not read):

- ``max_low_mass_share``: more answers than this taken from a low-mass first token (``score``
  mode, or an adapter that cannot generate) make the model NOT EVALUATED, never FAIL;
- ``max_no_answer_share``: more generated answers than this with nothing to read (empty,
  refused, reasoning cut off by the budget) make it NOT EVALUATED too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from vlmcore.answers.formats import REASONING_FORMATS

ANSWER_MODES = ("score", "generate", "auto")
#: characters of a generated text a row keeps (the head and the tail, where the answer is)
ROW_TEXT_CHARS = 600


@dataclass(frozen=True)
class AnswerSettings:
    mode: str = "auto"
    reasoning: str = "auto"  # auto (detected from the checkpoint) | plain | think | gemma
    max_new_tokens: int = 48  # a plain answer, preamble included
    reasoning_max_new_tokens: int = 512  # a reasoning format's budget: thinking first, then the answer
    max_low_mass_share: float = 0.1
    max_no_answer_share: float = 0.1

    def __post_init__(self) -> None:
        if self.mode not in ANSWER_MODES:
            raise ValueError(f"answer mode {self.mode!r} is not one of {', '.join(ANSWER_MODES)}")
        if self.reasoning not in REASONING_FORMATS:
            raise ValueError(f"reasoning format {self.reasoning!r} is not one of {', '.join(REASONING_FORMATS)}")

    def budget(self, reasoning: str) -> int:
        """New tokens a generation may take for a model answering in ``reasoning`` format."""
        return self.reasoning_max_new_tokens if reasoning in ("think", "gemma") else self.max_new_tokens

    def to_json(self) -> dict:
        return asdict(self)


#: ``[answers]`` keys: (schema, default) in the thresholds schema's terms (``verdict.thresholds``)
ANSWER_SCHEMA = {
    "mode": (("choice", *ANSWER_MODES), AnswerSettings.mode),
    "reasoning": (("choice", *REASONING_FORMATS), AnswerSettings.reasoning),
    "max_new_tokens": (("int", 1, 4096), AnswerSettings.max_new_tokens),
    "reasoning_max_new_tokens": (("int", 1, 32768), AnswerSettings.reasoning_max_new_tokens),
    "max_low_mass_share": (("float", 0.0, 1.0), AnswerSettings.max_low_mass_share),
    "max_no_answer_share": (("float", 0.0, 1.0), AnswerSettings.max_no_answer_share),
}


def bounded_text(text: str, limit: int = ROW_TEXT_CHARS) -> str:
    """``text`` as a row keeps it: whole when short, else its head and its tail (where a
    reasoning model's answer is) around a marker saying how much was left out."""
    if len(text) <= limit:
        return text
    head = limit // 3
    tail = limit - head
    return f"{text[:head]} [... {len(text) - head - tail} characters ...] {text[-tail:]}"
