"""Everything a report shows, gathered once by the plugin; writers only format it."""

from __future__ import annotations

from dataclasses import dataclass, field

from vlmcore.data.rows import VariantRow
from vlmcore.verdict.decision import Verdict
from vlmcore.verdict.manifest import RunManifest


@dataclass
class CaseOutcome:
    nodeid: str
    check: str  # the benchmark function, e.g. "test_group_consistency"
    model: str
    subject: str  # group / case / finding / strategy the check judged
    outcome: str  # passed | failed | xfailed (a diagnostic that did not hold) | skipped
    message: str = ""

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class RunReport:
    run_id: str
    rows: list[VariantRow]
    summary: dict
    cases: list[CaseOutcome]
    thresholds: dict
    environment: dict
    decision: Verdict
    manifest: RunManifest
    flips: list[dict] = field(default_factory=list)  # flip-search findings
    overlays: dict = field(default_factory=dict)  # "model/case_id" -> base64 image

    def failed(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome == "failed"]

    def diagnostics(self) -> list[CaseOutcome]:
        """Checks that did not hold but do not gate (reported as xfail)."""
        return [c for c in self.cases if c.outcome == "xfailed"]

    def not_holding(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome in ("failed", "xfailed")]

    def verdict(self) -> str:
        return self.decision.status
