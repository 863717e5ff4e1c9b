"""Everything a report shows, gathered once by the plugin; writers only format it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.rates import report_order
from vlmcore.metrics.summary import ModelSummary
from vlmcore.records import from_json
from vlmcore.report.outcomes import CaseOutcome, FlipFinding, Outcome
from vlmcore.report.sections import Section
from vlmcore.verdict.decision import Verdict
from vlmcore.verdict.exit_codes import Status
from vlmcore.verdict.manifest import RunManifest
from vlmcore.verdict.thresholds import Thresholds

__all__ = ["CaseOutcome", "Environment", "FailureGroup", "FlipFinding", "Outcome", "RunReport"]


@dataclass
class Environment:
    """Where the run ran: software versions, each model's identity, visible degradations, and what
    to pass to ``vlmcore explain --model`` to load each model again."""

    software: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    model_arguments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FailureGroup:
    """The cases of one check and model that did not hold (sorted by subject), out of ``total`` judged."""

    check: str
    model: str
    cases: tuple[CaseOutcome, ...]
    total: int

    @property
    def gating(self) -> bool:
        return any(c.outcome is Outcome.FAILED for c in self.cases)


def _typed(name: str, value):
    """A field given in its JSON form (a dict, a thresholds description) read as its record."""
    if name == "environment" and isinstance(value, dict):
        return from_json(Environment, value)
    if name == "thresholds" and isinstance(value, dict):
        return Thresholds.from_description(value)
    if name == "flips":
        return [f if isinstance(f, FlipFinding) else from_json(FlipFinding, f) for f in value]
    if name == "cases":
        return [c if isinstance(c, CaseOutcome) else from_json(CaseOutcome, c) for c in value]
    return value


@dataclass
class RunReport:
    run_id: str
    rows: list[VariantRow]
    summary: dict[str, ModelSummary]
    cases: list[CaseOutcome]
    thresholds: Thresholds
    environment: Environment
    decision: Verdict
    manifest: RunManifest
    flips: list[FlipFinding] = field(default_factory=list)  # flip-search findings
    overlays: dict[str, str] = field(default_factory=dict)  # "model/case_id" -> base64 image
    sections: tuple[Section, ...] = ()  # added by ``pytest_vlmcore_report_sections`` hooks
    reference: str | None = None  # the paired tests' reference model (None: the first by name)

    def __setattr__(self, name: str, value) -> None:
        super().__setattr__(name, _typed(name, value))

    def failed(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome is Outcome.FAILED]

    def failed_by_model(self) -> dict[str, int]:
        """Gating cases that failed, per model (the scorecard's "gating pytest cases" line)."""
        return dict(Counter(c.model for c in self.failed()))

    def diagnostics(self) -> list[CaseOutcome]:
        """Checks that did not hold but do not gate (reported as xfail)."""
        return [c for c in self.cases if c.outcome is Outcome.XFAILED]

    def skipped(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome is Outcome.SKIPPED]

    def not_holding(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome in (Outcome.FAILED, Outcome.XFAILED)]

    def counts_line(self) -> str:
        passed = sum(c.outcome is Outcome.PASSED for c in self.cases)
        return (f"Cases: {passed} passed, {len(self.failed())} failed "
                f"(gating), {len(self.diagnostics())} diagnostics did not hold, {len(self.skipped())} skipped.")

    def failure_groups(self) -> list[FailureGroup]:
        """Checks that did not hold, grouped by check and model: gating groups first, then in the
        declared report order (``metrics.rates.report_order``: model-level, per-group,
        per-finding / per-strategy, per-case checks)."""
        totals = Counter((c.check, c.model) for c in self.cases if c.outcome is not Outcome.SKIPPED)
        grouped: dict[tuple[str, str], list[CaseOutcome]] = defaultdict(list)
        for case in self.not_holding():
            grouped[(case.check, case.model)].append(case)
        groups = [FailureGroup(check, model, tuple(sorted(cases, key=lambda c: c.subject)), totals[(check, model)])
                  for (check, model), cases in grouped.items()]
        rank = {check: index for index, check in enumerate(report_order())}
        return sorted(groups, key=lambda g: (not g.gating, rank.get(g.check, len(rank)), g.check, g.model))

    def verdict(self) -> Status:
        return self.decision.status
