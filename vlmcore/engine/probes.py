"""The counterfactual probes' part of a chunk: their films, their requests, their rows.

A chunk's trials (``vlmcore.grounding.plan``) become requests in the same ``Engine.score`` call as
the blank film's, so they are batched, cached and split on out-of-memory like every other request.
A probe film is a film: its cache key is the hash of its own pixels, so the transformation (which
partner, mirrored or not, which region hidden, how it was filled) is part of every key, and a
changed transformation is never answered from a stale result. Within a chunk each counterfactual
film is made once (a film's mirror serves all its lateral questions) and each partner film is read
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from vlmcore.answers.settings import bounded_text
from vlmcore.data.case import ParaphraseGroup
from vlmcore.data.rows import COUNTERFACTUAL, Probe, VariantRow
from vlmcore.engine.answering import Answer
from vlmcore.grounding.films import counterfactual
from vlmcore.grounding.laterality import question_key
from vlmcore.grounding.plan import GroundingPlan, Trial
from vlmcore.models.requests import Request, image_hash


@dataclass
class _Pending:
    group: ParaphraseGroup
    trial: Trial
    film: str  # the counterfactual film's content hash
    request: int  # index of its request
    reference: int | None  # index of the reference request (None: read from the group's own rows)
    pixels: np.ndarray  # the counterfactual film (the report shows one per probe)


class ChunkProbes:
    """One chunk's trials: ``requests`` to score, then ``rows`` from the scores."""

    def __init__(self, plan: GroundingPlan, groups: list[ParaphraseGroup], images: list[np.ndarray], films: list[str],
                 load: Callable[[object], np.ndarray], method: str):
        self.requests: list[Request] = []
        self.pending: list[_Pending] = []
        self.dropped: list[str] = []  # blocks left out, with why
        made: dict[tuple, tuple[np.ndarray, str] | None] = {}
        loaded: dict[object, np.ndarray | None] = {}
        for group, image, film in zip(groups, images, films):
            own = {question_key(case.question) for case in group.cases}
            by_block: dict[str, list[tuple[Trial, tuple[np.ndarray, str]]]] = {}
            failed: set[str] = set()
            for trial in plan.of(group.group_id):
                source = image if trial.source == group.image_path else self._load(trial.source, loaded, load)
                key = (str(trial.source), trial.transform)
                if key not in made:
                    made[key] = self._make(source, trial, method)
                if made[key] is None:
                    failed.add(trial.block)
                    continue
                by_block.setdefault(trial.block, []).append((trial, made[key]))
            for block, members in by_block.items():
                if block in failed:
                    self.dropped.append(f"{block}: {self._why(members[0][0])}")
                    continue
                for trial, (pixels, key) in members:
                    reference = None
                    if question_key(trial.reference_question) not in own:
                        reference = self._add(Request(image, trial.reference_question, film))
                    self.pending.append(_Pending(group, trial, key, self._add(Request(pixels, trial.question, key)), reference,
                                                 pixels))
            self.dropped += [f"{block}: {self._why_missing(block)}" for block in failed - set(by_block)]

    @staticmethod
    def _load(path, loaded: dict, load) -> np.ndarray | None:
        if path not in loaded:
            try:
                loaded[path] = load(path)
            except Exception:  # a partner film that does not load leaves its block out (its own group reports it)
                loaded[path] = None
        return loaded[path]

    @staticmethod
    def _make(source: np.ndarray | None, trial: Trial, method: str) -> tuple[np.ndarray, str] | None:
        if source is None:
            return None
        pixels = source if trial.transform is None else counterfactual(trial.transform, source, method)
        return None if pixels is None else (pixels, image_hash(pixels))

    @staticmethod
    def _why(trial: Trial) -> str:
        if trial.transform is None:
            return f"partner film {trial.source.name} could not be read"
        return "no region of the lesion's shape fits inside the body away from known findings" \
            if trial.transform.target == "remote" else f"the film could not be made ({trial.transform.describe()})"

    @staticmethod
    def _why_missing(block: str) -> str:
        return "its counterfactual films could not be made"

    def _add(self, request: Request) -> int:
        self.requests.append(request)
        return len(self.requests) - 1

    def films(self, group_id: str) -> dict[str, np.ndarray]:
        """A group's counterfactual films by trial case id."""
        return {p.trial.case_id: p.pixels for p in self.pending if p.group.group_id == group_id}

    def rows(self, scores: list, answers: list[Answer], own_rows: dict[str, list[VariantRow]], model: str,
             mass_floor: float) -> dict[str, list[VariantRow]]:
        """Each group's trial rows from the first-token ``scores`` of ``requests`` and their ``answers`` under the run's
        answer mode (in order: generated and read where the mode says so); ``own_rows``: each group's case rows."""
        out: dict[str, list[VariantRow]] = {}
        for pending in self.pending:
            group, trial = pending.group, pending.trial
            rows = own_rows[group.group_id]
            base = rows[0]
            if pending.reference is None:
                reference = next(r.answer for r in rows if question_key(r.question) == question_key(trial.reference_question))
            else:
                reference = answers[pending.reference].answer
            score, answer = scores[pending.request][0], answers[pending.request]
            out.setdefault(group.group_id, []).append(VariantRow(
                model=model, case_id=trial.case_id, group_id=group.group_id, question=trial.question, relation=COUNTERFACTUAL,
                strategy=trial.kind, finding=group.finding, patient_id=group.patient_id,
                image=trial.source.name, expected=trial.expected, answer=answer.answer, base_answer=base.answer,
                p_yes=round(score.p_yes, 6), margin=round(score.margin, 6), mass=round(score.mass, 6),
                parse_path="score" if answer.mode == "score" else f"generate:{answer.rule}",
                map_method="none", map_fallback=False, map_grid=(0, 0), image_sha=pending.film, low_mass=score.mass < mass_floor,
                answer_mode=answer.mode, generated_text=bounded_text(answer.text), reasoning=answer.reasoning,
                generation_finished=answer.finished,
                probe=Probe(trial.kind, trial.arm, trial.describe_film(), self._source_case(group, trial), reference,
                            trial.reference_expected, base.image_sha, group.image_path.name)))
        return out

    @staticmethod
    def _source_case(group: ParaphraseGroup, trial: Trial) -> str:
        key = question_key(trial.reference_question)
        return next((case.case_id for case in group.cases if question_key(case.question) == key),
                    f"{group.group_id}: {trial.reference_question!r} on {group.image_path.name}")
