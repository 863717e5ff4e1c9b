"""The session engine for one model: evaluate once, assert many.

``Engine.group(group_id)`` evaluates every case of one image's paraphrase group in one
batched forward (answers and maps from the same pass), computes map metrics, and caches
the result; test functions only read. Each evaluated group is pushed to ``on_group`` (the
plugin's session), so the report sees exactly what the tests saw.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable

import numpy as np

from vlmcore.anatomy import body_mask
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.data.case import Dataset, ParaphraseGroup
from vlmcore.data.images import load_image
from vlmcore.engine.map_metrics import map_metrics
from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.engine.cache_key import result_key
from vlmcore.engine.result_store import ResultStore
from vlmcore.metrics import js_divergence
from vlmcore.models.requests import Request, YesNoScore, image_hash
from vlmcore.models.view import pixel_bounds, whole_film

BLANK_LEVEL = 128  # mid-grey film for the image-reliance check


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

    def pairwise_js(self) -> list[float]:
        """JS divergence (base 2) between every pair of maps among base + invariant variants."""
        ids = [self.base.case_id] + [r.case_id for r in self.of("invariant")]
        return [js_divergence(self.maps[a].values, self.maps[b].values) for a, b in combinations(ids, 2)]


class Engine:
    def __init__(self, adapter, dataset: Dataset, *, model_key: str, boxes: dict | None = None,
                 on_group: Callable[["GroupEvaluation"], None] | None = None, batch_size: int = 16,
                 store: ResultStore | None = None, progress: Callable[[int], None] | None = None, mass_floor: float = 0.5):
        self.adapter = adapter
        self.mass_floor = mass_floor  # below it, the yes/no answer is flagged unreliable in the row
        self.store = store
        self.progress = progress
        self.events: list[str] = []  # visible degradations (OOM splits), reported
        self.dataset = dataset
        self.model_key = model_key
        self.boxes = boxes or {}
        self.on_group = on_group
        self.batch_size = batch_size
        self._groups = {group.group_id: group for group in dataset.groups}
        self._evaluated: dict[str, GroupEvaluation] = {}

    def group_ids(self) -> list[str]:
        return list(self._groups)

    def group(self, group_id: str) -> GroupEvaluation:
        if group_id not in self._evaluated:
            if group_id not in self._groups:
                raise ConfigError(f"unknown group {group_id!r}")
            self._evaluated[group_id] = self._evaluate(self._groups[group_id])
            if self.on_group is not None:
                self.on_group(self._evaluated[group_id])
        return self._evaluated[group_id]

    def all_groups(self) -> list[GroupEvaluation]:
        return [self.group(group_id) for group_id in self._groups]

    def _score(self, image: np.ndarray, questions: list[str], with_maps: bool, film: str | None = None):
        """Scores (and maps) for every question on one image: from the store when all are
        there, else one batched evaluation of the whole group, stored as one transaction."""
        film = film or image_hash(image)  # once per group, not once per question
        keys = [self._key(film, q, with_maps) for q in questions]
        cached = self.store.get_many(keys) if self.store is not None else {}
        if len(cached) == len(keys):
            try:
                return [_decode(cached[k]) for k in keys]
            except (KeyError, TypeError, ValueError, IndexError):  # a damaged entry: recompute, never drop the group
                message = f"{self.model_key}: malformed cached result for film {film}; recomputed"
                if message not in self.events:
                    self.events.append(message)
        results = []
        for start in range(0, len(questions), self.batch_size):
            results += self._evaluate_splitting(image, film, questions[start:start + self.batch_size], with_maps)
        if self.store is not None:
            self.store.put_many({k: _encode(score, attention) for k, (score, attention) in zip(keys, results)})
        return results

    def _evaluate_splitting(self, image, film: str, questions: list[str], with_maps: bool):
        """On CUDA out-of-memory, split the batch in halves and retry; the event is recorded."""
        try:
            return self.adapter.evaluate([Request(image, q, film) for q in questions], with_maps=with_maps)
        except Exception as error:  # torch.OutOfMemoryError, matched by name so torch stays optional here
            if type(error).__name__ != "OutOfMemoryError" or len(questions) == 1:
                raise
            torch = sys.modules.get("torch")
            if torch is not None and torch.cuda.is_available():
                torch.cuda.empty_cache()
            half = len(questions) // 2
            self.events.append(f"{self.model_key}: CUDA out of memory on a batch of {len(questions)}; split into {half} + {len(questions) - half}")
            return (self._evaluate_splitting(image, film, questions[:half], with_maps)
                    + self._evaluate_splitting(image, film, questions[half:], with_maps))

    def _key(self, film: str, question: str, with_maps: bool) -> str:
        prompt = self.adapter.prompt(question) if hasattr(self.adapter, "prompt") else question
        return result_key(fingerprint=self.adapter.fingerprint, prompt=prompt, image_hash=film, question=question,
                          with_map=with_maps, dtype=str(self.adapter.dtype))

    def view_region(self, image: np.ndarray) -> tuple[float, float, float, float]:
        """The part of the film the model sees (the adapter says; the whole film by default)."""
        if hasattr(self.adapter, "view_region"):  # scripted adapters and user wrappers may not say
            return tuple(float(v) for v in self.adapter.view_region(image.shape))
        return whole_film(image.shape)

    def _evaluate(self, group: ParaphraseGroup) -> GroupEvaluation:
        image = load_image(group.image_path).pixels
        region = self.view_region(image)
        row0, row1, col0, col1 = pixel_bounds(region, image.shape)
        view = image[row0:row1, col0:col1]  # metrics see what the model saw, never the cropped-away bands
        body = body_mask(view)
        cases = list(group.cases)
        film = image_hash(image)
        scored = self._score(image, [c.question for c in cases], with_maps=True, film=film)
        blank = self._score(np.full_like(image, BLANK_LEVEL), [c.question for c in cases], with_maps=False)
        box = _box_in_view(self.boxes.get((group.image_path.name, group.finding)), row0, col0, view.shape)
        maps = {case.case_id: attention for case, (_, attention) in zip(cases, scored)}
        base_answer = scored[0][0].answer
        base_map = scored[0][1]
        rows = []
        checks = {case.case_id: _paraphrase_check(group.base.question, case.question) for case in cases if case.relation == "invariant"}
        for case, (score, attention), (blank_score, _) in zip(cases, scored, blank):
            metrics = map_metrics(attention, body, box, view.shape)
            metrics.update({k: v for k, v in attention.notes.items() if isinstance(v, (int, float))})  # e.g. BLIP-2 cls_share
            if not case.is_base:
                metrics["js_to_base"] = round(js_divergence(base_map.values, attention.values), 6)
            rows.append(VariantRow(
                model=self.model_key, case_id=case.case_id, group_id=group.group_id, question=case.question,
                relation=case.relation, strategy=case.strategy, finding=case.finding, patient_id=case.patient_id,
                image=group.image_path.name, expected=case.expected_answer, answer=score.answer, base_answer=base_answer,
                p_yes=round(score.p_yes, 6), margin=round(score.margin, 6), mass=round(score.mass, 6), parse_path="score",
                map_method=attention.method, map_fallback=attention.fallback, map_grid=attention.grid,
                blank_answer=blank_score.answer, metrics=metrics, image_sha=film, low_mass=score.mass < self.mass_floor,
                map_region=(row0, col0, row1 - row0, col1 - col0), paraphrase_check=checks.get(case.case_id, ""),
            ))
        if self.progress is not None:
            self.progress(len(rows))
        return GroupEvaluation(group, rows, maps, image)


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
                        "notes": attention.notes}
    return value


def _decode(value: dict) -> tuple[YesNoScore, AttentionMap | None]:
    score = YesNoScore(value["p_yes"], value["margin"], value["mass"], value["top_token"])
    stored = value.get("map")
    if stored is None:
        return score, None
    attention = AttentionMap(values=np.asarray(stored["values"], dtype=np.float64), method=stored["method"],
                             grid=tuple(stored["grid"]), layers=tuple(stored["layers"]), head_fusion=stored["head_fusion"],
                             query=stored["query"], fallback=stored["fallback"],
                             region=tuple(stored["region"]) if stored.get("region") else None, notes=dict(stored.get("notes") or {}))
    return score, attention
