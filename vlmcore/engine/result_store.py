"""Results on disk (SQLite in WAL mode), written as they are produced.

An interrupted run resumes where it stopped and a rerun is near-instant. Values are JSON
(never pickle); only deterministic results (greedy scores, captured maps) are stored, and an
empty value is refused. Each group's results go in one transaction, so a killed run leaves
whole groups or nothing.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from vlmcore.errors import ConfigError, StorageError

RESUME = "what was stored before is kept, and a rerun resumes from it once there is room"
#: seconds an opening store waits for a sibling process setting up the same file
OPEN_WAIT = 30.0


class ResultStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.moved_aside: Path | None = None  # where a corrupt cache went (the run reports it)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except sqlite3.OperationalError as error:  # full, read-only, locked: not corruption, never moved aside
            self.close()
            raise StorageError(f"result cache {self.path}: {error}; the run is stopped ({RESUME})") from None
        except OSError as error:
            raise StorageError(f"result cache {self.path}: {error.strerror or error}; the run is stopped ({RESUME})") from None
        except sqlite3.DatabaseError:
            self._db.close()
            self._move_aside()
            self._open()

    def _open(self) -> None:
        """Connect and set the store up, waiting out a sibling that is setting up the same file: xdist
        workers open one new cache at the same moment, and switching it to WAL takes a lock SQLite's
        busy timeout does not wait for ("database is locked" at once, 9 of 160 openings by four
        processes; ``tests/engine/test_result_store.py``). Still locked after ``OPEN_WAIT`` seconds:
        the error stands."""
        deadline = time.monotonic() + OPEN_WAIT
        while True:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)")
                break
            except sqlite3.OperationalError as error:
                self._db.close()
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")

    def _move_aside(self) -> None:
        """A corrupt cache is kept for inspection under a new name, never silently deleted."""
        target = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(Path(f"{target}{suffix}"))
        self.moved_aside = target

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        """Stored values; a value that is not valid JSON object is treated as absent (recomputed), never as a result."""
        found: dict[str, dict] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                try:
                    decoded = json.loads(value)
                except (ValueError, TypeError):
                    continue
                if isinstance(decoded, dict) and decoded:
                    found[key] = decoded
        return found

    def put_many(self, items: dict[str, dict]) -> None:
        if any(not value for value in items.values()):
            raise ConfigError("refusing to cache an empty result")
        now = time.time()
        try:
            with self._db:  # one transaction: a group is stored whole or not at all
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO results (key, value, created) VALUES (?, ?, ?)",
                                     [(key, json.dumps(value, sort_keys=True), now) for key, value in items.items()])
        except (sqlite3.OperationalError, OSError) as error:  # "database or disk is full", "disk I/O error"
            if self._db.in_transaction:
                try:
                    self._db.rollback()
                except sqlite3.Error:
                    pass  # the connection is closed below; SQLite's journal undoes the transaction
            raise StorageError(f"result cache {self.path}: {error}; the run is stopped ({RESUME})") from None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        if getattr(self, "_db", None) is not None:
            self._db.close()
