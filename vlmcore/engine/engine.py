"""The session engine for one model: evaluate once, assert many.

``Engine.group(group_id)`` evaluates every case of one image's paraphrase group in one
batched forward (answers and maps from the same pass), computes map metrics, and caches
the result; test functions only read. Each evaluated group is pushed to ``on_group`` (the
plugin's session), so the report sees exactly what the tests saw.

Answers follow the run's answer mode (``AnswerSettings``; ``engine.answering`` says how):
first-token scores, generated text read by ``read_answer``, or the score where the model
answers at the first token and generation where it does not.
"""

from __future__ import annotations

import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

import numpy as np

from vlmcore.anatomy import body_mask, view_of
from vlmcore.answers.settings import AnswerSettings, bounded_text
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.data.case import Dataset, ParaphraseGroup
from vlmcore.data.images import load_image
from vlmcore.engine.map_metrics import map_metrics
from vlmcore.engine.probes import ChunkProbes
from vlmcore.grounding.films import DEFAULT_METHOD
from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError, VlmcoreError
from vlmcore.engine import answering
from vlmcore.engine.answering import Answer
from vlmcore.engine.cache_key import result_key
from vlmcore.engine.films import RetainedFilms
from vlmcore.engine.result_store import ResultStore
from vlmcore.metrics import js_divergence
from vlmcore.models.answer_tokens import is_answer_token
from vlmcore.models.capabilities import Capability
from vlmcore.models.protocol import check_adapter
from vlmcore.models.reasoning import ReasoningFormat
from vlmcore.models.requests import Generation, Request, YesNoScore, image_hash
from vlmcore.models.view import pixel_bounds, whole_film

if TYPE_CHECKING:
    from vlmcore.grounding.plan import GroundingPlan

BLANK_LEVEL = 128  # mid-grey film for the image-reliance check


class ModelStopped(VlmcoreError, RuntimeError):
    """The model's outputs cannot be measured (NaN / inf scores): it is stopped, NOT EVALUATED."""


def _finite(score: YesNoScore, attention: AttentionMap | None) -> bool:
    if not all(math.isfinite(v) for v in (score.p_yes, score.margin, score.mass)):
        return False
    return attention is None or bool(np.isfinite(attention.values).all())


@dataclass
class GroupEvaluation:
    group: ParaphraseGroup
    rows: list[VariantRow]
    maps: dict[str, AttentionMap]  # case_id -> map
    films: RetainedFilms = field(repr=False)  # the engine's recent films: this group's is decoded again once released
    probes: list[VariantRow] = field(default_factory=list)  # the group's counterfactual trials (``vlmcore.grounding``)
    #: the counterfactual film of the engine's first trial of each probe arm (trial case id -> film), for the report
    examples: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def image(self) -> np.ndarray:
        return self.films.get(self.group.image_path)

    def probe_rows(self, kind: str) -> list[VariantRow]:
        return [r for r in self.probes if r.probe.kind == kind]

    def row(self, case_id: str) -> VariantRow:
        return next(r for r in self.rows if r.case_id == case_id)

    @property
    def base(self) -> VariantRow:
        return next(r for r in self.rows if r.relation == "base")

    def of(self, relation: str) -> list[VariantRow]:
        return [r for r in self.rows if r.relation == relation]


