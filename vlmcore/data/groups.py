"""Assemble cases into paraphrase groups and check what must hold for each group.

Checks here are the ones every schema shares: one base per group, one image per group,
unique case ids, known relation and strategy labels. Each error names the offending row.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from vlmcore.data.case import RELATIONS, Case, ParaphraseGroup
from vlmcore.data.strategies import SOURCE_LABELS, STRATEGIES
from vlmcore.data.text import identifier_problem, nfkc, skeleton, visible
from vlmcore.errors import DatasetError

#: identifiers: NFKC-normalised, no invisible characters, no mixed scripts, no two that render alike
ID_FIELDS = ("case_id", "group_id", "patient_id", "study_id")


def _where(case: Case, path: Path) -> dict:
    return {"file": case.source.file if case.source else path, "row": case.source.row if case.source else 1}


def assemble_groups(cases: list[Case], path: Path) -> tuple[ParaphraseGroup, ...]:
    """Group cases by ``group_id`` in file order; validate each group."""
    by_group: OrderedDict[str, list[Case]] = OrderedDict()
    seen_ids: dict[str, Case] = {}
    looks: dict[tuple[str, str], Case] = {}
    for case in cases:
        case = _normalised(case, path)
        _check_lookalikes(case, looks, path)
        _check_labels(case, path)
        if case.case_id in seen_ids:
            first = seen_ids[case.case_id]
            raise DatasetError(f"duplicate case id {case.case_id!r} (first at row {_where(first, path)['row']})", column="case_id", **_where(case, path))
        seen_ids[case.case_id] = case
        by_group.setdefault(case.group_id, []).append(case)
    return tuple(_group(group_id, members, path) for group_id, members in by_group.items())


def _normalised(case: Case, path: Path) -> Case:
    """Identifiers and the question in NFKC; an identifier a reader cannot see whole is refused."""
    changes = {}
    for field in ID_FIELDS:
        value = getattr(case, field)
        if not value:
            continue
        normal = nfkc(value)
        problem = identifier_problem(normal)
        if problem:
            raise DatasetError(f"{field} {visible(value)!r} {problem}", column=field, **_where(case, path))
        if normal != value:
            changes[field] = normal
    question = nfkc(case.question)
    if question != case.question:
        changes["question"] = question
    return replace(case, **changes) if changes else case


def _check_lookalikes(case: Case, looks: dict, path: Path) -> None:
    """Two different identifiers that render alike (Latin ``c1`` and Cyrillic ``с1``) are refused."""
    for field in ID_FIELDS:
        value = getattr(case, field)
        if not value:
            continue
        first = looks.setdefault((field, skeleton(value)), case)
        if getattr(first, field) != value:
            raise DatasetError(f"{field} {value!r} renders like {getattr(first, field)!r} (row {_where(first, path)['row']}) but "
                               "is a different identifier: rename one", column=field, **_where(case, path))


def _check_labels(case: Case, path: Path) -> None:
    if case.relation not in RELATIONS:
        raise DatasetError(f"unknown relation {case.relation!r}; expected one of {RELATIONS[1:]}", column="relation", **_where(case, path))
    if case.strategy not in STRATEGIES and case.strategy not in SOURCE_LABELS:
        raise DatasetError(f"unknown strategy {case.strategy!r}", column="strategy", **_where(case, path))
    if not case.question.strip():
        raise DatasetError("empty question", column="question", **_where(case, path))


def _group(group_id: str, members: list[Case], path: Path) -> ParaphraseGroup:
    bases = [case for case in members if case.is_base]
    if len(bases) != 1:
        rows = [_where(case, path)["row"] for case in bases] or [_where(case, path)["row"] for case in members]
        problem = "no base question" if not bases else f"{len(bases)} base questions (rows {rows})"
        raise DatasetError(f"group {group_id!r} has {problem}", **_where(members[0], path))
    base = bases[0]
    for case in members:
        if case.image_path != base.image_path:
            raise DatasetError(
                f"group {group_id!r} mixes images: {case.image_path.name!r} vs {base.image_path.name!r} (base at row {_where(base, path)['row']})",
                column="image", **_where(case, path),
            )
    for case in members:
        _check_answer_relation(case, base, path)
    variants = tuple(case for case in members if not case.is_base)
    return ParaphraseGroup(group_id, base.image_path, base, variants)


def _check_answer_relation(case: Case, base: Case, path: Path) -> None:
    """A paraphrase keeps the base question's answer and a negated control flips it: a label
    that says otherwise would turn a correct model into a "flip" (or hide one)."""
    where = f"base {base.question!r} at row {_where(base, path)['row']} expects {base.expected_answer!r}"
    if case.relation == "invariant" and case.expected_answer != base.expected_answer:
        raise DatasetError(f"an invariant paraphrase must expect the base question's answer, got {case.expected_answer!r} ({where})",
                           column="answer", **_where(case, path))
    if case.relation == "inverted" and case.expected_answer == base.expected_answer:
        raise DatasetError(f"an inverted control must expect the opposite of the base question's answer, got "
                           f"{case.expected_answer!r} ({where})", column="answer", **_where(case, path))
