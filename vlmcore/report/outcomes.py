"""What each benchmark case and each flip search ended with: typed records the plugin pushes
and the report, summary.json and the xdist transport read (``vlmcore.records`` is their codec)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"  # a gating check that did not hold, or an error
    XFAILED = "xfailed"  # a diagnostic that did not hold
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value

    def __hash__(self) -> int:
        return hash(self.value)


@dataclass(frozen=True)
class CaseOutcome:
    nodeid: str
    check: str  # the benchmark function, e.g. "test_group_consistency"
    model: str
    subject: str  # group / case / finding / strategy the check judged
    outcome: Outcome
    message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))


@dataclass(frozen=True)
class FlipFinding:
    """One group's flip search (``vlmcore.paraphrase.search``) for one model."""

    model: str
    group_id: str
    question: str
    found: bool
    paraphrase: str | None = None
    transforms: tuple[str, ...] = ()
    margin: float | None = None
    base_margin: float | None = None
    examples: int = 0
    replayed: bool = False
    unverified_skipped: int = 0
