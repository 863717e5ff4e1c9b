"""Read a user's table (CSV, JSONL, JSON list, Parquet) into numbered string records.

Every record keeps the row number a user can find in the file, so each later error can
name it. Parsing problems of any kind (bad encoding, broken quoting, ragged rows, bad
JSON) become a ``DatasetError`` with a row number, never a bare parser exception.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from vlmcore.data.budget import DatasetBudget
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
    """Dispatch on the file suffix; unknown suffixes are refused with the ones we read. Every
    reader counts rows as it reads and stops at the first one past the budget (``DatasetBudget``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".tsv": _read_csv, ".jsonl": _read_jsonl, ".json": _read_json, ".parquet": _read_parquet}
    if suffix not in readers:
        raise DatasetError(f"unsupported file type {suffix!r}; use one of {sorted(readers)}", file=path, row=1)
    if not path.is_file():
        raise DatasetError("file does not exist", file=path, row=1)
    budget = DatasetBudget.current()
    size = path.stat().st_size
    if size > budget.max_bytes:
        raise DatasetError(f"{size / 2**20:.0f} MiB: over the dataset budget of {budget.max_bytes / 2**20:.0f} MiB "
                           "(VLMCORE_MAX_DATASET_MB raises it)", file=path, row=1)
    return readers[suffix](path, budget)


MAX_CELL = 10_000  # characters in one value: a question or a path is far shorter; a megabyte cell is an attack


def _open_text(path: Path):
    """Text read as it comes, never whole. Bytes that are not UTF-8 become lone surrogates, found
    per row (``_not_utf8``), so the error names the row they are on."""
    try:
        return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as error:
        raise DatasetError(f"cannot be read ({error.strerror or error})", file=path, row=1) from None


_SURROGATE = re.compile("[\udc80-\udcff]")


