"""A scripted model: answers from a rule, with a deterministic attention map.

It speaks the adapter interface the engine uses (``evaluate`` / ``score_yes_no``), so a
gate can be tested against known behaviour: a model that says yes whatever the image, one
that flips on passive questions, one that got worse. Its maps are labelled ``scripted``.

Given ``text``, it also *talks*: ``text(question, image)`` is what it writes (greedily), and
``generate`` returns it token by token, cut at the token budget. Its first token is then the
first word of that text: ``mass`` says how much p(yes) + p(no) it carries there (a preamble:
little), ``margin`` what p(yes) vs p(no) says there (first-token noise, if you like). Read
after generated tokens (``evaluate(..., continuations=...)``), the score and map are those of
the position that emits the next token: a yes / no word or a finding's name gets a sharp
margin and the finding's map; any other word (a preamble, reasoning, a tag) a low mass and an
*attention-sink* map (all mass in the top-left cell, identical for every question), the map
a suite must never pass off as the answer's. ``reasoning``: the format it declares
(``plain`` / ``think`` / ``gemma``), as a checkpoint's chat template would.
"""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.models.capabilities import Capability
from vlmcore.models.reasoning import ReasoningFormat
from vlmcore.models.requests import Generation, Request, YesNoScore

#: a scripted model's tokens: markup tags whole, words, single punctuation marks
TOKEN = re.compile(r"<[^>\s]+>|\w+|[^\w\s]")
#: words at whose emitting position the scripted model attends to the finding
ANSWER_WORDS = re.compile(r"(?i)yes|no|effusion|cardiomegaly|consolidation|pneumothorax|nodule|enlarged|opacity|fluid|heart")


def scripted_tokens(text: str) -> list[tuple[str, int]]:
    """(token, end offset) of ``text``: each token owns the whitespace before it."""
    return [(match.group(), match.end()) for match in TOKEN.finditer(text)]


class ScriptedAdapter:
    """Meets ``vlmcore.models.protocol.Adapter`` with no optional part: the question is the prompt,
    the map covers the whole film, the blank film keeps the film's shape. With ``text`` it also
    declares ``GENERATE``, ``REASONING`` and ``CONTINUATION``."""

    family = "scripted"
    capabilities: frozenset[Capability] = frozenset()

    def __init__(self, margin: Callable[[str, np.ndarray], float], *, name: str = "scripted", grid: tuple[int, int] = (8, 8),
                 fingerprint: str | None = None, text: Callable[[str, np.ndarray], str] | None = None,
                 mass: float | Callable[[str, np.ndarray], float] = 0.9, reasoning: str = "plain"):
        self.margin = margin
        self.name = name
        # the result cache and the flip store key on the fingerprint: give each behaviour its own
        self.fingerprint = fingerprint or f"scripted-{name}"
        self.grid_shape = grid
        self.dtype = "float32"
        self.device = "cpu"
        self.text = text
        self.mass = mass
        self.reasoning = reasoning
        self._vocabulary: dict[str, int] = {}
        if text is not None:
            self.capabilities = self.capabilities | {Capability.GENERATE, Capability.REASONING, Capability.CONTINUATION}

    # -- maps ------------------------------------------------------------------------------
    def _map(self, request: Request) -> AttentionMap:
        rows, cols = self.grid_shape
        y, x = np.mgrid[0:rows, 0:cols]
        spread = 1.5 + (len(request.question) % 5) * 0.1  # depends a little on wording, like a real map
        values = np.exp(-(((y - rows / 2 + 0.5) ** 2 + (x - cols / 2 + 0.5) ** 2) / (2 * spread**2)))
        return AttentionMap(values=values, method="scripted", grid=self.grid_shape)

    def _sink_map(self) -> AttentionMap:
        values = np.full(self.grid_shape, 1e-4)
        values[0, 0] = 1.0
        return AttentionMap(values=values, method="scripted", grid=self.grid_shape)

    # -- scores ------------------------------------------------------------------------------
    def _mass(self, request: Request) -> float:
        return float(self.mass(request.question, request.image)) if callable(self.mass) else float(self.mass)

    def _score(self, request: Request) -> YesNoScore:
        margin = float(self.margin(request.question, request.image))
        p_yes = 1 / (1 + math.exp(-margin))
        mass = self._mass(request)
        # the most likely first token is the one greedy decoding writes: the text's first, when the model talks
        top = ("yes" if margin > 0 else "no") if self.text is None else self._tokens(request)[0][0]
        return YesNoScore(p_yes=p_yes, margin=margin, mass=mass, top_token=top)

    def _tokens(self, request: Request) -> list[tuple[str, int]]:
        return scripted_tokens(self.text(request.question, request.image)) or [("", 0)]

    def _after(self, request: Request, count: int) -> tuple[YesNoScore, AttentionMap]:
        """Score and map at the position that emits scripted token ``count``."""
        tokens = self._tokens(request)
        following = tokens[count][0] if count < len(tokens) else ""
        if ANSWER_WORDS.fullmatch(following or "-"):
            said = following.lower()
            margin = 4.0 if said == "yes" else -4.0 if said == "no" else float(self.margin(request.question, request.image))
            mass = 0.95 if said in ("yes", "no") else 0.05
            return YesNoScore(1 / (1 + math.exp(-margin)), margin, mass, following), self._map(request)
        return YesNoScore(0.5, 0.0, 0.01, following or "<end>"), self._sink_map()

    # -- the adapter interface -----------------------------------------------------------------
    def evaluate(self, requests: list[Request], *, with_maps: bool = True, layers=None, fusion: str = "mean",
                 continuations: list | None = None):
        results = []
        for index, request in enumerate(requests):
            count = len(continuations[index]) if continuations is not None else 0
            if self.text is None or (count == 0 and self._mass(request) >= 0.5):
                score, attention = self._score(request), self._map(request)
            elif count == 0:
                score, attention = self._score(request), self._after(request, 0)[1]
            else:
                score, attention = self._after(request, count)
            results.append((score, attention if with_maps else None))
        return results

    def score_yes_no(self, requests: list[Request]) -> list[YesNoScore]:
        return [self._score(r) for r in requests]

    def generate(self, requests: list[Request], max_new_tokens: int = 16) -> list[Generation]:
        from vlmcore.answers import read_answer

        results = []
        for request in requests:
            full = self.text(request.question, request.image)
            tokens = scripted_tokens(full)[:max_new_tokens]
            finished = len(scripted_tokens(full)) <= max_new_tokens
            written = full[: tokens[-1][1]] if tokens else ""
            lead = len(written) - len(written.lstrip())
            ids = tuple(self._vocabulary.setdefault(token, len(self._vocabulary)) for token, _ in tokens)
            reading = read_answer(written.strip(), request.question, reasoning=self.reasoning_format().reading)
            results.append(Generation(written.strip(), reading.answer, reading.rule, ids, tuple(t for t, _ in tokens),
                                      tuple(end - lead for _, end in tokens), finished, tuple(range(len(tokens))), ids))
        return results

    def reasoning_format(self) -> ReasoningFormat:
        return ReasoningFormat(self.reasoning, f"scripted: declared {self.reasoning!r}")
