"""Everything a report shows, gathered once by the plugin; writers only format it."""

from __future__ import annotations

from collections import Counter, defaultdict
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


#: checks judged per group or per model come before the per-case map checks
CHECK_ORDER = ("test_image_reliance", "test_group_consistency", "test_group_accuracy", "test_inverted_answer_flips",
               "test_no_flipping_paraphrase", "test_group_attention_js", "test_finding_consistency", "test_strategy_consistency",
               "test_map_is_measured", "test_attention_inside_body", "test_attention_off_border")


@dataclass(frozen=True)
class FailureGroup:
    """The cases of one check and model that did not hold (sorted by subject), out of ``total`` judged."""

    check: str
    model: str
    cases: tuple[CaseOutcome, ...]
    total: int

    @property
    def gating(self) -> bool:
        return any(c.outcome == "failed" for c in self.cases)


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

    def failed_by_model(self) -> dict[str, int]:
        """Gating cases that failed, per model (the scorecard's "gating pytest cases" line)."""
        return dict(Counter(c.model for c in self.failed()))

    def diagnostics(self) -> list[CaseOutcome]:
        """Checks that did not hold but do not gate (reported as xfail)."""
        return [c for c in self.cases if c.outcome == "xfailed"]

    def not_holding(self) -> list[CaseOutcome]:
        return [c for c in self.cases if c.outcome in ("failed", "xfailed")]

    def failure_groups(self) -> list[FailureGroup]:
        """Checks that did not hold, grouped by check and model: gating groups first, then per-model
        and per-group checks before per-case map checks (``CHECK_ORDER``). Both report writers read this."""
        totals = Counter((c.check, c.model) for c in self.cases if c.outcome in ("passed", "failed", "xfailed"))
        grouped: dict[tuple[str, str], list[CaseOutcome]] = defaultdict(list)
        for case in self.not_holding():
            grouped[(case.check, case.model)].append(case)
        groups = [FailureGroup(check, model, tuple(sorted(cases, key=lambda c: c.subject)), totals[(check, model)])
                  for (check, model), cases in grouped.items()]
        rank = {check: index for index, check in enumerate(CHECK_ORDER)}
        return sorted(groups, key=lambda g: (not g.gating, rank.get(g.check, len(rank)), g.check, g.model))

    def verdict(self) -> str:
        return self.decision.status
