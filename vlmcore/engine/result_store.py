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

from vlmcore.errors import ConfigError


class ResultStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)")

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                found[key] = json.loads(value)
        return found

    def put_many(self, items: dict[str, dict]) -> None:
        if any(not value for value in items.values()):
            raise ConfigError("refusing to cache an empty result")
        now = time.time()
        with self._db:  # one transaction: a group is stored whole or not at all
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO results (key, value, created) VALUES (?, ?, ?)",
                                 [(key, json.dumps(value, sort_keys=True), now) for key, value in items.items()])

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        self._db.close()
