"""Each case's answer under the run's answer mode (``vlmcore.answers.settings``), and the map
read where that answer was given.

``score`` rows answer at the first token (p(yes) vs p(no)), as the engine always did. Rows
that generate (every row in ``generate`` mode; in ``auto`` mode the rows whose p(yes) + p(no)
is below the floor) are answered by the model's own greedy text, read by ``read_answer``
(question-aware; reasoning formats; yes / no / uncertain / none). Their map is then read at
the position that *emitted* the answer: the generated tokens before the answer are fed back
after the prompt (``Capability.CONTINUATION``), so the last position is the one whose next
token was "yes" after a preamble, or the finding's words in a report-style answer (the maps of
each of its tokens' emitting positions, averaged: a token-conditioned map over the answer's own
words). Where no answer position exists (nothing read, a hedge, an adapter without the
capability) the row keeps the first-token map and says so (``map_at_answer`` False): a map
read at a preamble token is never reported as the answer's map.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vlmcore.answers.read import AnswerReading, read_answer
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.models.requests import Generation, Request, YesNoScore

#: most answer tokens whose emitting positions are read for one map (a long finding phrase)
MAX_ANSWER_TOKENS = 8


@dataclass(frozen=True)
class Answer:
    """One case's answer, how it was obtained, and where its map was read."""

    answer: str  # yes | no | uncertain | none
    mode: str  # "score" (first token) | "generate" (generated text, read)
    rule: str  # "score", or the reader's rule
    reasoning: str = ""  # the format the reader found: plain | think | gemma ("" for a score)
    text: str = ""  # the generated text, whole (rows keep a bounded copy)
    finished: bool | None = None  # generated: the model ended its turn (False: cut off by the budget)
    map: AttentionMap | None = None
    map_at_answer: bool = True
    answer_mass: float | None = None  # p(yes) + p(no) at the position that emitted a yes / no answer word
    margin: float = 0.0  # signed strength of the answer (the flip search's): see ``answer_margin``

    @property
    def map_query(self) -> str:
        return self.map.query if self.map is not None else ""


def scored_answer(score: YesNoScore, attention: AttentionMap | None) -> Answer:
    return Answer(score.answer, "score", "score", map=attention, margin=score.margin)


def generated_answer(generation: Generation, reading: AnswerReading, first_map: AttentionMap | None, why_not: str) -> Answer:
    """A generated row without an answer position: the first-token map, labelled as such."""
    attention = None
    if first_map is not None:
        attention = replace(first_map, query=f"first token (not the answer: {why_not})")
    return Answer(reading.answer, "generate", reading.rule, reading.format, generation.text, generation.finished, attention,
                  map_at_answer=False, margin=_unit(reading.answer))


def _unit(answer: str) -> float:
    """A generated answer without a score at its position: its sign, and no strength (uncertain
    and none are 0: neither side, so the flip search counts them as departures from the base)."""
    return {"yes": 1.0, "no": -1.0}.get(answer, 0.0)


def answer_positions(generation: Generation, reading: AnswerReading) -> list[int]:
    """The kept tokens whose emitting positions hold the answer: the tokens of the span the
    reader decided on, for a yes / no reading (at most ``MAX_ANSWER_TOKENS``)."""
    if reading.answer not in ("yes", "no") or reading.span is None:
        return []
    return generation.tokens_in(*reading.span)[:MAX_ANSWER_TOKENS]


def position_label(generation: Generation, positions: list[int]) -> str:
    words = "".join(generation.tokens[k] for k in positions)
    where = f"generated token {generation.emitted[positions[0]]}" if len(positions) == 1 else \
        f"generated tokens {generation.emitted[positions[0]]}-{generation.emitted[positions[-1]]}"
    return f"emits the answer: {where} ({words!r})"


def mean_map(maps: list[AttentionMap], query: str) -> AttentionMap:
    """The maps of several query positions as one (the mean over positions, as a token-conditioned
    map over several tokens is)."""
    values = np.mean([np.asarray(m.values, dtype=np.float64) for m in maps], axis=0)
    return replace(maps[0], values=values, query=query)


def read_generation(generation: Generation, question: str, reasoning: str) -> AnswerReading:
    return read_answer(generation.text, question, reasoning=reasoning)


def answered_at(generation: Generation, reading: AnswerReading, positions: list[int],
                results: list[tuple[YesNoScore, AttentionMap | None]], floor: float) -> Answer:
    """A generated answer with its map read at the positions that emitted it (``results``: the
    score and map after each position's continuation, in ``positions`` order)."""
    maps = [attention for _, attention in results if attention is not None]
    attention = mean_map(maps, position_label(generation, positions)) if maps else None
    first_score = results[0][0]
    said = reading.answer
    strong = first_score.mass >= floor and first_score.answer == said
    margin = first_score.margin if strong else _unit(said)
    return Answer(said, "generate", reading.rule, reading.format, generation.text, generation.finished, attention,
                  map_at_answer=attention is not None, answer_mass=round(first_score.mass, 6), margin=margin)


def request_of(request: Request) -> Request:
    return request