class Engine:
    """Evaluates a dataset's groups for one model, several films per forward.

    ``group(id)`` returns the group's evaluation; the first request for a group not yet
    evaluated evaluates it together with the following unevaluated groups (dataset order) in
    one *chunk*: up to ``films_per_forward`` films and ``budget.requests`` requests per forward.
    Results never depend on the chunk (each film's prefix feeds only its own questions; test:
    batch composition invariance). The blank film of the image-reliance pass is one constant
    film per shape the adapter sees (``blank_shape``), pinned in the adapter so its prefix runs
    once per run, and its answers are stored per question: a question asked on many films is
    answered blank once. The counterfactual probes' films (``grounding``: partner films, mirrored
    and occluded films) are asked in the same call as the blank film's (``engine.probes``). Images of
    the next chunk load on a small thread pool while the model runs. A CUDA out-of-memory error halves the batch, retries, and lowers the budget for the
    rest of the run (a visible event).
    """

    def __init__(self, adapter, dataset: Dataset, *, model_key: str, boxes: dict | None = None,
                 on_group: Callable[["GroupEvaluation"], None] | None = None, batch_size: int = 64,
                 store: ResultStore | None = None, progress: Callable[[int], None] | None = None, mass_floor: float = 0.5,
                 films_per_forward: int = 8, prefetch: bool = True, answers: AnswerSettings = AnswerSettings(),
                 grounding: "GroundingPlan | None" = None, occlusion_method: str = DEFAULT_METHOD):
        self.adapter = check_adapter(adapter, f"the adapter of {model_key}")
        self._capabilities = frozenset(adapter.capabilities)
        self.mass_floor = mass_floor  # below it, the yes/no answer is flagged unreliable in the row (auto: it generates)
        self.answers = answers  # the answer mode, reasoning format, token budgets
        self._reasoning: ReasoningFormat | None = None
        self.store = store
        self.progress = progress
        self.events: list[str] = []  # visible degradations (OOM splits), reported
        self.dataset = dataset
        self.model_key = model_key
        self.boxes = boxes or {}
        self.on_group = on_group
        self.batch_size = batch_size  # most requests in one forward; lowered on out-of-memory
        self.films_per_forward = max(1, films_per_forward)
        self.model_calls = {"groups": 0, "flip_search": 0}  # adapter calls by purpose (a warm rerun makes none)
        self.generated = {"groups": 0, "flip_search": 0}  # requests answered by generation (computed, not read from the store)
        self.seconds = {"groups": 0.0, "flip_search": 0.0}  # time spent evaluating (store reads included)
        self.seconds["on_group"] = 0.0  # time in ``on_group`` (the collector's journal and overlays): not evaluation
        self._groups = {group.group_id: group for group in dataset.groups}
        self._order = list(self._groups)
        self._evaluated: dict[str, GroupEvaluation] = {}
        self._images = ImagePrefetch(enabled=prefetch, prepare=adapter.prepare_film if Capability.PREPARE_FILM in self._capabilities
                                     else None)
        self._films = RetainedFilms(capacity=2 * self.films_per_forward)  # evaluated groups do not hold their films
        self.stopped = ""  # why this model was stopped (non-finite scores); every later request raises it
        self.grounding = grounding  # None: no counterfactual probes
        self.occlusion_method = occlusion_method
        self._left_out: dict[str, int] = {}  # counterfactual blocks that could not be made, by reason
        self._shown: set[tuple[str, str]] = set()  # probe arms whose example film went to the report

    def group_ids(self) -> list[str]:
        return list(self._groups)

    def group(self, group_id: str) -> GroupEvaluation:
        if group_id not in self._evaluated:
            if group_id not in self._groups:
                raise ConfigError(f"unknown group {group_id!r}")
            started = time.perf_counter()
            chunk = self._chunk_from(group_id)
            images = self._load_films(group_id, chunk)
            self._images.ahead(self._films_of(self._chunk_after(chunk)))
            for evaluation in self._evaluate_chunk([self._groups[g] for g in images], list(images.values())):
                self._evaluated[evaluation.group.group_id] = evaluation
            self.seconds["groups"] += time.perf_counter() - started
            started = time.perf_counter()
            for group in chunk:
                if self.on_group is not None and group in self._evaluated:
                    self.on_group(self._evaluated[group])
            self.seconds["on_group"] += time.perf_counter() - started
        return self._evaluated[group_id]

    def all_groups(self) -> list[GroupEvaluation]:
        return [self.group(group_id) for group_id in self._groups]

    def _chunk_from(self, group_id: str) -> list[str]:
        """``group_id`` and the unevaluated groups after it, within the film and request budget."""
        start = self._order.index(group_id)
        following = [self._groups[g] for g in self._order[start:] if g not in self._evaluated]
        return next_chunk(following, self.films_per_forward, self.batch_size)

    def evaluate_groups(self, group_ids: list[str]) -> list[GroupEvaluation]:
        """Exactly these groups as one chunk (a Ray replica's share; ``plan_chunks`` made it)."""
        todo = [g for g in group_ids if g not in self._evaluated]
        if todo:
            images = {g: self._images.get(self._groups[g].image_path) for g in todo}
            for evaluation in self._evaluate_chunk([self._groups[g] for g in todo], list(images.values())):
                self._evaluated[evaluation.group.group_id] = evaluation
        return [self._evaluated[g] for g in group_ids]

    def _load_films(self, group_id: str, chunk: list[str]) -> dict[str, np.ndarray]:
        """Each chunk member's film. A film that fails to load fails its own group's cases
        (raised here for the group asked for) and is left out of another group's chunk."""
        images = {}
        for member in chunk:
            try:
                images[member] = self._images.get(self._groups[member].image_path)
            except Exception:
                if member == group_id:
                    raise
        return images

    def _films_of(self, group_ids: list[str]) -> list:
        """The films these groups read: their own and their label-swap partners'."""
        films = [self._groups[g].image_path for g in group_ids]
        if self.grounding is not None:
            films += [path for g in group_ids for path in self.grounding.partner_films(g)]
        return list(dict.fromkeys(films))

    def _chunk_after(self, chunk: list[str]) -> list[str]:
        position = self._order.index(chunk[-1]) + 1
        following = [g for g in self._order[position:] if g not in self._evaluated]
        return following[: len(chunk)]

    # -- scoring through the store ---------------------------------------------------------
    def score(self, requests: list[Request], with_maps: bool, purpose: str = "groups"):
        """Scores (and maps) for ``requests`` on any films: what the store holds is read, the
        rest is evaluated in forwards of at most ``batch_size`` requests and stored in one
        transaction. Identical requests are evaluated once."""
        dtype = str(self.adapter.dtype)  # once per call: reading it walks the model's parameters
        keys = [self._key(r.image_key, r.question, with_maps, dtype=dtype) for r in requests]
        ahead = self.adapter.encode_ahead if Capability.ENCODE_AHEAD in self._capabilities else None
        return self._cached(keys, requests, lambda batch: self._evaluate_splitting(batch, with_maps),
                            lambda value: _encode(*value), _decode, purpose, announce=ahead)

    def _cached(self, keys: list[str], items: list, compute: Callable[[list], list], encode: Callable, decode: Callable,
                purpose: str, scored: bool = True, announce: Callable[[list], None] | None = None) -> list:
        """What the store holds for ``keys`` is read; the rest computed by ``compute`` in batches of
        at most ``batch_size`` and stored in one transaction. Identical keys are computed once.
        ``scored``: the values are (score, map) pairs, checked finite (``_check_finite``).
        ``announce``: told each batch one batch ahead of its forward, when there are several
        (``Capability.ENCODE_AHEAD``: its encoding leaves the critical path)."""
        if self.stopped:
            raise ModelStopped(self.stopped)
        found = self._read(keys, decode, scored)
        missing = {}
        for key, item in zip(keys, items):
            if key not in found:
                missing.setdefault(key, item)
        if missing:
            todo = list(missing.values())
            results = []
            size = self.batch_size
            if announce is not None and len(todo) > size:
                announce(todo[:size])
            while len(results) < len(todo):
                self.model_calls[purpose] += 1
                start = len(results)
                if announce is not None and start + size < len(todo):
                    announce(todo[start + size: start + 2 * size])  # encoded while this batch's forward runs
                results += compute(todo[start: start + size])
                size = self.batch_size  # lowered by an out-of-memory split: what is announced no longer matches, and is encoded anew
            if scored:
                self._check_finite(todo, results)
            computed = dict(zip(missing, results))
            if self.store is not None:
                self.store.put_many({k: encode(value) for k, value in computed.items()})
            found.update(computed)
        return [found[k] for k in keys]

    def _check_finite(self, requests: list[Request], results: list) -> None:
        """NaN / inf logits would read as "no" answers: the model is stopped instead, nothing of the
        batch is stored, and the verdict reads NOT EVALUATED with this reason."""
        bad = [request for request, (score, attention) in zip(requests, results) if not _finite(score, attention)]
        bad = [request[0] if isinstance(request, tuple) else request for request in bad]  # (request, continuation) items
        if bad:
            self.stopped = (f"{self.model_key}: non-finite scores (NaN / inf) on {len(bad)} of {len(requests)} requests of a "
                            f"batch, e.g. {bad[0].question!r}: the model was stopped and is NOT EVALUATED (broken weights "
                            "or numerics; its answers would have read as 'no')")
            raise ModelStopped(self.stopped)

    def margins(self, image: np.ndarray, film: str, questions: list[str]) -> dict[str, float]:
        """Signed answer margins of ``questions`` on one film under the run's answer mode, through
        the store (the flip search's candidates: a warm rerun reads them all). A first-token answer:
        its yes-minus-no margin; a generated one: the margin at the position that emitted it
        (``Answer.margin``)."""
        started = time.perf_counter()
        requests = [Request(image, q, film) for q in questions]
        scored = self.score(requests, with_maps=False, purpose="flip_search")
        answers = self.answer(requests, scored, with_maps=False, purpose="flip_search")
        self.seconds["flip_search"] += time.perf_counter() - started
        return {q: answer.margin for q, answer in zip(questions, answers)}

    # -- answers under the run's answer mode ---------------------------------------------------
    @property
    def reasoning(self) -> ReasoningFormat:
        """The reasoning format: the user's (``[answers] reasoning``), else the adapter's detection.
        A user's ``think`` / ``gemma`` is strict (read with that format: the prompt may open the
        block); a user's ``plain`` sets the plain budget but the markers in each output still
        decide the reading, so reasoning cut off by that budget is reported as such."""
        if self._reasoning is None:
            if self.answers.reasoning != "auto":
                self._reasoning = ReasoningFormat(self.answers.reasoning, "set by --vlm-reasoning / [answers] reasoning",
                                                  strict=self.answers.reasoning != "plain")
            elif Capability.REASONING in self._capabilities:
                self._reasoning = self.adapter.reasoning_format()
            else:
                self._reasoning = ReasoningFormat("plain", "the adapter does not declare a reasoning format")
        return self._reasoning

    def generates(self, score: YesNoScore) -> bool:
        """Whether this case is answered by generation: always in ``generate`` mode, never in
        ``score`` mode; in ``auto`` mode below the mass floor, and wherever the most likely first
        token is not an answer word. (A first token split, say, 0.30 "yes" / 0.25 "no" / 0.45 "The"
        clears the floor, but greedy decoding writes "The ..." and its answer may be the other one.)"""
        mode = self.answers.mode
        if mode != "auto":
            return mode == "generate"
        return score.mass < self.mass_floor or (bool(score.top_token) and not is_answer_token(score.top_token))

    def answer(self, requests: list[Request], scored: list, *, with_maps: bool, purpose: str = "groups") -> list[Answer]:
        """Each request's answer under the run's mode, from its first-token ``scored`` (score, map)."""
        answers: list[Answer | None] = [None if self.generates(score) else answering.scored_answer(score, attention)
                                        for score, attention in scored]
        todo = [i for i, a in enumerate(answers) if a is None]
        if todo and Capability.GENERATE not in self._capabilities:
            message = (f"{self.model_key}: {len(todo)} answer(s) should have been generated (answer mode {self.answers.mode}) but "
                       "the adapter cannot generate (it does not declare the generate capability): they are read from the "
                       "first token")
            if message not in self.events:
                self.events.append(message)
            return [a or answering.scored_answer(*scored[i]) for i, a in enumerate(answers)]
        if not todo:
            return answers
        generations = self.generations([requests[i] for i in todo], purpose)
        readings = [answering.read_generation(g, requests[i].question, self.reasoning.reading) for i, g in zip(todo, generations)]
        positioned: list[tuple[int, Generation, object, list[int]]] = []
        for i, generation, reading in zip(todo, generations, readings):
            # the position that emitted the answer is read with or without maps: its margin is the
            # answer's strength (the flip search ranks candidates by it)
            positions = answering.answer_positions(generation, reading)
            if positions and Capability.CONTINUATION in self._capabilities:
                positioned.append((i, generation, reading, positions))
                continue
            why = ("no answer was read" if reading.answer == "none" else "the model hedged" if reading.answer == "uncertain"
                   else "the adapter cannot read maps after generated tokens")
            first = answering.generated_answer(generation, reading, scored[i][1], why)
            answers[i] = replace(first, margin=first.margin if reading.answer != "none" else 0.0)
        if positioned:
            flat = [(requests[i], generation.continuation(k)) for i, generation, _, positions in positioned for k in positions]
            results = iter(self.continued([r for r, _ in flat], [c for _, c in flat], purpose))
            for i, generation, reading, positions in positioned:
                answers[i] = answering.answered_at(generation, reading, positions, [next(results) for _ in positions],
                                                   self.mass_floor)
                if not with_maps:  # read for its margin only
                    answers[i] = replace(answers[i], map=None)
        return answers

    def generations(self, requests: list[Request], purpose: str = "groups") -> list[Generation]:
        """Greedy generations through the store, keyed by the token budget and decoding."""
        budget = self.answers.budget(self.reasoning.name)
        computed = {"kind": "generate", "max_new_tokens": budget, "decoding": "greedy, stop at the end of the turn"}
        dtype = str(self.adapter.dtype)
        keys = [self._key(r.image_key, r.question, False, computed, dtype=dtype) for r in requests]

        def run(batch: list[Request]) -> list[Generation]:
            self.generated[purpose] += len(batch)
            return self._splitting(batch, lambda part: self.adapter.generate(part, max_new_tokens=budget))

        return self._cached(keys, requests, run, _encode_generation, _decode_generation, purpose, scored=False)

    def continued(self, requests: list[Request], continuations: list[tuple[int, ...]], purpose: str = "groups") -> list:
        """(score, map) read after each request's generated tokens, through the store."""
        keys = [self._key(r.image_key, r.question, True, {"kind": "continuation", "tokens": list(c)})
                for r, c in zip(requests, continuations)]
        items = list(zip(requests, continuations))

        def run(batch: list) -> list:
            return self._splitting(batch, lambda part: self.adapter.evaluate([r for r, _ in part], with_maps=True,
                                                                             continuations=[c for _, c in part]))

        return self._cached(keys, items, run, lambda value: _encode(*value), _decode, purpose)

    def _read(self, keys: list[str], decode: Callable = None, scored: bool = True) -> dict:
        decode = decode or _decode
        if self.store is None:
            return {}
        found = {}
        for key, value in self.store.get_many(keys).items():
            try:
                found[key] = decode(value)
                if scored and not _finite(*found[key]):
                    del found[key]
                    raise ValueError("non-finite cached value")
            except (KeyError, TypeError, ValueError, IndexError):  # a damaged entry: recomputed, never dropped
                message = f"{self.model_key}: malformed cached result; recomputed"
                if message not in self.events:
                    self.events.append(message)
        return found

    def _evaluate_splitting(self, requests: list[Request], with_maps: bool):
        return self._splitting(requests, lambda part: self.adapter.evaluate(part, with_maps=with_maps))

    def _splitting(self, requests: list, run: Callable[[list], list]) -> list:
        """On CUDA out-of-memory, split the batch in halves, retry, and keep the smaller budget."""
        try:
            return run(requests)
        except Exception as error:  # torch.OutOfMemoryError, matched by name so torch stays optional here
            if type(error).__name__ != "OutOfMemoryError" or len(requests) == 1:
                raise
            torch = sys.modules.get("torch")
            if torch is not None and torch.cuda.is_available():
                torch.cuda.empty_cache()
            half = len(requests) // 2
            self.batch_size = min(self.batch_size, len(requests) - half)  # the larger half is tried next
            self.events.append(f"{self.model_key}: CUDA out of memory on a batch of {len(requests)}; split into {half} + "
                               f"{len(requests) - half}; at most {self.batch_size} requests per forward from now on")
            return self._splitting(requests[:half], run) + self._splitting(requests[half:], run)

    def _key(self, film: str, question: str, with_maps: bool, computed: dict | None = None, dtype: str | None = None) -> str:
        return result_key(fingerprint=self.adapter.fingerprint, prompt=self.prompt(question), image_hash=film, question=question,
                          with_map=with_maps, dtype=dtype or str(self.adapter.dtype), computed=computed)

    def prompt(self, question: str) -> str:
        """The text the model reads (``Capability.PROMPT``; the question itself otherwise)."""
        return self.adapter.prompt(question) if Capability.PROMPT in self._capabilities else question

    def view_region(self, image: np.ndarray) -> tuple[float, float, float, float]:
        """The part of the film the model sees (``Capability.VIEW_REGION``; the whole film otherwise)."""
        if Capability.VIEW_REGION in self._capabilities:
            return tuple(float(v) for v in self.adapter.view_region(image.shape))
        return whole_film(image.shape)

    def blank_film(self, image: np.ndarray) -> np.ndarray:
        """The image-reliance pass's constant film. Adapters whose processor resizes every film
        to one grid say any shape will do (``Capability.BLANK_SHAPE``), so one blank serves the run."""
        shape = tuple(self.adapter.blank_shape(image.shape)) if Capability.BLANK_SHAPE in self._capabilities else image.shape
        return np.full(shape, BLANK_LEVEL, dtype=image.dtype)

    # -- one chunk of groups -----------------------------------------------------------------
    def _evaluate_chunk(self, groups: list[ParaphraseGroup], images: list[np.ndarray]) -> list[GroupEvaluation]:
        films = [image_hash(image) for image in images]  # once per group, not once per question
        requests = [Request(image, case.question, film) for group, image, film in zip(groups, images, films) for case in group.cases]
        scored = self.score(requests, with_maps=True)
        blanks = []
        for group, image in zip(groups, images):
            blank = self.blank_film(image)
            blank_key = image_hash(blank)
            if Capability.PIN_FILM in self._capabilities:
                self.adapter.pin_film(blank_key)
            blanks += [Request(blank, case.question, blank_key) for case in group.cases]
        probes = ChunkProbes(self.grounding, groups, images, films, self._images.get, self.occlusion_method) \
            if self.grounding is not None else None
        extra = self._score_by_films(blanks + (probes.requests if probes else []))  # probe films batched like the blank's
        blank_scores = extra[:len(blanks)]
        answers = self.answer(requests, scored, with_maps=True)  # the chunk's generations batched together
        blank_answers = self.answer(blanks, blank_scores, with_maps=False)
        evaluations, start = [], 0
        for group, image, film in zip(groups, images, films):
            end = start + len(group.cases)
            evaluations.append(self._assemble(group, image, film, scored[start:end], answers[start:end], blank_answers[start:end]))
            start = end
        if probes is not None:
            # a trial is answered as the case it mirrors is: under ``auto`` a talking model's trials are generated and
            # read (judged by their first token, a preamble model "ignores" every counterfactual film)
            trial_scores = extra[len(blanks):]
            trial_answers = self.answer(probes.requests, trial_scores, with_maps=False)
            trial_rows = probes.rows(trial_scores, trial_answers, {e.group.group_id: e.rows for e in evaluations}, self.model_key,
                                     self.mass_floor)
            for evaluation in evaluations:
                evaluation.probes = trial_rows.get(evaluation.group.group_id, [])
                films = probes.films(evaluation.group.group_id)
                for row in evaluation.probes:
                    if (row.probe.kind, row.probe.arm) not in self._shown:
                        self._shown.add((row.probe.kind, row.probe.arm))
                        evaluation.examples[row.case_id] = films[row.case_id]
            self._note_left_out(probes.dropped)
        return evaluations

    def _score_by_films(self, requests: list[Request]) -> list:
        """Answers (no maps) for requests on many films, at most ``films_per_forward`` films per call, each
        film's requests together (the probes' partner, mirrored and occluded films are batched as a chunk's
        own films are); results in the requests' order."""
        first: dict[str, int] = {}
        for request in requests:
            first.setdefault(request.image_key, len(first))
        order = sorted(range(len(requests)), key=lambda i: first[requests[i].image_key])
        results: list = [None] * len(requests)
        start = 0
        while start < len(order):
            films, stop = set(), start
            while stop < len(order) and (requests[order[stop]].image_key in films or len(films) < self.films_per_forward):
                films.add(requests[order[stop]].image_key)
                stop += 1
            for index, result in zip(order[start:stop], self.score([requests[i] for i in order[start:stop]], with_maps=False)):
                results[index] = result
            start = stop
        return results

    def _note_left_out(self, dropped: list[str]) -> None:
        """Counterfactual blocks that could not be made: one visible event per reason, with its count."""
        for entry in dropped:
            reason = entry.split(": ", 1)[1]
            self._left_out[reason] = self._left_out.get(reason, 0) + 1
        prefix = f"{self.model_key}: counterfactual trials left out"
        self.events[:] = [e for e in self.events if not e.startswith(prefix)]
        self.events += [f"{prefix} ({count} group(s)): {reason}" for reason, count in sorted(self._left_out.items())]

    def _assemble(self, group: ParaphraseGroup, image: np.ndarray, film: str, scored: list, answers: list[Answer],
                  blank_answers: list[Answer]) -> GroupEvaluation:
        region = self.view_region(image)
        row0, row1, col0, col1 = pixel_bounds(region, image.shape)
        view = image[row0:row1, col0:col1]  # metrics see what the model saw, never the cropped-away bands
        body = body_mask(view)
        cases = list(group.cases)
        box = _box_in_view(self.boxes.get((group.image_path.name, group.finding)), row0, col0, view.shape)
        maps = {case.case_id: answer.map for case, answer in zip(cases, answers)}
        base = answers[0]
        rows = []
        checks = {case.case_id: _paraphrase_check(group.base.question, case.question) for case in cases if case.relation == "invariant"}
        for case, (score, _), answer, blank in zip(cases, scored, answers, blank_answers):
            attention = answer.map
            metrics = map_metrics(attention, body, box, view.shape, view_of({**case.extra, "view": case.view} if case.view else case.extra))
            metrics.update({k: v for k, v in attention.notes.items() if isinstance(v, (int, float))})  # e.g. BLIP-2 cls_share
            if not case.is_base and answer.map_at_answer and base.map_at_answer:  # never a preamble map against an answer's
                metrics["js_to_base"] = round(js_divergence(base.map.values, attention.values), 6)
            if answer.answer_mass is not None:
                metrics["answer_position_mass"] = answer.answer_mass
            rows.append(VariantRow(
                model=self.model_key, case_id=case.case_id, group_id=group.group_id, question=case.question,
                relation=case.relation, strategy=case.strategy, finding=case.finding, patient_id=case.patient_id,
                image=group.image_path.name, expected=case.expected_answer, answer=answer.answer, base_answer=base.answer,
                p_yes=round(score.p_yes, 6), margin=round(score.margin, 6), mass=round(score.mass, 6),
                parse_path="score" if answer.mode == "score" else f"generate:{answer.rule}",
                map_method=attention.method, map_fallback=attention.fallback, map_grid=attention.grid, map_sink=attention.sink,
                blank_answer=blank.answer, metrics=metrics, image_sha=film, low_mass=score.mass < self.mass_floor,
                map_region=(row0, col0, row1 - row0, col1 - col0), paraphrase_check=checks.get(case.case_id, ""),
                answer_mode=answer.mode, generated_text=bounded_text(answer.text), reasoning=answer.reasoning,
                generation_finished=answer.finished, map_query=answer.map_query, map_at_answer=answer.map_at_answer,
            ))
        if self.progress is not None:
            self.progress(len(rows))
        self._films.put(group.image_path, image, film)
        return GroupEvaluation(group, rows, maps, self._films)


