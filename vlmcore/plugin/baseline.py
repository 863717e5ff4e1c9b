"""Saved runs for the gate: ``<report-dir>/baselines/<name>/results.jsonl`` (+ summary).

Loaded and validated when pytest starts, so a missing or corrupt baseline fails before any
model loads.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from vlmcore.engine.rows import VariantRow
from vlmcore.errors import ConfigError


def baseline_dir(report_dir: Path, name: str) -> Path:
    candidate = Path(name)
    if candidate.is_dir():
        return candidate
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ConfigError(f"baseline name {name!r}: use letters, digits, '-', '_' or '.', or an existing folder path")
    return report_dir / "baselines" / name


def read_rows(path: Path) -> list[VariantRow]:
    rows = []
    with path.open() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(VariantRow.from_json(json.loads(line)))
            except (json.JSONDecodeError, TypeError, KeyError) as error:
                raise ConfigError(f"{path}, row {number}: not a vlmcore result row ({error})") from None
    return rows


def load_baseline(report_dir: Path, name: str) -> list[VariantRow]:
    folder = baseline_dir(report_dir, name)
    results = folder / "results.jsonl"
    if not results.is_file():
        raise ConfigError(f"baseline {name!r}: {results} does not exist (save one with --save-baseline {name})")
    rows = read_rows(results)
    if not rows:
        raise ConfigError(f"baseline {name!r}: {results} holds no rows")
    return rows


def save_baseline(report_dir: Path, name: str, run_dir: Path) -> Path:
    folder = baseline_dir(report_dir, name)
    folder.mkdir(parents=True, exist_ok=True)
    for file in ("results.jsonl", "summary.json"):
        shutil.copyfile(run_dir / file, folder / file)
    return folder
