"""Saved runs for the gate: a baseline is a copy of a run folder's ``results.jsonl``,
``summary.json`` and ``manifest.json`` under ``<report-dir>/baselines/<name>/`` (or a folder
path given as one, with a ``/``). Loaded and checked when pytest starts, so a missing, corrupt
or tampered baseline fails before any model loads.

A baseline is state the gate trusts, so saving it is a transaction:

- only a complete run is saved (never an interrupted, internal-error or ``-x``/``--maxfail``
  stopped one), and only a PASS unless the save is forced with a reason, which the manifest
  then carries (``save_refusal``);
- the files are written whole to a unique staging folder beside the target and swapped in by
  rename under a lock: the previous baseline stays in place until the new one is complete, and
  two saves of one name never mix their files (``save_baseline``);
- the manifest holds a seal: the sha256 of each file and of the manifest's own content, checked
  on every load (``verify_seal``), so editing or replacing one file is refused, not believed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.verdict.manifest import RunManifest

FILES = ("results.jsonl", "summary.json", "manifest.json")
SEALED = ("results.jsonl", "summary.json")  # manifest.json holds the seal and a digest of its own other content
SEAL_KEY = "baseline"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Seal:
    """How a baseline was saved: from which run, with which verdict, forced or not."""

    name: str
    run_id: str
    verdict: str
    forced: str | None  # the reason given with --vlm-save-baseline-force; None for a PASS run saved normally
    saved_at: str
    digests: dict

    def to_json(self) -> dict:
        return {"name": self.name, "run_id": self.run_id, "verdict": self.verdict, "forced": self.forced,
                "saved_at": self.saved_at, "sha256": dict(self.digests)}

    @staticmethod
    def from_json(data, path: Path) -> "Seal":
        try:
            return Seal(str(data["name"]), str(data["run_id"]), str(data["verdict"]),
                        None if data.get("forced") is None else str(data["forced"]), str(data["saved_at"]),
                        {str(k): str(v) for k, v in data["sha256"].items()})
        except (KeyError, TypeError, AttributeError) as error:
            raise ConfigError(f"{path}: the baseline seal is malformed ({type(error).__name__}: {error})") from None

    def note(self) -> str:
        """The sentence a gate's report shows when the baseline was not a passing run."""
        return (f"baseline {self.name!r} was saved FORCED from a {self.verdict} run ({self.run_id}): {self.forced}"
                if self.forced is not None else "")


@dataclass(frozen=True)
class SavedRun:
    name: str
    folder: Path
    rows: list[VariantRow]
    manifest: RunManifest
    seal: Seal | None = None


def baseline_dir(report_dir: Path, name: str) -> Path:
    """A name (``release``: ``<report-dir>/baselines/release``) or a folder path, given as one with a
    ``/`` (``benchmarks/baselines/release``, ``./release``: a place that survives a clean checkout).
    A name is never taken as a path, even when a folder of that name exists (``..`` is refused)."""
    if "/" in name or os.sep in name or name.startswith("~"):
        return Path(name).expanduser()
    if not NAME.fullmatch(name):
        raise ConfigError(f"baseline name {name!r}: use letters, digits, '-', '_' or '.' (starting with a letter or digit), "
                          "or give a folder path with a '/' (e.g. ./baselines/release)")
    return report_dir / "baselines" / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest_digest(document: dict) -> str:
    """The manifest's own content (everything but the seal), canonically serialised."""
    content = {k: v for k, v in document.items() if k != SEAL_KEY}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


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


def read_seal(folder: Path) -> Seal | None:
    """The seal in ``folder/manifest.json``, checked against the files; None for a plain run folder."""
    path = folder / "manifest.json"
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot be read as JSON ({error})") from None
    if not isinstance(document, dict) or SEAL_KEY not in document:
        return None
    seal = Seal.from_json(document[SEAL_KEY], path)
    verify_seal(folder, seal, document)
    return seal