class ImagePrefetch:
    """Films decoded on two threads ahead of the model (PNG / DICOM decoding releases the GIL),
    and with ``prepare`` (the adapter's ``prepare_film``) run through the processor's image step
    there too, so the call that needs them finds their pixels ready; a film not prefetched loads
    on the spot. Errors surface when the film is used."""

    def __init__(self, enabled: bool = True, prepare: Callable[[np.ndarray], None] | None = None):
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vlmcore-images") if enabled else None
        self._pending: dict = {}
        self._prepare = prepare

    def ahead(self, paths: list) -> None:
        if self._pool is None:
            return
        for path in paths:
            if path not in self._pending:
                self._pending[path] = self._pool.submit(self._load_and_prepare, path)

    def _load_and_prepare(self, path) -> np.ndarray:
        pixels = load_image(path).pixels
        if self._prepare is not None:
            self._prepare(pixels)
        return pixels

    def get(self, path) -> np.ndarray:
        pending = self._pending.pop(path, None)
        return pending.result() if pending is not None else load_image(path).pixels


def next_chunk(groups: list[ParaphraseGroup], films_per_forward: int, max_requests: int) -> list[str]:
    """The first group and those after it that fit in one forward: at most
    ``films_per_forward`` films and ``max_requests`` requests (the first group always)."""
    chunk, films, requests = [], set(), 0
    for group in groups:
        new_films = films | {group.image_path}
        if chunk and (len(new_films) > films_per_forward or requests + len(group.cases) > max_requests):
            break
        chunk.append(group.group_id)
        films, requests = new_films, requests + len(group.cases)
    return chunk


