"""Saved runs for the gate: a baseline is a copy of a run folder's ``results.jsonl``,
``summary.json`` and ``manifest.json`` under ``<report-dir>/baselines/<name>/`` (or any
folder path). Loaded and checked when pytest starts, so a missing or corrupt baseline fails
before any model loads."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.verdict.manifest import RunManifest

FILES = ("results.jsonl", "summary.json", "manifest.json")


@dataclass(frozen=True)
class SavedRun:
    name: str
    folder: Path
    rows: list[VariantRow]
    manifest: RunManifest


def baseline_dir(report_dir: Path, name: str) -> Path:
    """A name (``release``: ``<report-dir>/baselines/release``) or a folder path (anything with a
    ``/``, e.g. ``benchmarks/baselines/release``: a place that survives a clean checkout)."""
    candidate = Path(name)
    if candidate.is_dir() or "/" in name:
        return candidate
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ConfigError(f"baseline name {name!r}: use letters, digits, '-', '_' or '.', or a folder path with a '/'")
    return report_dir / "baselines" / name


def read_rows(path: Path) -> list[VariantRow]:
    rows = []
    try:
        with path.open() as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    rows.append(VariantRow.from_json(json.loads(line)))
                except (json.JSONDecodeError, TypeError, KeyError, ValueError) as error:
                    raise ConfigError(f"{path}, row {number}: not a vlmcore result row ({error})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    return rows


def read_run(folder: Path, name: str | None = None) -> SavedRun:
    """A run folder (or a saved baseline) with its rows and manifest, checked."""
    results = folder / "results.jsonl"
    if not results.is_file():
        raise ConfigError(f"{folder} is not a vlmcore run folder ({results.name} missing)")
    return SavedRun(name or folder.name, folder, read_rows(results), RunManifest.read(folder))


def load_baseline(report_dir: Path, name: str) -> SavedRun:
    folder = baseline_dir(report_dir, name)
    if not (folder / "results.jsonl").is_file():
        raise ConfigError(f"baseline {name!r}: {folder / 'results.jsonl'} does not exist (save one with --vlm-save-baseline {name})")
    saved = read_run(folder, name)
    if not saved.rows:
        raise ConfigError(f"baseline {name!r}: {folder / 'results.jsonl'} holds no rows (the run it was saved from evaluated nothing)")
    return saved


def save_baseline(report_dir: Path, name: str, run_dir: Path) -> Path:
    """Copy the run's files; each lands whole (temporary copy, then rename) or not at all."""
    folder = baseline_dir(report_dir, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file in FILES:
            temporary = folder / f".{file}.tmp"
            shutil.copyfile(run_dir / file, temporary)
            os.replace(temporary, folder / file)
    except OSError as error:
        raise ConfigError(f"cannot save baseline {name!r} in {folder}: {error.strerror or error}") from None
    return folder
