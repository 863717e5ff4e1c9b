"""The scorecard: per model, each headline number beside the bar it was held to and the result.

A reader deciding "ship or not" should not have to know which metric is good high and which
low, or which ones gate: every line says its direction and whether it decided anything. The
numbers are the decision's own (``Verdict.checks`` and ``Verdict.gate``), never recomputed, so
the scorecard cannot disagree with the verdict above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.metrics.rates import RATES
from vlmcore.report.markdown import metric_text
from vlmcore.verdict.decision import Verdict

#: summary metrics shown for information only, with what they mean for the reader
DIAGNOSTIC = {
    "flip_rate": ("1 - consistency", "lower is better"),
    "js_divergence": ("per group: each paraphrase's map against the base map", "lower is better"),
    "inverted_flip_rate": ("negated / side-swapped controls answered differently", "higher is better"),
}


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


def _grouped_checks(checks, kind: str) -> ScoreLine | None:
    """Per-finding or per-strategy checks folded into one line that names what failed."""
    mine = [c for c in checks if c.scope.startswith(kind) and c.passed is not None]
    if not mine:
        return None
    failed = [c for c in mine if not c.passed]
    names = ", ".join(f"{c.check.replace('_', ' ')} {c.subject} {c.value:.3f}" for c in failed[:6]) + (" ..." if len(failed) > 6 else "")
    return ScoreLine(f"per-{kind} checks", f"{len(mine) - len(failed)} of {len(mine)} pass" + (f" (failed: {names})" if failed else ""),
                     "each as its model-level bar", "higher is better", "FAIL" if failed else "pass")


def scorecard(decision: Verdict, summary: dict, thresholds: dict, failed_cases: dict[str, int] | None = None
              ) -> dict[str, list[ScoreLine]]:
    """model -> its lines, in reading order: how much was measured, the gating checks and cases,
    the gate, then diagnostics."""
    cards: dict[str, list[ScoreLine]] = {}
    min_clusters = thresholds.get("verdict", {}).get("min_clusters", 10)
    for model in sorted({m.model for m in decision.models} | set(summary)):
        lines: list[ScoreLine] = []
        if model in summary:
            clusters = summary[model]["clusters"]
            lines.append(ScoreLine(f"{summary[model]['cluster_unit']}s measured", str(clusters), f"at least {min_clusters} to pass",
                                   "more is better", "pass" if clusters >= min_clusters else "too few"))
        failed = (failed_cases or {}).get(model, 0)
        if failed:
            lines.append(ScoreLine("gating pytest cases", f"{failed} failed", "none may fail", "", "FAIL"))
        checks = [c for c in decision.checks if c.model == model]
        for check in (c for c in checks if c.scope == "model"):
            if check.passed is None:
                lines.append(ScoreLine(check.check, "-", "", "", "no case"))
                continue
            relation = "at least" if check.higher_is_better else "at most"
            lines.append(ScoreLine(
                check.check, f"{check.value:.3f} [{check.interval.low:.3f}, {check.interval.high:.3f}]",
                f"{relation} {check.threshold} (one-sided bound {check.bound:.3f})", RATES[check.check].direction,
                "pass" if check.passed else "FAIL"))
        for kind in ("finding", "strategy"):
            line = _grouped_checks(checks, kind)
            if line:
                lines.append(line)
        for gate in (g for g in decision.gate if g.model == model):
            lines.append(ScoreLine(
                f"{gate.rate} vs baseline", f"{gate.baseline_value:.3f} -> {gate.candidate_value:.3f} (p {gate.p_value:.3g})",
                f"not worse by more than {gate.margin} (significant after Holm)", RATES[gate.rate].direction,
                "REGRESSION" if gate.regressed else "ok"))
        model_summary = summary.get(model, {})
        gated = {c.check for c in checks} | {f"{g.rate}" for g in decision.gate if g.model == model}
        for name, (meaning, direction) in DIAGNOSTIC.items():
            if name in gated or name not in model_summary:
                continue
            bar = thresholds.get("thresholds", {}).get(name)
            requirement = f"per group at most {bar} (diagnostic)" if name == "js_divergence" and bar is not None else meaning
            lines.append(ScoreLine(name, metric_text(model_summary, name), requirement, direction, "diagnostic"))
        if model_summary and not checks and not any(g.model == model for g in decision.gate):
            for name in ("consistency", "accuracy", "image_reliance"):
                lines.insert(0, ScoreLine(name, metric_text(model_summary, name), "not judged in this run",
                                          RATES[name].direction, "diagnostic"))
        cards[model] = lines
    return cards
