"""Pairing a candidate run's cases with a baseline's, and refusing when they are not the same cases.

Cases pair by (model, case id) and must then agree on what was asked: the question text,
the expected answer, the relation to the base question, the group and the film's content
hash. A case whose id matches but whose content does not is excluded and listed (a
relabelled or edited case is not evidence of a regression). When less than
``min_paired_share`` of the *baseline's* cases pair, there is nothing sound to compare: the
comparison is impossible, and the verdict says so instead of passing on a sliver of data. The
candidate's own share is not required: a dataset grown since the baseline still gates what it
shares, and its new (or changed) cases face the first-run checks on their own (``decision``).
The shares count the dataset's cases; counterfactual trials (made from those cases' films) pair
the same way but do not count towards them, so a baseline saved before the probes still compares.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.data.rows import VariantRow

IDENTITY = ("question", "expected", "relation", "group_id")


@dataclass(frozen=True)
class Pairing:
    baseline_model: str
    model: str
    pairs: tuple[tuple[VariantRow, VariantRow], ...]  # (baseline, candidate)
    changed: tuple[tuple[str, str], ...]  # (case id, what differs), excluded
    baseline_cases: int
    candidate_cases: int
    unpaired: tuple[VariantRow, ...] = ()  # the candidate's rows the baseline does not hold (new ids, or changed content)

    @property
    def paired_cases(self) -> int:
        """Pairs of dataset cases (counterfactual trials pair too, but are not counted here)."""
        return sum(not new.is_probe for _, new in self.pairs)

    @property
    def baseline_share(self) -> float:
        return self.paired_cases / self.baseline_cases if self.baseline_cases else 0.0

    @property
    def candidate_share(self) -> float:
        return self.paired_cases / self.candidate_cases if self.candidate_cases else 0.0

    def impossible_reason(self, min_share: float) -> str | None:
        """Why these runs cannot be compared, or None when they can (enough of the baseline pairs)."""
        if self.baseline_share >= min_share:
            return None
        changed = f"; {len(self.changed)} shared ids changed content (e.g. {self.changed[0][0]}: {self.changed[0][1]})" \
            if self.changed else ""
        return (f"{self.model}: only {self.paired_cases} cases pair with baseline model {self.baseline_model}: "
                f"{self.baseline_share:.0%} of the baseline's {self.baseline_cases} and {self.candidate_share:.0%} of this run's "
                f"{self.candidate_cases} (at least {min_share:.0%} of the baseline's required){changed}")

    def summary(self) -> dict:
        return {"baseline_model": self.baseline_model, "model": self.model, "paired": len(self.pairs),
                "baseline_cases": self.baseline_cases, "candidate_cases": self.candidate_cases,
                "unpaired": len(self.unpaired), "changed": [list(c) for c in self.changed]}


def _difference(old: VariantRow, new: VariantRow) -> str | None:
    for name in IDENTITY:
        if getattr(old, name) != getattr(new, name):
            return f"{name} {getattr(old, name)!r} -> {getattr(new, name)!r}"
    if old.image_sha and new.image_sha:
        if old.image_sha != new.image_sha:
            return f"film content {old.image_sha} -> {new.image_sha}"
    elif old.image != new.image:
        return f"film {old.image!r} -> {new.image!r}"
    return None


def pair_model(baseline: list[VariantRow], candidate: list[VariantRow], baseline_model: str, model: str) -> Pairing:
    old = {r.case_id: r for r in baseline}
    new = {r.case_id: r for r in candidate}
    pairs, changed = [], []
    for case_id in sorted(set(old) & set(new)):
        why = _difference(old[case_id], new[case_id])
        if why is None:
            pairs.append((old[case_id], new[case_id]))
        else:
            changed.append((case_id, why))
    paired = {new_row.case_id for _, new_row in pairs}
    unpaired = tuple(row for row in candidate if row.case_id not in paired)
    cases = lambda rows: sum(not r.is_probe for r in rows.values())
    return Pairing(baseline_model, model, tuple(pairs), tuple(changed), cases(old), cases(new), unpaired)


def match_models(baseline_models: set[str], candidate_models: set[str]) -> tuple[list[tuple[str, str]], list[str], str]:
    """(baseline, candidate) model pairs, candidate models left without a baseline, and a note.

    Models pair by key. When the runs share no key and each holds exactly one model of the
    same family (a new checkpoint folder is a new key: ``medgemma@v2`` against
    ``medgemma@v1``), those two pair, and the note says so.
    """
    shared = sorted(baseline_models & candidate_models)
    if not shared and len(baseline_models) == 1 and len(candidate_models) == 1:
        (old,), (new,) = baseline_models, candidate_models
        if old.split("@")[0] == new.split("@")[0]:
            return [(old, new)], [], f"paired model {new} with the baseline's only model {old} (same family)"
    return [(m, m) for m in shared], sorted(candidate_models - baseline_models), ""
