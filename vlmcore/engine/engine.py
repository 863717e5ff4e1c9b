"""The session engine for one model: evaluate once, assert many.

``Engine.group(group_id)`` evaluates every case of one image's paraphrase group in one
batched forward (answers and maps from the same pass), computes map metrics, and caches
the result; test functions only read. Each evaluated group is pushed to ``on_group`` (the
plugin's session), so the report sees exactly what the tests saw.
"""

from __future__ import annotations

import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from vlmcore.anatomy import body_mask, view_of
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.data.case import Dataset, ParaphraseGroup
from vlmcore.data.images import load_image
from vlmcore.engine.map_metrics import map_metrics
from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError, VlmcoreError
from vlmcore.engine.cache_key import result_key
from vlmcore.engine.result_store import ResultStore
from vlmcore.metrics import js_divergence
from vlmcore.models.capabilities import Capability
from vlmcore.models.protocol import check_adapter
from vlmcore.models.requests import Request, YesNoScore, image_hash
from vlmcore.models.view import pixel_bounds, whole_film

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
    image: np.ndarray = field(repr=False)

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
    answered blank once. Images of the next chunk load on a small thread pool while the model
    runs. A CUDA out-of-memory error halves the batch, retries, and lowers the budget for the
    rest of the run (a visible event).
    """

    def __init__(self, adapter, dataset: Dataset, *, model_key: str, boxes: dict | None = None,
                 on_group: Callable[["GroupEvaluation"], None] | None = None, batch_size: int = 64,
                 store: ResultStore | None = None, progress: Callable[[int], None] | None = None, mass_floor: float = 0.5,
                 films_per_forward: int = 8, prefetch: bool = True):
        self.adapter = check_adapter(adapter, f"the adapter of {model_key}")
        self._capabilities = frozenset(adapter.capabilities)
        self.mass_floor = mass_floor  # below it, the yes/no answer is flagged unreliable in the row
        self.store = store
        self.progress = progress
        self.events: list[str] = []  # visible degradations (OOM splits), reported
        self.dataset = dataset
        self.model_key = model_key
        self.boxes = boxes or {}
        self.on_group = on_group
        self.batch_size = batch_size  # most requests in one forward; lowered on out-of-memory
        self.films_per_forward = max(1, films_per_forward)
        self.model_calls = {"groups": 0, "flip_search": 0}  # adapter.evaluate calls by purpose (a warm rerun makes none)
        self.seconds = {"groups": 0.0, "flip_search": 0.0}  # time spent evaluating (store reads included)
        self._groups = {group.group_id: group for group in dataset.groups}
        self._order = list(self._groups)
        self._evaluated: dict[str, GroupEvaluation] = {}
        self._images = ImagePrefetch(enabled=prefetch)
        self.stopped = ""  # why this model was stopped (non-finite scores); every later request raises it

    def group_ids(self) -> list[str]:
        return list(self._groups)

    def group(self, group_id: str) -> GroupEvaluation:
        if group_id not in self._evaluated:
            if group_id not in self._groups:
                raise ConfigError(f"unknown group {group_id!r}")
            started = time.perf_counter()
            chunk = self._chunk_from(group_id)
            images = self._load_films(group_id, chunk)
            self._images.ahead([self._groups[g].image_path for g in self._chunk_after(chunk)])
            for evaluation in self._evaluate_chunk([self._groups[g] for g in images], list(images.values())):
                self._evaluated[evaluation.group.group_id] = evaluation
            self.seconds["groups"] += time.perf_counter() - started
            for group in chunk:
                if self.on_group is not None and group in self._evaluated:
                    self.on_group(self._evaluated[group])
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

    def _chunk_after(self, chunk: list[str]) -> list[str]:
        position = self._order.index(chunk[-1]) + 1
        following = [g for g in self._order[position:] if g not in self._evaluated]
        return following[: len(chunk)]

    # -- scoring through the store ---------------------------------------------------------
    def score(self, requests: list[Request], with_maps: bool, purpose: str = "groups"):
        """Scores (and maps) for ``requests`` on any films: what the store holds is read, the
        rest is evaluated in forwards of at most ``batch_size`` requests and stored in one
        transaction. Identical requests are evaluated once."""
        if self.stopped:
            raise ModelStopped(self.stopped)
        keys = [self._key(r.image_key, r.question, with_maps) for r in requests]
        found = self._read(keys)
        missing = {}
        for key, request in zip(keys, requests):
            if key not in found:
                missing.setdefault(key, request)
        if missing:
            todo = list(missing.values())
            results = []
            while len(results) < len(todo):
                self.model_calls[purpose] += 1
                results += self._evaluate_splitting(todo[len(results): len(results) + self.batch_size], with_maps)
            self._check_finite(todo, results)
            computed = dict(zip(missing, results))
            if self.store is not None:
                self.store.put_many({k: _encode(score, attention) for k, (score, attention) in computed.items()})
            found.update(computed)
        return [found[k] for k in keys]

    def _check_finite(self, requests: list[Request], results: list) -> None:
        """NaN / inf logits would read as "no" answers: the model is stopped instead, nothing of the
        batch is stored, and the verdict reads NOT EVALUATED with this reason."""
        bad = [request for request, (score, attention) in zip(requests, results) if not _finite(score, attention)]
        if bad:
            self.stopped = (f"{self.model_key}: non-finite scores (NaN / inf) on {len(bad)} of {len(requests)} requests of a "
                            f"batch, e.g. {bad[0].question!r}: the model was stopped and is NOT EVALUATED (broken weights "
                            "or numerics; its answers would have read as 'no')")
            raise ModelStopped(self.stopped)

    def margins(self, image: np.ndarray, film: str, questions: list[str]) -> dict[str, float]:
        """Yes-minus-no margins of ``questions`` on one film, answers only, through the store
        (the flip search's candidates: a warm rerun reads them all)."""
        started = time.perf_counter()
        scored = self.score([Request(image, q, film) for q in questions], with_maps=False, purpose="flip_search")
        self.seconds["flip_search"] += time.perf_counter() - started
        return {q: score.margin for q, (score, _) in zip(questions, scored)}

    def _read(self, keys: list[str]) -> dict:
        if self.store is None:
            return {}
        found = {}
        for key, value in self.store.get_many(keys).items():
            try:
                found[key] = _decode(value)
                if not _finite(*found[key]):
                    del found[key]
                    raise ValueError("non-finite cached value")
            except (KeyError, TypeError, ValueError, IndexError):  # a damaged entry: recomputed, never dropped
                message = f"{self.model_key}: malformed cached result; recomputed"
                if message not in self.events:
                    self.events.append(message)
        return found

    def _evaluate_splitting(self, requests: list[Request], with_maps: bool):
        """On CUDA out-of-memory, split the batch in halves, retry, and keep the smaller budget."""
        try:
            return self.adapter.evaluate(requests, with_maps=with_maps)
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
            return self._evaluate_splitting(requests[:half], with_maps) + self._evaluate_splitting(requests[half:], with_maps)

    def _key(self, film: str, question: str, with_maps: bool) -> str:
        return result_key(fingerprint=self.adapter.fingerprint, prompt=self.prompt(question), image_hash=film, question=question,
                          with_map=with_maps, dtype=str(self.adapter.dtype))

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
        scored = iter(self.score(requests, with_maps=True))
        blanks = []
        for group, image in zip(groups, images):
            blank = self.blank_film(image)
            blank_key = image_hash(blank)
            if Capability.PIN_FILM in self._capabilities:
                self.adapter.pin_film(blank_key)
            blanks += [Request(blank, case.question, blank_key) for case in group.cases]
        blank_scores = iter(self.score(blanks, with_maps=False))
        evaluations = []
        for group, image, film in zip(groups, images, films):
            count = len(group.cases)
            evaluations.append(self._assemble(group, image, film, [next(scored) for _ in range(count)],
                                              [next(blank_scores) for _ in range(count)]))
        return evaluations

    def _assemble(self, group: ParaphraseGroup, image: np.ndarray, film: str, scored: list, blank: list) -> GroupEvaluation:
        region = self.view_region(image)
        row0, row1, col0, col1 = pixel_bounds(region, image.shape)
        view = image[row0:row1, col0:col1]  # metrics see what the model saw, never the cropped-away bands
        body = body_mask(view)
        cases = list(group.cases)
        box = _box_in_view(self.boxes.get((group.image_path.name, group.finding)), row0, col0, view.shape)
        maps = {case.case_id: attention for case, (_, attention) in zip(cases, scored)}
        base_answer = scored[0][0].answer
        base_map = scored[0][1]
        rows = []
        checks = {case.case_id: _paraphrase_check(group.base.question, case.question) for case in cases if case.relation == "invariant"}
        for case, (score, attention), (blank_score, _) in zip(cases, scored, blank):
            metrics = map_metrics(attention, body, box, view.shape, view_of(case.extra))
            metrics.update({k: v for k, v in attention.notes.items() if isinstance(v, (int, float))})  # e.g. BLIP-2 cls_share
            if not case.is_base:
                metrics["js_to_base"] = round(js_divergence(base_map.values, attention.values), 6)
            rows.append(VariantRow(
                model=self.model_key, case_id=case.case_id, group_id=group.group_id, question=case.question,
                relation=case.relation, strategy=case.strategy, finding=case.finding, patient_id=case.patient_id,
                image=group.image_path.name, expected=case.expected_answer, answer=score.answer, base_answer=base_answer,
                p_yes=round(score.p_yes, 6), margin=round(score.margin, 6), mass=round(score.mass, 6), parse_path="score",
                map_method=attention.method, map_fallback=attention.fallback, map_grid=attention.grid, map_sink=attention.sink,
                blank_answer=blank_score.answer, metrics=metrics, image_sha=film, low_mass=score.mass < self.mass_floor,
                map_region=(row0, col0, row1 - row0, col1 - col0), paraphrase_check=checks.get(case.case_id, ""),
            ))
        if self.progress is not None:
            self.progress(len(rows))
        return GroupEvaluation(group, rows, maps, image)


class ImagePrefetch:
    """Films decoded on two threads ahead of the model (PNG / DICOM decoding releases the GIL);
    a film not prefetched loads on the spot. Errors surface when the film is used."""

    def __init__(self, enabled: bool = True):
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vlmcore-images") if enabled else None
        self._pending: dict = {}

    def ahead(self, paths: list) -> None:
        if self._pool is None:
            return
        for path in paths:
            if path not in self._pending:
                self._pending[path] = self._pool.submit(lambda p=path: load_image(p).pixels)

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
