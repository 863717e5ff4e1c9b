"""Exit codes of ``pytest benchmarks ...`` and ``vlmcore compare``: one table, documented in
the README. pytest's own codes 2 (interrupted), 3 (internal error) and 5 (no test
collected) and 6 (pytest 9: --max-warnings exceeded) keep their meaning; vlmcore's verdicts use
0, 1, 10 and 11, far from pytest's range so a future pytest code cannot be mistaken for one, and
usage errors 4."""

from __future__ import annotations

from enum import Enum

PASS = 0
FAIL = 1
USAGE_ERROR = 4
NOT_EVALUATED = 10
COMPARISON_IMPOSSIBLE = 11



class Status(str, Enum):
    """A verdict: a model's, or the run's (the worst of its models')."""

    PASS = "PASS"
    FAIL = "FAIL"
    NOT_EVALUATED = "NOT EVALUATED"
    COMPARISON_IMPOSSIBLE = "COMPARISON IMPOSSIBLE"

    def __str__(self) -> str:
        return self.value

    def __hash__(self) -> int:  # hash as the text it equals, so BY_STATUS["NOT EVALUATED"] finds it
        return hash(self.value)

    @property
    def exit_code(self) -> int:
        return BY_STATUS[self]


BY_STATUS = {Status.PASS: PASS, Status.FAIL: FAIL, Status.NOT_EVALUATED: NOT_EVALUATED,
             Status.COMPARISON_IMPOSSIBLE: COMPARISON_IMPOSSIBLE}

#: worst first: a run with a failed model and an unevaluated one is a FAIL
SEVERITY = (Status.FAIL, Status.COMPARISON_IMPOSSIBLE, Status.NOT_EVALUATED, Status.PASS)

TABLE = (
    (PASS, "PASS: every model evaluated and the verdict's rule passed"),
    (FAIL, "FAIL: a first-run check or the regression gate failed (or a gating pytest case failed)"),
    (2, "pytest: interrupted"),
    (3, "pytest: internal error"),
    (USAGE_ERROR, "usage error: a bad option, thresholds file, dataset or baseline, found before any model loads"),
    (5, "pytest: no test collected"),
    (6, "pytest: more warnings than --max-warnings allows"),
    (NOT_EVALUATED, "NOT EVALUATED: a selected model produced no result (weights absent, every case skipped)"),
    (COMPARISON_IMPOSSIBLE, "COMPARISON IMPOSSIBLE: the baseline and this run do not share enough of the same cases"),
)


def worst(statuses) -> Status:
    statuses = {Status(s) for s in statuses}
    return next((s for s in SEVERITY if s in statuses), Status.NOT_EVALUATED)