def verify_seal(folder: Path, seal: Seal, document: dict) -> None:
    """Every sealed file and the manifest's content match the digests saved with them."""
    manifest = folder / "manifest.json"
    expected = dict(seal.digests)
    if expected.pop("manifest.json", None) != _manifest_digest(document):
        raise ConfigError(f"baseline {seal.name!r}: {manifest} does not match the digest saved with it (its content was "
                          "changed after the save); refusing to gate against it: save the baseline again from a passing run")
    for file in SEALED:
        path = folder / file
        if file not in expected:
            raise ConfigError(f"baseline {seal.name!r}: {manifest} holds no digest of {file}; refusing to gate against it")
        try:
            actual = sha256_of(path)
        except OSError as error:
            raise ConfigError(f"baseline {seal.name!r}: {path} cannot be read ({error.strerror or error})") from None
        if actual != expected[file]:
            raise ConfigError(f"baseline {seal.name!r}: {path} does not match the digest in {manifest} (changed or replaced "
                              "after the save); refusing to gate against it: save the baseline again from a passing run")


def read_run(folder: Path, name: str | None = None) -> SavedRun:
    """A run folder (or a saved baseline, whose seal is then verified) with its rows and manifest."""
    results = folder / "results.jsonl"
    if not results.is_file():
        raise ConfigError(f"{folder} is not a vlmcore run folder ({results.name} missing)")
    manifest = RunManifest.read(folder)
    seal = read_seal(folder)
    return SavedRun(name or folder.name, folder, read_rows(results), manifest, seal)


def load_baseline(report_dir: Path, name: str) -> SavedRun:
    folder = baseline_dir(report_dir, name)
    with _locked(folder):
        _recover(folder)
        if not (folder / "results.jsonl").is_file():
            raise ConfigError(f"baseline {name!r}: {folder / 'results.jsonl'} does not exist (save one with --vlm-save-baseline {name})")
        if not (folder / "manifest.json").is_file():
            raise ConfigError(f"{folder}: no manifest.json (a run saved by an older vlmcore, or not a run folder); "
                              "re-run and save the baseline again")
        saved = read_run(folder, name)
    if saved.seal is None:
        raise ConfigError(f"baseline {name!r}: {folder / 'manifest.json'} carries no digest of the baseline's files (saved by an "
                          "older vlmcore or assembled by hand); save the baseline again from a passing run")
    if not saved.rows:
        raise ConfigError(f"baseline {name!r}: {folder / 'results.jsonl'} holds no rows (the run it was saved from evaluated nothing)")
    return saved


# -- saving -------------------------------------------------------------------------------------
def save_refusal(name: str, *, exit_status: int, stopped: list[str], evaluated: bool, verdict: str,
                 forced: str | None) -> str | None:
    """Why this run must not become baseline ``name`` (None: save it). A forced save overrides
    only the verdict, never an interrupted or incomplete run."""
    kept = "the previous baseline, if any, is kept"
    if exit_status == 2:
        return f"baseline {name!r} not saved: the run was interrupted (exit 2); {kept}"
    if exit_status == 3:
        return f"baseline {name!r} not saved: the run ended in an internal error (exit 3); {kept}"
    if exit_status not in (0, 1):
        return f"baseline {name!r} not saved: pytest exit status {exit_status}; {kept}"
    if stopped:
        return f"baseline {name!r} not saved: the run is incomplete ({'; '.join(stopped)}); {kept}"
    if not evaluated:
        return f"baseline {name!r} not saved: this run evaluated nothing; {kept}"
    if verdict != "PASS" and forced is None:
        return (f"baseline {name!r} not saved: the verdict is {verdict}, and only a PASS run becomes a baseline "
                f"(--vlm-save-baseline-force REASON saves it anyway, marked as forced); {kept}")
    return None


@dataclass(frozen=True)
class SavePlan:
    """What ``--vlm-save-baseline`` does at the end of a run: save (forced or not) or say why not."""

    save: bool
    forced: str | None = None
    refusal: str | None = None
    note: str | None = None  # the saving run's own report says a forced save happened