def plan_chunks(groups: list[ParaphraseGroup], films_per_forward: int = 8, max_requests: int = 64) -> list[list[str]]:
    """The chunks a serial run makes when cases ask for groups in dataset order: a Ray run
    hands out the same chunks, so both batch the same films together (bit-identical rows)."""
    chunks, start = [], 0
    while start < len(groups):
        chunk = next_chunk(groups[start:], films_per_forward, max_requests)
        chunks.append(chunk)
        start += len(chunk)
    return chunks


def _paraphrase_check(base: str, candidate: str) -> str:
    """Is the dataset's paraphrase the same question? Flips on one that is not verified are
    reported but never counted (``check_paraphrase``)."""
    from vlmcore.paraphrase.validity import check_paraphrase

    return check_paraphrase(base, candidate).status


def _box_in_view(box, row0: int, col0: int, view_shape: tuple[int, int]):
    """A pathology box (x, y, w, h in film pixels) in the view's coordinates, clipped; None when outside it."""
    if box is None:
        return None
    x, y, w, h = box
    left, top = max(x - col0, 0.0), max(y - row0, 0.0)
    right, bottom = min(x + w - col0, float(view_shape[1])), min(y + h - row0, float(view_shape[0]))
    return (left, top, right - left, bottom - top) if right > left and bottom > top else None


