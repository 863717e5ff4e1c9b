"""How much of a dataset file vlmcore reads before refusing it (issue 23 item 5).

A 434 KB Parquet file can hold 30 M rows (dictionary + run-length encoding) and a small JSON
file millions of empty records: read whole, they exhaust memory before any check runs. Rows
are counted while reading (Parquet: from its footer, before any page is decoded) and the file
is refused at the first row past the budget, with an error naming file and row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetBudget:
    max_rows: int = 1_000_000  # records; a 100k-study set with 6 questions each is 600k
    max_bytes: int = 256 * 2**20  # the file on disk (JSON is parsed from one text)
    max_columns: int = 256
    max_line: int = 1 << 20  # characters in one JSONL line

    @staticmethod
    def current() -> "DatasetBudget":
        """The defaults, or ``VLMCORE_MAX_DATASET_ROWS`` / ``VLMCORE_MAX_DATASET_MB`` from the environment."""
        rows = os.environ.get("VLMCORE_MAX_DATASET_ROWS")
        megabytes = os.environ.get("VLMCORE_MAX_DATASET_MB")
        default = DatasetBudget()
        return DatasetBudget(int(rows) if rows else default.max_rows,
                             int(float(megabytes) * 2**20) if megabytes else default.max_bytes)

    def rows_message(self) -> str:
        return f"more than {self.max_rows:,} rows: over the dataset budget (VLMCORE_MAX_DATASET_ROWS raises it)"
