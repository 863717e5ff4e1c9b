"""The seed study's CSV files, the schema our users already have.

Two shapes: the base file (one presence question per study, an unnamed pandas index as
the first column) and the paraphrase file (six rows per study: ``variant_index`` 0 is the
original question, 1-5 are paraphrases with a free-text ``strategy`` label). Both become
paraphrase groups keyed by study and base question.
"""

from __future__ import annotations

from pathlib import Path

from vlmcore.data import fields
from vlmcore.data.case import Case, SourceRow
from vlmcore.data.findings import finding_of
from vlmcore.data.strategies import normalise_strategy
from vlmcore.data.tables import Record, Table
from vlmcore.errors import DatasetError

BASE_COLUMNS = ("dicom_id", "subject_id", "study_id", "question", "answer", "image_path")
PARAPHRASE_COLUMNS = BASE_COLUMNS + ("baseline_question", "variant_index", "strategy")


class _GroupIds:
    """Readable group ids (``study50414267``), disambiguated when a study has several bases."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str, str], str] = {}
        self._per_study: dict[str, int] = {}

    def get(self, study_id: str, dicom_id: str, base_question: str) -> str:
        key = (study_id, dicom_id, base_question.strip().lower())
        if key not in self._ids:
            count = self._per_study.get(study_id, 0)
            self._per_study[study_id] = count + 1
            self._ids[key] = f"study{study_id}" + (f"-q{count + 1}" if count else "")
        return self._ids[key]


def _common(table: Table, record: Record, image_root: Path) -> dict:
    return {
        "image_path": fields.resolve_image(table, record, "image_path", image_root),
        "question": fields.required(table, record, "question"),
        "expected_answer": fields.expected_answer(table, record),
        "patient_id": fields.identifier(table, record, "subject_id"),
        "study_id": fields.identifier(table, record, "study_id"),
        "split": fields.optional(record, "split"),
        "source": SourceRow(str(table.path), record.row),
    }


def read_seed_base(table: Table, image_root: Path) -> list[Case]:
    ids = _GroupIds()
    cases = []
    for record in table.records:
        common = _common(table, record, image_root)
        group_id = ids.get(common["study_id"], fields.required(table, record, "dicom_id"), common["question"])
        cases.append(Case(
            case_id=f"{group_id}-v0", group_id=group_id, strategy="baseline", strategy_raw="baseline",
            relation="base", finding=finding_of(common["question"]), **common,
        ))
    return cases


def read_seed_paraphrases(table: Table, image_root: Path) -> list[Case]:
    ids = _GroupIds()
    cases = []
    for record in table.records:
        common = _common(table, record, image_root)
        base_question = fields.required(table, record, "baseline_question")
        group_id = ids.get(common["study_id"], fields.required(table, record, "dicom_id"), base_question)
        index = fields.integer(table, record, "variant_index")
        raw = fields.required(table, record, "strategy")
        strategy = normalise_strategy(raw)
        if strategy is None:
            raise DatasetError(f"strategy label {raw!r} names no known strategy", file=table.path, row=record.row, column="strategy")
        is_base = index == 0
        if is_base != (strategy == "baseline"):
            raise DatasetError(f"variant_index {index} with strategy {raw!r}: only variant 0 is the baseline", file=table.path, row=record.row, column="strategy")
        cases.append(Case(
            case_id=f"{group_id}-v{index}", group_id=group_id, strategy=strategy, strategy_raw=raw,
            relation="base" if is_base else "invariant", finding=finding_of(base_question), **common,
        ))
    return cases