def _encode(score: YesNoScore, attention: AttentionMap | None) -> dict:
    value = {"p_yes": score.p_yes, "margin": score.margin, "mass": score.mass, "top_token": score.top_token}
    if attention is not None:
        value["map"] = {"values": attention.values.tolist(), "method": attention.method, "grid": list(attention.grid),
                        "layers": list(attention.layers), "head_fusion": attention.head_fusion, "query": attention.query,
                        "fallback": attention.fallback, "region": list(attention.region) if attention.region else None,
                        "notes": attention.notes, "sink": attention.sink}
    return value


def _encode_generation(generation: Generation) -> dict:
    return {"text": generation.text, "answer": generation.answer, "rule": generation.rule, "token_ids": list(generation.token_ids),
            "tokens": list(generation.tokens), "offsets": list(generation.offsets), "finished": generation.finished,
            "emitted": list(generation.emitted), "all_ids": list(generation.all_ids)}


def _decode_generation(value: dict) -> Generation:
    return Generation(str(value["text"]), str(value["answer"]), str(value["rule"]), tuple(int(t) for t in value["token_ids"]),
                      tuple(str(t) for t in value["tokens"]), tuple(int(o) for o in value["offsets"]), bool(value["finished"]),
                      tuple(int(e) for e in value["emitted"]), tuple(int(t) for t in value["all_ids"]))


def _decode(value: dict) -> tuple[YesNoScore, AttentionMap | None]:
    score = YesNoScore(value["p_yes"], value["margin"], value["mass"], value["top_token"])
    stored = value.get("map")
    if stored is None:
        return score, None
    attention = AttentionMap(values=np.asarray(stored["values"], dtype=np.float64), method=stored["method"],
                             grid=tuple(stored["grid"]), layers=tuple(stored["layers"]), head_fusion=stored["head_fusion"],
                             query=stored["query"], fallback=stored["fallback"],
                             region=tuple(stored["region"]) if stored.get("region") else None, notes=dict(stored.get("notes") or {}),
                             sink=str(stored.get("sink", "raw")))
    return score, attention
