"""The scorecard: per model, each headline number beside the bar it was held to and the result.

A reader deciding "ship or not" should not have to know which metric is good high and which
low, or which ones gate: every line says its direction and whether it decided anything. The
numbers are the decision's own (``Verdict.checks`` and ``Verdict.gate``), never recomputed, so
the scorecard cannot disagree with the verdict above it. What else the summary holds is shown
as diagnostics; which rates there are comes from their specs (``vlmcore.metrics.rates``).
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.metrics.rates import MEASURES, RATES
from vlmcore.metrics.specs import Direction, Level, Scope
from vlmcore.metrics.summary import ModelSummary
from vlmcore.verdict.decision import Verdict
from vlmcore.verdict.first_run import AggregateCheck
from vlmcore.verdict.thresholds import Thresholds


@dataclass(frozen=True)
class ScoreLine:
    metric: str
    value: str
    requirement: str
    direction: str
    result: str  # "pass" | "FAIL" | "REGRESSION" | "ok" | "diagnostic" | "no case" | "too few"

    @property
    def failed(self) -> bool:
        return self.result in ("FAIL", "REGRESSION", "too few")


def _grouped_checks(checks: list[AggregateCheck], scope: Scope) -> ScoreLine | None:
    """Per-finding or per-strategy checks folded into one line that names what failed."""
    mine = [c for c in checks if c.scope.startswith(scope.value) and c.passed is not None]
    if not mine:
        return None
    failed = [c for c in mine if not c.passed]
    names = ", ".join(f"{c.check.replace('_', ' ')} {c.subject} {c.value:.3f}" for c in failed[:6]) + (" ..." if len(failed) > 6 else "")
    directions = {str(RATES[c.rate].direction) for c in mine}
    result = "FAIL" if any(c.failed for c in failed) else "diagnostic" if failed else "pass"
    return ScoreLine(f"per-{scope.value} checks", f"{len(mine) - len(failed)} of {len(mine)} pass" + (f" (failed: {names})" if failed else ""),
                     "each as its model-level bar", directions.pop() if len(directions) == 1 else "as each rate", result)


def _check_line(check: AggregateCheck) -> ScoreLine:
    if check.passed is None:
        return ScoreLine(check.check, "-", "", "", "no case")
    relation = "at least" if check.higher_is_better else "at most"
    result = "pass" if check.passed else "FAIL" if check.gating else "diagnostic"
    return ScoreLine(check.check, f"{check.value:.3f} [{check.interval.low:.3f}, {check.interval.high:.3f}]",
                     f"{relation} {check.threshold} (one-sided bound {check.bound:.3f})" + ("" if check.gating else " (diagnostic)"),
                     str(RATES[check.rate].direction), result)


def _diagnostics(summary: ModelSummary, judged: set[str], thresholds: Thresholds) -> list[ScoreLine]:
    """Every summary entry no check or gate judged, with its meaning (or its per-group / per-case bar)."""
    lines = []
    for name, estimate in summary.estimates.items():
        if name in judged:
            continue
        if name in RATES:
            spec = RATES[name]
            lines.append(ScoreLine(name, estimate.shown(), spec.meaning, str(spec.direction), "diagnostic"))
            continue
        measure = MEASURES[name]
        bar = thresholds.values.get(name)
        relation = "at most" if measure.direction is Direction.LOWER else "at least"
        where = "per group" if measure.case_level is Level.GROUP else "per case"
        requirement = f"{where} {relation} {bar} (diagnostic)" if bar is not None and measure.case else measure.label
        lines.append(ScoreLine(name, estimate.shown(), requirement, str(measure.direction), "diagnostic"))
    return lines


def _model_lines(model: str, decision: Verdict, summary: ModelSummary | None, thresholds: Thresholds, failed: int) -> list[ScoreLine]:
    lines: list[ScoreLine] = []
    if summary is not None:
        lines.append(ScoreLine(f"{summary.cluster_unit}s measured", str(summary.clusters), f"at least {thresholds.min_clusters} to pass",
                               "more is better", "pass" if summary.clusters >= thresholds.min_clusters else "too few"))
    if failed:
        lines.append(ScoreLine("gating pytest cases", f"{failed} failed", "none may fail", "", "FAIL"))
    checks = [c for c in decision.checks if c.model == model]
    lines += [_check_line(c) for c in checks if c.scope == "model"]
    lines += [line for scope in (Scope.FINDING, Scope.STRATEGY) if (line := _grouped_checks(checks, scope))]
    gate = [g for g in decision.gate if g.model == model]
    lines += [ScoreLine(f"{g.where} vs baseline", f"{g.baseline_value:.3f} -> {g.candidate_value:.3f} (p {g.p_value:.3g})",
                        f"not worse by more than {g.margin} (significant after Holm)", str(RATES[g.rate].direction),
                        "REGRESSION" if g.regressed else "ok") for g in gate]
    if summary is None:
        return lines
    judged = {c.rate for c in checks} | {g.rate for g in gate}
    if not judged:  # nothing judged this model: its headline rates first, said to be unjudged
        judged = {name for name, spec in RATES.items() if any(c.scope is Scope.MODEL for c in spec.checks)}
        lines = [ScoreLine(name, summary.estimate(name).shown(), "not judged in this run", str(RATES[name].direction), "diagnostic")
                 for name in RATES if name in judged and name in summary.estimates] + lines
    return lines + _diagnostics(summary, judged, thresholds)


def scorecard(decision: Verdict, summary: dict[str, ModelSummary], thresholds: Thresholds, failed_cases: dict[str, int] | None = None
              ) -> dict[str, list[ScoreLine]]:
    """model -> its lines, in reading order: how much was measured, the gating checks and cases,
    the gate, then diagnostics."""
    return {model: _model_lines(model, decision, summary.get(model), thresholds, (failed_cases or {}).get(model, 0))
            for model in sorted({m.model for m in decision.models} | set(summary))}
