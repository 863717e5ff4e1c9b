"""Search for the paraphrase that flips a model's answer, with Hypothesis.

A paraphrase is drawn as a *program*: a lexical choice (keep the finding's wording or use a
synonym), a frame (keep the base frame or use one of a strategy's frames) and whether the
image reference is fronted. Each choice's first option is the identity, so Hypothesis
shrinks a flipping program toward the fewest transforms: the minimal flipping paraphrase.
``hypothesis.target`` on the signed yes/no margin steers generation toward the decision
boundary. The search is derandomized, so it tries the same examples every run (a gate must
not flicker); flips found are kept in a ``FlipStore`` keyed by model and group, and the next
run replays them first.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st

from vlmcore.paraphrase.generate import strategy_objects
from vlmcore.paraphrase.lexicon import synonyms_of
from vlmcore.paraphrase.question import QuestionParts, normalise_question, parse_question
from vlmcore.paraphrase.strategies.frames import base_frame
from vlmcore.paraphrase.validity import check_paraphrase


@dataclass(frozen=True)
class ParaphraseProgram:
    parts: QuestionParts
    synonym: str | None  # None: keep the base wording
    frame: tuple[str, int] | None  # (strategy label, frame index); None: the base frame
    fronted: bool

    @property
    def transforms(self) -> tuple[str, ...]:
        steps = []
        if self.synonym:
            steps.append(f"synonym:{self.synonym}")
        if self.frame:
            steps.append(f"{self.frame[0]}#{self.frame[1]}")
        if self.fronted:
            steps.append("front:image")
        return tuple(steps)

    def render(self) -> str:
        parts = self.parts.with_finding(self.synonym) if self.synonym else self.parts
        if self.fronted:
            parts = replace(parts, image_ref=False)
        raw = base_frame(parts)
        if self.frame:
            label, index = self.frame
            frames = [f for s in strategy_objects()[label] for f, _ in s.rewrite(parts)]
            raw = frames[index % len(frames)] if frames else raw
        if self.fronted and not raw.startswith("please"):
            raw = f"in this image, {raw[:1].lower()}{raw[1:]}"
        return normalise_question(raw)


def frame_choices(parts: QuestionParts) -> list[tuple[str, int]]:
    choices = []
    for label in ("voice", "phrasing", "register", "clause_reordering"):
        count = sum(len(s.rewrite(parts)) for s in strategy_objects()[label])
        choices += [(label, index) for index in range(count)]
    return choices


def paraphrase_programs(question: str) -> st.SearchStrategy[ParaphraseProgram]:
    """Programs over one base question; each component shrinks toward the identity."""
    parts = parse_question(question)
    return st.builds(
        ParaphraseProgram,
        parts=st.just(parts),
        synonym=st.sampled_from([None] + synonyms_of(parts.finding)),
        frame=st.sampled_from([None] + frame_choices(parts)),
        fronted=st.booleans(),
    )


def candidate_texts(question: str) -> list[str]:
    """Every distinct valid paraphrase the search can draw for ``question`` (about a hundred):
    scored in a few batched forwards up front, the search itself then needs no model call."""
    return list(_candidates(question)[0])


@lru_cache(maxsize=1024)  # many films share a base question; the candidates depend on the text only
def _candidates(question: str) -> tuple[tuple[str, ...], int]:
    """(valid candidate texts, how many distinct candidates are unverified)."""
    parts = parse_question(question)
    base = normalise_question(question).lower()
    texts = []
    for synonym in [None] + synonyms_of(parts.finding):
        for frame in [None] + frame_choices(parts):
            for fronted in (False, True):
                program = ParaphraseProgram(parts, synonym, frame, fronted)
                if program.transforms:
                    texts.append(program.render())
    distinct = [t for t in dict.fromkeys(texts) if t.lower() != base]
    verdicts = [check_paraphrase(question, t) for t in distinct]
    return tuple(t for t, v in zip(distinct, verdicts) if v), sum(v.status == "unverified" for v in verdicts)


class FlipStore:
    """Flips found earlier, replayed first on the next run: one small JSON file per key in a
    folder (so parallel workers never contend for one file).

    Hypothesis's own example database cannot be combined with a fixed seed (``seed()`` and
    ``derandomize`` switch it off), and a gate must be deterministic, so found flips are kept
    here. Keys include the model fingerprint: a new checkpoint searches afresh."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _file(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".json")

    def get(self, key: str) -> dict | None:
        path = self._file(key)
        if not path.is_file():
            return None
        entry = json.loads(path.read_text())
        return entry["program"] if entry.get("key") == key else None

    def put(self, key: str, program: "ParaphraseProgram") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {"key": key, "program": {"synonym": program.synonym, "frame": list(program.frame) if program.frame else None,
                                         "fronted": program.fronted}}
        temporary = self._file(key).with_suffix(f".tmp{os.getpid()}")
        temporary.write_text(json.dumps(entry, indent=1, sort_keys=True))
        temporary.replace(self._file(key))