def _not_utf8(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _read_csv(path: Path, budget: DatasetBudget) -> Table:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    _count_csv_rows(path, delimiter, budget)
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise DatasetError("empty file: no header row", file=path, row=1)
            _check_cells(header, path, 1)
            columns = tuple(cell.strip() for cell in header)
            _check_header(columns, path)
            records = []
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line is not a record
                if len(records) >= budget.max_rows:
                    raise DatasetError(budget.rows_message(), file=path, row=reader.line_num)
                _check_cells(cells, path, reader.line_num)
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


def _count_csv_rows(path: Path, delimiter: str, budget: DatasetBudget) -> None:
    """A first pass that keeps nothing: a file over the row budget is refused in constant memory."""
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        count = -1  # the header
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    count += 1
                    if count > budget.max_rows:
                        raise DatasetError(budget.rows_message(), file=path, row=reader.line_num)
        except csv.Error:
            return  # the reading pass names the row


def _check_cells(cells: list[str], path: Path, line: int) -> None:
    for cell in cells:
        if _not_utf8(cell):
            raise DatasetError("not UTF-8 text", file=path, row=line)
        if "\x00" in cell:
            raise DatasetError("NUL byte in CSV text", file=path, row=line)


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


def _read_jsonl(path: Path, budget: DatasetBudget) -> Table:
    items, rows = [], []
    with _open_text(path) as handle:  # a first pass counts non-blank lines, keeping nothing
        count = 0
        for number, line in enumerate(iter(lambda: handle.readline(budget.max_line + 1), ""), start=1):
            count += bool(line.strip())
            if count > budget.max_rows:
                raise DatasetError(budget.rows_message(), file=path, row=number)
    with _open_text(path) as handle:
        number = 0
        while line := handle.readline(budget.max_line + 1):
            number += 1
            if len(line) > budget.max_line:
                raise DatasetError(f"line longer than {budget.max_line:,} characters", file=path, row=number)
            if _not_utf8(line):
                raise DatasetError("not UTF-8 text", file=path, row=number)
            if not line.strip():
                continue
            if len(items) >= budget.max_rows:
                raise DatasetError(budget.rows_message(), file=path, row=number)
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


def _read_json(path: Path, budget: DatasetBudget) -> Table:
    """A JSON list, decoded one element at a time and counted: the budget stops it before the
    millionth-and-first record is built, whatever the file holds."""
    with _open_text(path) as handle:
        text = handle.read()
    if _not_utf8(text):
        offset = _SURROGATE.search(text).start()
        raise DatasetError("not UTF-8 text", file=path, row=text.count("\n", 0, offset) + 1)
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise DatasetError(f"invalid JSON: {error.msg} (line {error.lineno})", file=path, row=error.lineno) from None
        except RecursionError:
            raise DatasetError("JSON nested too deeply", file=path, row=1) from None
        raise DatasetError(f"expected a non-empty JSON list of records, got {type(document).__name__}", file=path, row=1)
    _elements(text, position, budget, path, keep=False)  # counted first, in constant memory
    items = _elements(text, position, budget, path, keep=True)
    if not items:
        raise DatasetError("expected a non-empty JSON list of records", file=path, row=1)
    return _records_from_dicts(items, path, 1)


def _elements(text: str, position: int, budget: DatasetBudget, path: Path, *, keep: bool) -> list:
    """The list's elements from ``position`` (its ``[``), decoded one at a time and counted."""
    decoder = json.JSONDecoder()
    items: list = []
    count = 0
    position = _skip_space(text, position + 1)
    try:
        while not text.startswith("]", position):
            count += 1
            if count > budget.max_rows:
                raise DatasetError(budget.rows_message(), file=path, row=count)
            item, position = decoder.raw_decode(text, position)
            if keep:
                items.append(item)
            position = _skip_space(text, position)
            if text.startswith(",", position):
                position = _skip_space(text, position + 1)
                if text.startswith("]", position):
                    raise json.JSONDecodeError("a ',' before the closing ']'", text, position)
            elif not text.startswith("]", position):
                raise json.JSONDecodeError("expected ',' or ']'", text, position)
        if text[_skip_space(text, position + 1):]:
            raise json.JSONDecodeError("extra data after the list", text, position + 1)
    except json.JSONDecodeError as error:
        raise DatasetError(f"invalid JSON: {error.msg} (line {error.lineno})", file=path, row=error.lineno) from None
    except RecursionError:
        raise DatasetError("JSON nested too deeply", file=path, row=1) from None
    return items


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\r":
        position += 1
    return position


def _read_parquet(path: Path, budget: DatasetBudget) -> Table:
    """Rows counted from the footer before any page is decoded, then read batch by batch."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        metadata = parquet.metadata
    except Exception as error:  # pyarrow raises many types; all mean "not a readable table"
        raise DatasetError(f"unreadable Parquet file: {error}", file=path, row=1) from None
    if metadata.num_columns > budget.max_columns:
        raise DatasetError(f"{metadata.num_columns} columns (at most {budget.max_columns})", file=path, row=1)
    if metadata.num_rows > budget.max_rows:
        raise DatasetError(budget.rows_message() + f" (its footer says {metadata.num_rows:,})", file=path, row=budget.max_rows + 1)
    for index in range(metadata.num_row_groups):
        decoded = metadata.row_group(index).total_byte_size
        if decoded > budget.max_bytes:
            raise DatasetError(f"row group {index} decodes to {decoded / 2**20:.0f} MiB (at most {budget.max_bytes / 2**20:.0f})",
                               file=path, row=1)
    items: list = []
    try:
        for batch in parquet.iter_batches(batch_size=10_000):
            if len(items) + batch.num_rows > budget.max_rows:
                raise DatasetError(budget.rows_message(), file=path, row=budget.max_rows + 1)
            items += [{key: None if isinstance(value, float) and value != value else value for key, value in item.items()}
                      for item in batch.to_pylist()]
    except DatasetError:
        raise
    except Exception as error:
        raise DatasetError(f"unreadable Parquet file: {error}", file=path, row=len(items) + 1) from None
    if not items:
        raise DatasetError("empty file: no records", file=path, row=1)
    return _records_from_dicts(items, path, 1)
