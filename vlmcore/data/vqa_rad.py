"""The official VQA-RAD JSON release as paraphrase groups.

VQA-RAD links a clinician's free-form question to its paraphrase(s) by ``qid_linked_id``.
We keep chest, closed, yes/no questions; a group is one linked id: its first free-form
question is the base, paraphrases are variants. ``question_relation`` decides the
variant's relation: ``strict agreement`` -> invariant, ``inversion`` -> inverted (the
answer flips), anything else (subsumption, NULL) -> related. Quirks handled: one string
``qid``, integer answers, ``"CLOSED "`` with a trailing space, mixed-case answers.
Excluded records are counted in the dataset notes, never dropped silently.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from pathlib import Path

from vlmcore.data import fields
from vlmcore.data.case import Case, SourceRow
from vlmcore.data.findings import finding_of
from vlmcore.data.tables import Record, Table
from vlmcore.errors import DatasetError

COLUMNS = ("qid", "phrase_type", "qid_linked_id", "image_name", "image_organ", "question", "answer", "answer_type", "question_relation")
FREEFORM = ("freeform", "test_freeform")
PARAPHRASE = ("para", "test_para")
_RELATIONS = {"strict agreement": "invariant", "inversion": "inverted"}


def exclusion_reason(record: Record, organ: str) -> str | None:
    """Why a record is outside the chest closed yes/no subset, or None if it is inside."""
    values = record.values
    if values.get("image_organ", "").strip().upper() != organ:
        return "other organ"
    if values.get("answer_type", "").strip().upper() != "CLOSED":
        return "open question"
    if values.get("answer", "").strip().lower() not in ("yes", "no"):
        return "answer not yes/no"
    if values.get("phrase_type", "").strip() not in FREEFORM + PARAPHRASE:
        return "unknown phrase_type"
    return None


def linked_groups(table: Table, organ: str = "CHEST") -> tuple[OrderedDict[str, list[Record]], Counter]:
    """Kept records by linked id (only ids with a free-form and a paraphrase), and exclusion counts."""
    by_link: OrderedDict[str, list[Record]] = OrderedDict()
    excluded: Counter = Counter()
    for record in table.records:
        reason = exclusion_reason(record, organ)
        if reason:
            excluded[reason] += 1
            continue
        by_link.setdefault(fields.required(table, record, "qid_linked_id"), []).append(record)
    groups: OrderedDict[str, list[Record]] = OrderedDict()
    for link, records in by_link.items():
        kinds = {r.values["phrase_type"].strip() in FREEFORM for r in records}
        if kinds == {True, False}:
            groups[link] = records
        else:
            excluded["no free-form/paraphrase pair"] += len(records)
    return groups, excluded


def paraphrase_pairs(table: Table, organ: str = "CHEST") -> list[tuple[Record, Record]]:
    """Every (free-form, paraphrase) combination inside one linked id, as VQA-RAD defines pairs."""
    groups, _ = linked_groups(table, organ)
    return [
        (free, para)
        for records in groups.values()
        for free in records if free.values["phrase_type"].strip() in FREEFORM
        for para in records if para.values["phrase_type"].strip() in PARAPHRASE
    ]


def read_vqa_rad(table: Table, image_root: Path, organ: str = "CHEST") -> tuple[list[Case], list[str]]:
    fields.require_columns(table, COLUMNS, "VQA-RAD")
    groups, excluded = linked_groups(table, organ)
    cases = []
    for index, (link, records) in enumerate(groups.items(), start=1):
        ordered = sorted(records, key=lambda r: (r.values["phrase_type"].strip() not in FREEFORM, _qid(table, r)))
        base_question = fields.required(table, ordered[0], "question")
        group_id = f"vqarad{index:03d}-{link[:8]}"
        for position, record in enumerate(ordered):
            cases.append(_case(table, record, image_root, group_id, position, base_question))
    notes = [f"excluded {count} VQA-RAD records: {reason}" for reason, count in sorted(excluded.items())]
    return cases, notes


def _qid(table: Table, record: Record) -> int:
    try:
        return int(record.values["qid"])
    except ValueError:
        raise DatasetError(f"qid {record.values['qid']!r} is not an integer", file=table.path, row=record.row, column="qid") from None


def _case(table: Table, record: Record, image_root: Path, group_id: str, position: int, base_question: str) -> Case:
    raw_relation = record.values.get("question_relation", "").strip()
    relation = "base" if position == 0 else _RELATIONS.get(raw_relation.lower(), "related")
    return Case(
        case_id=f"{group_id}-q{_qid(table, record)}",
        group_id=group_id,
        image_path=fields.resolve_image(table, record, "image_name", image_root),
        question=fields.required(table, record, "question"),
        expected_answer=fields.expected_answer(table, record),
        strategy="baseline" if position == 0 else "clinician",
        strategy_raw=raw_relation,
        relation=relation,
        finding=finding_of(base_question),
        split="test" if record.values["phrase_type"].startswith("test") else "train",
        study_id=record.values.get("image_name", ""),
        patient_id=record.values.get("image_name", ""),
        source=SourceRow(str(table.path), record.row),
        extra={"phrase_type": record.values["phrase_type"].strip(), "qid": record.values["qid"]},
    )
