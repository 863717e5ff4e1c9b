"""One error tree for vlmcore.

Every error a user can trigger is a ``VlmcoreError`` and also subclasses the natural
builtin (``ValueError``...), so callers that already catch builtins keep working.
"""

from __future__ import annotations

from pathlib import Path


class VlmcoreError(Exception):
    """Base of every error raised on purpose by vlmcore."""


class DatasetError(VlmcoreError, ValueError):
    """Bad dataset input. Always names the file and the row (and the column when known).

    ``row`` is the 1-based record number as the user sees it: the line number for CSV and
    JSONL files (the CSV header is line 1), the record index for JSON and Parquet. A
    problem with the whole file (unreadable, empty, unknown schema) uses row 1.
    """

    def __init__(self, message: str, *, file: str | Path, row: int, column: str | None = None):
        self.file = str(file)
        self.row = int(row)
        self.column = column
        self.reason = message
        where = f"{self.file}, row {self.row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class ConfigError(VlmcoreError, ValueError):
    """A bad option, threshold file, model path or registry name."""


class CaptureError(VlmcoreError, RuntimeError):
    """Attention capture could not produce a real map; never replaced by a silent fallback."""


class ImageError(VlmcoreError, ValueError):
    """An image that cannot be read, or a path that escapes the image root."""


class StopRun(VlmcoreError):
    """An error after which no later case can succeed (a full disk): the pytest plugin stops the
    run at the case that met it, with this one message, instead of failing every case after it."""


class StorageError(StopRun, OSError):
    """Results could not be stored (disk full, I/O error); the message names the path. What was
    stored before is whole, and a rerun resumes from it."""
