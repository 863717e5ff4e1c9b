"""Everything a report shows, gathered once by the plugin; writers only format it."""

from __future__ import annotations

from dataclasses import dataclass, field

from vlmcore.engine.rows import VariantRow


@dataclass
class CaseOutcome:
    nodeid: str
    check: str  # the benchmark function, e.g. "test_group_consistency"
    model: str
    subject: str  # group / case / finding / strategy the check judged
    outcome: str  # passed | failed | skipped
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
    gate: list = field(default_factory=list)  # GateResult
    flips: list[dict] = field(default_factory=list)  # flip-search findings
    overlays: dict = field(default_factory=dict)  # "model/case_id" -> base64 PNG

    def failed(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome == "failed"]

    def verdict(self) -> str:
        """FAIL on any failed case or gate check; NOT EVALUATED when nothing passed (e.g. every
        case skipped because the weights are absent), so a skip never reads as a pass."""
        if any(not g.passed for g in self.gate) or self.failed():
            return "FAIL"
        if not any(c.outcome == "passed" for c in self.cases):
            return "NOT EVALUATED"
        return "PASS"
