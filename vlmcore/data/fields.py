"""Checked access to one record's fields: every failure names file, row and column."""

from __future__ import annotations

from functools import lru_cache
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


def box(table: Table, record: Record, column: str) -> tuple[float, float, float, float] | None:
    """An optional ``x,y,w,h`` box in film pixels (commas or spaces; brackets allowed); empty: None."""
    import math

    value = optional(record, column)
    if not value:
        return None
    parts = value.strip("[]() ").replace(",", " ").split()
    try:
        numbers = tuple(float(part) for part in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise DatasetError(f"box {value!r} is not four numbers x,y,w,h", file=table.path, row=record.row, column=column)
    x, y, w, h = numbers
    if w <= 0 or h <= 0 or x < 0 or y < 0:
        raise DatasetError(f"box {value!r} has no area or starts outside the film (x, y >= 0; w, h > 0)", file=table.path,
                           row=record.row, column=column)
    return numbers


def missing_columns(table: Table, columns: tuple[str, ...]) -> list[str]:
    return [column for column in columns if column not in table.columns]


def require_columns(table: Table, columns: tuple[str, ...], schema: str) -> None:
    missing = missing_columns(table, columns)
    if missing:
        raise DatasetError(f"{schema} schema needs columns {missing}", file=table.path, row=1)


MAX_PATH = 1024


@lru_cache(maxsize=4)
def _resolved_root(image_root: Path) -> Path:
    return image_root.resolve()


@lru_cache(maxsize=65_536)
def _resolve_under(root: Path, text: str) -> tuple[Path, bool]:
    """(resolved path, inside root?): memoised, since a group's six rows name one film."""
    candidate = Path(text)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    return resolved, resolved.is_relative_to(root)


def resolve_image(table: Table, record: Record, column: str, image_root: Path) -> Path:
    """The image path under ``image_root``; a path that escapes the root is refused (symlinks
    are followed before the check)."""
    text = required(table, record, column)
    if len(text) > MAX_PATH or "\x00" in text:
        raise DatasetError(f"not a usable image path ({len(text)} characters{', NUL byte' if chr(0) in text else ''})",
                           file=table.path, row=record.row, column=column)
    root = _resolved_root(image_root)
    try:
        resolved, inside = _resolve_under(root, text)
    except (OSError, RuntimeError) as error:  # a symlink loop, a name too long for the file system
        raise DatasetError(f"image path {text!r} cannot be resolved ({error})", file=table.path, row=record.row, column=column) from None
    if not inside:
        raise DatasetError(f"image path {text!r} escapes the image root {str(root)!r}", file=table.path, row=record.row, column=column)
    return resolved