@dataclass(frozen=True)
class FlipSearchResult:
    question: str
    base_margin: float
    found: bool
    paraphrase: str | None = None
    transforms: tuple[str, ...] = ()
    margin: float | None = None
    examples: int = 0
    replayed: bool = False
    unverified: int = 0  # candidates skipped because check_paraphrase could not verify them (never flips)


class _Flipped(Exception):
    def __init__(self, program: ParaphraseProgram, text: str, margin: float):
        super().__init__(text)
        self.program, self.text, self.margin = program, text, margin


def search_flip(margin_of: Callable[[str], float], question: str, *, budget: int = 60,
                store: FlipStore | None = None, key: str = "", all_scored: bool = False) -> FlipSearchResult:
    """Find a valid paraphrase of ``question`` whose answer differs from the base's.

    ``margin_of(text)`` is the model's yes-minus-no margin for that question on the group's
    image. A flip stored under ``key`` is replayed first; otherwise a derandomized search
    tries at most ``budget`` examples and stores what it finds.

    ``all_scored``: every ``candidate_texts`` margin is already known (cheap to read). When
    none of them disagrees with the base, no program can flip, so the search is skipped: the
    same "not found" it would return, decided over every candidate instead of ``budget``."""
    base_margin = margin_of(question)
    sign = 1.0 if base_margin > 0 else -1.0
    replay = _replay(store, key, question, sign, base_margin, margin_of)
    if replay is not None:
        return replay
    if all_scored:
        texts, unverified_count = _candidates(question)
        if all(sign * margin_of(text) > 0 for text in texts):
            return FlipSearchResult(question, base_margin, False, examples=len(texts), unverified=unverified_count)
    tried = [0]
    unverified = [0]

    @settings(max_examples=budget, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(paraphrase_programs(question))
    def probe(program: ParaphraseProgram) -> None:
        if not program.transforms:  # the base question itself, re-rendered: not a paraphrase, never a "flip"
            return
        text = program.render()
        if text.lower() == normalise_question(question).lower():
            return
        verdict = check_paraphrase(question, text)
        if verdict.status == "unverified":
            unverified[0] += 1
        if not verdict:
            return
        tried[0] += 1
        agreement = sign * margin_of(text)
        target(-agreement, label="toward the decision boundary")
        if agreement <= 0:
            raise _Flipped(program, text, sign * agreement)

    try:
        probe()
    except _Flipped as flipped:
        if store is not None:
            store.put(key, flipped.program)
        return FlipSearchResult(question, base_margin, True, flipped.text, flipped.program.transforms, flipped.margin, tried[0],
                                unverified=unverified[0])
    return FlipSearchResult(question, base_margin, False, examples=tried[0], unverified=unverified[0])


def _replay(store, key, question, sign, base_margin, margin_of) -> FlipSearchResult | None:
    stored = store.get(key) if store is not None else None
    if stored is None:
        return None
    frame = tuple(stored["frame"]) if stored["frame"] else None
    program = ParaphraseProgram(parse_question(question), stored["synonym"], frame, stored["fronted"])
    if not program.transforms:
        return None
    text = program.render()
    margin = sign * margin_of(text)
    if margin > 0:  # no longer flips: search again
        return None
    return FlipSearchResult(question, base_margin, True, text, program.transforms, sign * margin, 1, replayed=True)
