"""The two records every other layer speaks: a ``Case`` and a ``ParaphraseGroup``.

A case is one (image, question, expected answer) with enough provenance to trace it back
to the user's file and row. A group is one image with one base question and its variants;
consistency is always measured against the group's base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ANSWERS = ("yes", "no")

#: How a variant relates to its group's base question.
#: ``invariant``: same meaning, the answer must not change (a paraphrase).
#: ``inverted``: meaning negated, the answer must flip (negation / laterality controls).
#: ``different``: a different finding or question; neither consistency nor flip applies.
#: ``related``: linked by the source (e.g. VQA-RAD subsumption) but not equivalent; only
#: its accuracy against its own expected answer is measured.
RELATIONS = ("base", "invariant", "inverted", "different", "related")


@dataclass(frozen=True)
class SourceRow:
    """Where a case came from: the file and the 1-based row a user can open."""

    file: str
    row: int


@dataclass(frozen=True)
class Case:
    case_id: str
    group_id: str
    image_path: Path
    question: str
    expected_answer: str
    strategy: str
    relation: str
    strategy_raw: str = ""
    finding: str = "unspecified"
    patient_id: str = ""
    study_id: str = ""
    split: str = ""
    source: SourceRow | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    #: where the case's finding is on its film, ``(x, y, w, h)`` film pixels (the lesion-occlusion probe's region)
    box: tuple[float, float, float, float] | None = None
    view: str = ""  # the film's projection (PA, AP, LATERAL), when the dataset says: label-swap partners match it

    @property
    def is_base(self) -> bool:
        return self.relation == "base"


@dataclass(frozen=True)
class ParaphraseGroup:
    """One image, one base question and its variants (paraphrases and controls)."""

    group_id: str
    image_path: Path
    base: Case
    variants: tuple[Case, ...]

    @property
    def cases(self) -> tuple[Case, ...]:
        return (self.base, *self.variants)

    @property
    def finding(self) -> str:
        return self.base.finding

    @property
    def patient_id(self) -> str:
        return self.base.patient_id


@dataclass(frozen=True)
class Dataset:
    """Groups read from one file, with the detected schema and the file's own counts."""

    path: Path
    schema: str
    groups: tuple[ParaphraseGroup, ...]
    image_root: Path
    notes: tuple[str, ...] = ()

    @property
    def cases(self) -> list[Case]:
        return [case for group in self.groups for case in group.cases]

    def __len__(self) -> int:
        return len(self.groups)
