"""Read a user's table (CSV, JSONL, JSON list, Parquet) into numbered string records.

Every record keeps the row number a user can find in the file, so each later error can
name it. Parsing problems of any kind (bad encoding, broken quoting, ragged rows, bad
JSON) become a ``DatasetError`` with a row number, never a bare parser exception.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from vlmcore.errors import DatasetError


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    path: Path
    columns: tuple[str, ...]
    records: tuple[Record, ...]
    raw: object = None  # the parsed JSON document, for schemas that need more than rows


def read_table(path: str | Path) -> Table:
    """Dispatch on the file suffix; unknown suffixes are refused with the ones we read."""
    path = Path(path)
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".tsv": _read_csv, ".jsonl": _read_jsonl, ".json": _read_json, ".parquet": _read_parquet}
    if suffix not in readers:
        raise DatasetError(f"unsupported file type {suffix!r}; use one of {sorted(readers)}", file=path, row=1)
    if not path.is_file():
        raise DatasetError("file does not exist", file=path, row=1)
    return readers[suffix](path)


MAX_CELL = 10_000  # characters in one value: a question or a path is far shorter; a megabyte cell is an attack


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"cannot be read ({error.strerror or error})", file=path, row=1) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DatasetError(f"not UTF-8 text (byte {error.start})", file=path, row=line) from None


def _read_csv(path: Path) -> Table:
    text = _decode(path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DatasetError("NUL byte in CSV text", file=path, row=line)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise DatasetError("empty file: no header row", file=path, row=1)
        columns = tuple(cell.strip() for cell in header)
        _check_header(columns, path)
        records = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line is not a record
            if len(cells) != len(columns):
                raise DatasetError(f"{len(cells)} fields where the header has {len(columns)}", file=path, row=reader.line_num)
            for column, cell in zip(columns, cells):
                if len(cell) > MAX_CELL:
                    raise DatasetError(f"value of {len(cell)} characters (at most {MAX_CELL})", file=path, row=reader.line_num,
                                       column=column)
            records.append(Record(reader.line_num, dict(zip(columns, cells))))
    except csv.Error as error:
        raise DatasetError(f"malformed CSV: {error}", file=path, row=max(reader.line_num, 1)) from None
    return Table(path, columns, tuple(records))


def _check_header(columns: tuple[str, ...], path: Path) -> None:
    named = [c for c in columns if c]
    duplicates = sorted({c for c in named if named.count(c) > 1})
    if duplicates:
        raise DatasetError(f"duplicate column names {duplicates}", file=path, row=1)


def _stringify(value: object, path: Path, row: int, column: str) -> str:
    """A JSON / Parquet value as the text a CSV cell would hold; anything that is not a
    scalar (a list, an object, bytes) or not finite is refused rather than turned into text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DatasetError(f"{value!r} is not a usable value", file=path, row=row, column=column)
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise DatasetError(f"expected text or a number, got {type(value).__name__}", file=path, row=row, column=column)
    if "\x00" in value:
        raise DatasetError("NUL byte in text", file=path, row=row, column=column)
    if len(value) > MAX_CELL:
        raise DatasetError(f"value of {len(value)} characters (at most {MAX_CELL})", file=path, row=row, column=column)
    return value


def _records_from_dicts(items: list, path: Path, first_row: int, step_rows: list[int] | None = None) -> Table:
    columns: list[str] = []
    records = []
    for index, item in enumerate(items):
        row = step_rows[index] if step_rows else first_row + index
        if not isinstance(item, dict):
            raise DatasetError(f"expected an object, got {type(item).__name__}", file=path, row=row)
        for key in item:
            if key not in columns:
                columns.append(str(key))
        records.append(Record(row, {str(k): _stringify(v, path, row, str(k)) for k, v in item.items()}))
    return Table(path, tuple(columns), tuple(records), raw=items)


def _read_jsonl(path: Path) -> Table:
    items, rows = [], []
    for number, line in enumerate(_decode(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg}", file=path, row=number) from None
        except RecursionError:
            raise DatasetError("JSON nested too deeply", file=path, row=number) from None
        rows.append(number)
    if not items:
        raise DatasetError("empty file: no records", file=path, row=1)
    return _records_from_dicts(items, path, 1, rows)


def _read_json(path: Path) -> Table:
    try:
        document = json.loads(_decode(path))
    except json.JSONDecodeError as error:
        raise DatasetError(f"invalid JSON: {error.msg} (line {error.lineno})", file=path, row=error.lineno) from None
    except RecursionError:
        raise DatasetError("JSON nested too deeply", file=path, row=1) from None
    if not isinstance(document, list) or not document:
        raise DatasetError("expected a non-empty JSON list of records", file=path, row=1)
    return _records_from_dicts(document, path, 1)


def _read_parquet(path: Path) -> Table:
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises many types; all mean "not a readable table"
        raise DatasetError(f"unreadable Parquet file: {error}", file=path, row=1) from None
    items = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    if not items:
        raise DatasetError("empty file: no records", file=path, row=1)
    return _records_from_dicts(items, path, 1)