def plan_save(name: str, forced: str | None, *, exit_status: int, stopped: list[str], evaluated: bool, verdict: str) -> SavePlan:
    refusal = save_refusal(name, exit_status=exit_status, stopped=stopped, evaluated=evaluated, verdict=verdict, forced=forced)
    if refusal:
        return SavePlan(False, refusal=refusal)
    if verdict != "PASS":
        return SavePlan(True, forced, note=f"saved as baseline {name!r} FORCED from a {verdict} run (--vlm-save-baseline-force): {forced}")
    return SavePlan(True)


def save_baseline(report_dir: Path, name: str, run_dir: Path, *, verdict: str = "PASS", forced: str | None = None) -> Path:
    """Stage the run's files with their seal in a unique folder beside the target, then swap it in.
    The previous baseline is renamed aside only once the new one is whole, and removed after."""
    folder = baseline_dir(report_dir, name)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            _recover(folder)
            _check_replaceable(folder)
            staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.saving-", dir=folder.parent))
            try:
                _stage(staging, run_dir, Seal(name, run_dir.name, verdict, forced, time.strftime("%Y-%m-%dT%H:%M:%S%z"), {}))
                _swap_in(staging, folder)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise ConfigError(f"cannot save baseline {name!r} in {folder}: {error.strerror or error}") from None
    return folder


def check_save_target(report_dir: Path, name: str) -> Path:
    """At start-up, before any model loads: the name is valid and its folder may be replaced."""
    folder = baseline_dir(report_dir, name)
    _check_replaceable(folder)
    return folder


def _stage(staging: Path, run_dir: Path, seal: Seal) -> None:
    digests = {}
    for file in SEALED:
        shutil.copyfile(run_dir / file, staging / file)
        digests[file] = sha256_of(staging / file)
    document = json.loads((run_dir / "manifest.json").read_text())
    document.pop(SEAL_KEY, None)
    digests["manifest.json"] = _manifest_digest(document)
    document[SEAL_KEY] = Seal(seal.name, seal.run_id, seal.verdict, seal.forced, seal.saved_at, digests).to_json()
    (staging / "manifest.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    for file in FILES:
        with (staging / file).open("rb") as handle:
            os.fsync(handle.fileno())


def _swap_in(staging: Path, folder: Path) -> None:
    if folder.exists() or folder.is_symlink():
        previous = folder.with_name(f".{folder.name}.previous-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(folder, previous)
        try:
            os.rename(staging, folder)
        except OSError:
            os.rename(previous, folder)
            raise
        _fsync_folder(folder.parent)
        if previous.is_symlink():
            previous.unlink()
        else:
            shutil.rmtree(previous, ignore_errors=True)
    else:
        os.rename(staging, folder)
        _fsync_folder(folder.parent)


def _check_replaceable(folder: Path) -> None:
    """Only a baseline (or an empty folder) is ever replaced: a path given by mistake must never
    move a user's folder aside."""
    if not (folder.exists() or folder.is_symlink()):
        return
    if not folder.is_dir():
        raise ConfigError(f"{folder} exists and is not a folder: not replaced by a baseline")
    others = sorted(p.name for p in folder.iterdir() if p.name not in FILES)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise ConfigError(f"{folder} exists and holds files that are not a vlmcore baseline's ({shown}): not replaced; "
                          "give a new name or an empty folder")


def _recover(folder: Path) -> None:
    """A save stopped between its two renames leaves the previous baseline under a hidden name:
    put it back (the lock is held)."""
    if folder.exists() or folder.is_symlink() or not folder.parent.is_dir():
        return
    aside = sorted(folder.parent.glob(f".{folder.name}.previous-*"), key=lambda p: p.stat().st_mtime)
    if aside:
        os.rename(aside[-1], folder)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock per baseline (``.<name>.lock`` beside it): saves and loads of one name
    take turns. A folder where no lock file can be made (read-only) is read without one."""
    import fcntl

    try:
        handle = open(folder.with_name(f".{folder.name}.lock"), "a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
