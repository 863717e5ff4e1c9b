"""The generic schema for everyone else (CSV, TSV, JSONL, JSON list or Parquet).

Required columns: ``group_id``, ``image``, ``question``, ``answer`` (yes/no).
Optional: ``case_id``; ``role`` (``base`` or ``variant``; without it the first row of each
group is its base); ``relation`` (``invariant`` default, ``inverted``, ``different``,
``related``); ``strategy`` (free text, normalised; ``unlabelled`` when absent);
``finding`` (default: read from the group's base question); ``patient_id``, ``study_id``,
``split``; ``view`` (the film's projection, e.g. PA / AP / LATERAL: the label-swap probe draws
partner films of the same view, and a lateral film gets no patient-side map fractions); ``box``
(where the row's finding is on its film: ``x,y,w,h`` in the film's pixels, top-left origin, as the
NIH box file writes them; on rows answered yes, it is the region the lesion-occlusion probe hides).
"""

from __future__ import annotations

from pathlib import Path

from vlmcore.data import fields
from vlmcore.data.case import Case, SourceRow
from vlmcore.data.findings import finding_of
from vlmcore.data.strategies import normalise_strategy
from vlmcore.data.tables import Record, Table
from vlmcore.errors import DatasetError

REQUIRED = ("group_id", "image", "question", "answer")
OPTIONAL = ("case_id", "role", "relation", "strategy", "finding", "patient_id", "study_id", "split", "view", "box")


def _check_unknown_columns(table: Table) -> None:
    """A column that looks like a known one is a typo that would silently drop its data
    (``pateint_id`` would cluster every case as one patient): refuse it."""
    import difflib

    known = REQUIRED + OPTIONAL
    for column in table.columns:
        if column and column not in known:
            close = difflib.get_close_matches(column.lower(), known, n=1, cutoff=0.75)
            if close or column.lower() in known:
                suggestion = close[0] if close else column.lower()
                raise DatasetError(f"unknown column {column!r}: did you mean {suggestion!r}? (known: {list(known)})",
                                   file=table.path, row=1, column=column)


def read_generic(table: Table, image_root: Path) -> list[Case]:
    fields.require_columns(table, REQUIRED, "generic")
    _check_unknown_columns(table)
    base_rows = _base_rows(table)
    base_questions = {
        fields.required(table, record, "group_id"): fields.required(table, record, "question")
        for record in table.records if record.row in base_rows
    }
    return [
        _case(table, record, image_root, record.row in base_rows, base_questions)
        for record in table.records
    ]


def _base_rows(table: Table) -> set[int]:
    """Rows that hold a group's base question: by ``role``, else each group's first row."""
    if "role" in table.columns:
        return {record.row for record in table.records if _role(table, record) == "base"}
    first: dict[str, int] = {}
    for record in table.records:
        first.setdefault(fields.required(table, record, "group_id"), record.row)
    return set(first.values())


def _role(table: Table, record: Record) -> str:
    role = fields.optional(record, "role", "variant").lower()
    if role not in ("base", "variant"):
        raise DatasetError(f"unknown role {role!r}; expected base or variant", file=table.path, row=record.row, column="role")
    return role


def _case(table: Table, record: Record, image_root: Path, is_base: bool, base_questions: dict[str, str]) -> Case:
    group_id = fields.required(table, record, "group_id")
    question = fields.required(table, record, "question")
    raw_strategy = fields.optional(record, "strategy", "baseline" if is_base else "unlabelled")
    strategy = normalise_strategy(raw_strategy)
    if strategy is None:
        raise DatasetError(f"strategy label {raw_strategy!r} names no known strategy", file=table.path, row=record.row, column="strategy")
    return Case(
        case_id=fields.optional(record, "case_id", f"{group_id}-r{record.row}"),
        group_id=group_id,
        image_path=fields.resolve_image(table, record, "image", image_root),
        question=question,
        expected_answer=fields.expected_answer(table, record),
        strategy=strategy,
        strategy_raw=raw_strategy,
        relation="base" if is_base else fields.optional(record, "relation", "invariant").lower(),
        finding=fields.optional(record, "finding") or finding_of(base_questions.get(group_id, question)),
        patient_id=fields.optional(record, "patient_id"),
        study_id=fields.optional(record, "study_id"),
        split=fields.optional(record, "split"),
        source=SourceRow(str(table.path), record.row),
        view=fields.optional(record, "view").upper(),
        box=fields.box(table, record, "box"),
    )
