"""Checked access to one record's fields: every failure names file, row and column."""

from __future__ import annotations

from pathlib import Path

from vlmcore.data.tables import Record, Table
from vlmcore.errors import DatasetError

_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


def required(table: Table, record: Record, column: str) -> str:
    value = record.values.get(column, "").strip()
    if not value:
        raise DatasetError("empty value", file=table.path, row=record.row, column=column)
    return value


def optional(record: Record, column: str, default: str = "") -> str:
    value = record.values.get(column, "")
    return value.strip() or default


def expected_answer(table: Table, record: Record, column: str = "answer") -> str:
    value = required(table, record, column).lower().rstrip(".")
    if value in _YES:
        return "yes"
    if value in _NO:
        return "no"
    raise DatasetError(f"unknown answer {value!r}; expected yes or no", file=table.path, row=record.row, column=column)


def integer(table: Table, record: Record, column: str) -> int:
    value = required(table, record, column)
    try:
        return int(float(value)) if value.replace(".", "", 1).lstrip("-").isdigit() else int(value)
    except ValueError:
        raise DatasetError(f"{value!r} is not an integer", file=table.path, row=record.row, column=column) from None


def identifier(table: Table, record: Record, column: str) -> str:
    """An id column read as text; ``10000032.0`` (a spreadsheet re-save) reads as ``10000032``."""
    value = required(table, record, column)
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    return value


def missing_columns(table: Table, columns: tuple[str, ...]) -> list[str]:
    return [column for column in columns if column not in table.columns]


def require_columns(table: Table, columns: tuple[str, ...], schema: str) -> None:
    missing = missing_columns(table, columns)
    if missing:
        raise DatasetError(f"{schema} schema needs columns {missing}", file=table.path, row=1)


def resolve_image(table: Table, record: Record, column: str, image_root: Path) -> Path:
    """The image path under ``image_root``; a path that escapes the root is refused."""
    text = required(table, record, column)
    root = image_root.resolve()
    candidate = Path(text)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not resolved.is_relative_to(root):
        raise DatasetError(f"image path {text!r} escapes the image root {str(root)!r}", file=table.path, row=record.row, column=column)
    return resolved
