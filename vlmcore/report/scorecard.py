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
    result: str  # "pass" | "FAIL" | "REGRESSION" | "HARM" | "ok" | "diagnostic" | "no case" | "too few" | NOT_JUDGED | "CANNOT TELL"

    @property
    def failed(self) -> bool:
        return self.result in ("FAIL", "REGRESSION", "HARM", "too few")


#: a check that held on data too thin to judge (too few clusters, or a model the verdict could not
#: judge): never shown as a pass
NOT_JUDGED = "not judged"


def _grouped_checks(checks: list[AggregateCheck], scope: Scope, judged: bool) -> ScoreLine | None:
    """Per-finding or per-strategy checks folded into one line that names what failed."""
    mine = [c for c in checks if c.scope.startswith(scope.value) and c.passed is not None and c.population == "all cases"]
    if not mine:
        return None
    failed = [c for c in mine if not c.passed]
    names = ", ".join(f"{c.check.replace('_', ' ')} {c.subject} {c.value:.3f}" for c in failed[:6]) + (" ..." if len(failed) > 6 else "")
    directions = {str(RATES[c.rate].direction) for c in mine}
    result = "FAIL" if any(c.failed for c in failed) else "diagnostic" if failed else "pass" if judged else NOT_JUDGED
    return ScoreLine(f"per-{scope.value} checks", f"{len(mine) - len(failed)} of {len(mine)} pass" + (f" (failed: {names})" if failed else ""),
                     "each as its model-level bar", directions.pop() if len(directions) == 1 else "as each rate", result)


def _check_line(check: AggregateCheck, judged: bool) -> ScoreLine:
    """``judged``: the verdict could judge the model (enough clusters); a check that held otherwise
    is "not judged", never a pass."""
    if check.passed is None:
        return ScoreLine(check.check, "-", "", "", "no case")
    relation = "at least" if check.higher_is_better else "at most"
    held = "pass" if judged and check.interval.reliable else NOT_JUDGED
    result = held if check.passed else "FAIL" if check.gating else "diagnostic"
    if check.pre_existing is not None and not check.passed:
        result += " (pre-existing)" if check.pre_existing else " (new)"
    name = check.check if check.population == "all cases" else f"{check.check} ({check.population})"
    return ScoreLine(name, f"{check.value:.3f} [{check.interval.low:.3f}, {check.interval.high:.3f}]",
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


def _gate_line(g, judged: bool) -> ScoreLine:
    result = str(g.outcome) if g.outcome.value != "ok" else "ok" if judged else NOT_JUDGED
    return ScoreLine(f"{g.where} vs baseline", f"{g.baseline_value:.3f} -> {g.candidate_value:.3f} (p {g.p_value:.3g})",
                     f"not worse by more than {g.margin} (significant after Holm; harm rule {g.harm_needed} patients); "
                     + g.power_note(), str(RATES[g.rate].direction), result)


def _model_lines(model: str, decision: Verdict, summary: ModelSummary | None, thresholds: Thresholds, failed: int) -> list[ScoreLine]:
    lines: list[ScoreLine] = []
    status = next((m.status for m in decision.models if m.model == model), None)
    judged = status is not None and status.value in ("PASS", "FAIL")
    if summary is not None:
        lines.append(ScoreLine(f"{summary.cluster_unit}s measured", str(summary.clusters), f"at least {thresholds.min_clusters} to pass",
                               "more is better", "pass" if summary.clusters >= thresholds.min_clusters else "too few"))
    if failed:
        lines.append(ScoreLine("gating pytest cases", f"{failed} failed", "none may fail", "", "FAIL"))
    checks = [c for c in decision.checks if c.model == model]
    lines += [_check_line(c, judged) for c in checks if c.model_level and c.population == "all cases"]
    lines += [_check_line(c, judged) for c in checks if c.population != "all cases" and (c.model_level or c.passed is False)]
    lines += [line for scope in (Scope.FINDING, Scope.STRATEGY, Scope.PROBE) if (line := _grouped_checks(checks, scope, judged))]
    gate = [g for g in decision.gate if g.model == model]
    lines += [_gate_line(g, judged) for g in gate]
    if summary is None:
        return lines
    judged = {c.rate for c in checks} | {g.rate for g in gate}
    if not judged:  # nothing judged this model: its headline rates first, said to be unjudged
        judged = {name for name, spec in RATES.items() if any(c.scope is Scope.MODEL for c in spec.checks)}
        lines = [ScoreLine(name, summary.estimate(name).shown(), "not judged in this run", str(RATES[name].direction), NOT_JUDGED)
                 for name in RATES if name in judged and name in summary.estimates] + lines
    return lines + _diagnostics(summary, judged, thresholds)


def scorecard(decision: Verdict, summary: dict[str, ModelSummary], thresholds: Thresholds, failed_cases: dict[str, int] | None = None
              ) -> dict[str, list[ScoreLine]]:
    """model -> its lines, in reading order: how much was measured, the gating checks and cases,
    the gate, then diagnostics."""
    return {model: _model_lines(model, decision, summary.get(model), thresholds, (failed_cases or {}).get(model, 0))
            for model in sorted({m.model for m in decision.models} | set(summary))}
