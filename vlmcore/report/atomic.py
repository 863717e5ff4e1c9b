"""Report files are written whole or not at all: to a temporary name in the same folder, then
renamed over the final name. A crash, a full disk or a read-only folder never leaves a
truncated (or 0-byte) file under a name a reader or CI trusts; a failed write is an error
naming the path and the cause."""

from __future__ import annotations

import os
from pathlib import Path

from vlmcore.errors import VlmcoreError


class ReportWriteError(VlmcoreError, OSError):
    """A report file could not be written (the message names the path and why)."""


def write_atomic(path: Path, text: str | bytes) -> Path:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb" if isinstance(text, bytes) else "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ReportWriteError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def append_text(path: Path, text: str) -> None:
    """Append (for ``$GITHUB_STEP_SUMMARY``, which others write too); a failure names the path."""
    try:
        with open(path, "a") as handle:
            handle.write(text)
    except OSError as error:
        raise ReportWriteError(f"cannot append to {path}: {error.strerror or error}") from None
