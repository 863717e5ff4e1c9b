"""The first-run rule: model-level and per-finding / per-strategy aggregates against the
thresholds, with room for sampling noise and for the number of checks.

A check fails only when its one-sided confidence bound is on the wrong side of the
threshold: for "at least" rates the *upper* bound is below it (the data rule out that the
model meets the bar), for "at most" rates the lower bound is above it. Each bound is built
at level 1 - alpha_i, where the alphas come from a weighted Bonferroni split of the
familywise ``alpha``: half shared by the model-level checks, half by the per-finding and
per-strategy checks (all of it to the model-level checks when there are no subgroups). So a
model whose true rates sit exactly at every threshold fails with probability at most alpha,
however many findings and strategies the dataset has; the calibration script measures it.

Per-group and per-case checks are diagnostics (where is the model brittle?) and are not
part of this rule unless the run asks for them to gate.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import tally
from vlmcore.metrics.intervals import Interval, rate_interval
from vlmcore.metrics.rates import RATES
from vlmcore.verdict.thresholds import Thresholds

#: check name -> (rate, threshold key, scope kind)
CHECKS = {
    "consistency": ("consistency", "consistency", "model"),
    "accuracy": ("accuracy", "accuracy", "model"),
    "image_reliance": ("image_reliance", "image_reliance", "model"),
    "finding_consistency": ("consistency", "finding_consistency", "finding"),
    "finding_accuracy": ("accuracy", "accuracy", "finding"),
    "strategy_consistency": ("consistency", "strategy_consistency", "strategy"),
}


@dataclass(frozen=True)
class AggregateCheck:
    check: str  # a key of CHECKS
    model: str
    subject: str  # "" for model-level, else the finding or strategy
    value: float | None
    threshold: float
    higher_is_better: bool
    alpha: float  # this check's share of the familywise alpha
    bound: float | None  # the one-sided (1 - alpha) confidence bound the decision used
    interval: Interval | None  # 95% two-sided, for display
    passed: bool | None  # None: no applicable case

    @property
    def scope(self) -> str:
        kind = CHECKS[self.check][2]
        return "model" if kind == "model" else f"{kind} {self.subject}"

    @property
    def sentence(self) -> str:
        if self.passed is None:
            return f"{self.model} {self.check} ({self.scope}): no applicable case"
        relation = ">=" if self.higher_is_better else "<="
        side = "upper" if self.higher_is_better else "lower"
        note = f"; {self.interval.note()}" if self.interval and self.interval.note() else ""
        verdict = "ok" if self.passed else "FAIL"
        return (f"{verdict} {self.model} {self.check} ({self.scope}): {self.value:.3f}, 95% CI [{self.interval.low:.3f}, "
                f"{self.interval.high:.3f}], {side} {100 * (1 - self.alpha):.2f}% bound {self.bound:.3f}; required "
                f"{relation} {self.threshold} ({self.interval.clusters} clusters, {self.interval.cases} cases{note})")

    def to_json(self) -> dict:
        return {"check": self.check, "model": self.model, "subject": self.subject, "value": self.value,
                "threshold": self.threshold, "direction": "at least" if self.higher_is_better else "at most",
                "alpha": self.alpha, "bound": self.bound, "ci95": self.interval.to_json() if self.interval else None,
                "clusters": self.interval.clusters if self.interval else 0, "passed": self.passed, "sentence": self.sentence}


def _subjects(rows: list[VariantRow]) -> list[tuple[str, str]]:
    findings = sorted({r.finding for r in rows})
    strategies = sorted({r.strategy for r in rows if r.relation == "invariant"})
    return ([(check, "") for check, spec in CHECKS.items() if spec[2] == "model"]
            + [(check, f) for f in findings for check in ("finding_consistency", "finding_accuracy")]
            + [("strategy_consistency", s) for s in strategies])


def _selected(rows: list[VariantRow], check: str, subject: str) -> list[VariantRow]:
    kind = CHECKS[check][2]
    if kind == "finding":
        return [r for r in rows if r.finding == subject]
    if kind == "strategy":
        return [r for r in rows if r.strategy == subject]
    return rows


def _alphas(plan: list[tuple[str, str]], alpha: float) -> list[float]:
    model_level = sum(CHECKS[c][2] == "model" for c, _ in plan)
    subgroups = len(plan) - model_level
    share_model = alpha / 2 if subgroups else alpha
    return [share_model / model_level if CHECKS[c][2] == "model" else (alpha / 2) / subgroups for c, _ in plan]


def judge(rows: list[VariantRow], check: str, subject: str, threshold: float, alpha: float, model: str) -> AggregateCheck:
    rate_name = CHECKS[check][0]
    rate = RATES[rate_name]
    counts = tally(_selected(rows, check, subject), rate_name)
    if counts.value is None:
        return AggregateCheck(check, model, subject, None, threshold, rate.higher_is_better, alpha, None, None, None)
    bounds = rate_interval(counts, level=1 - 2 * alpha)  # two-sided at 1 - 2a = one-sided at 1 - a on each side
    bound = bounds.high if rate.higher_is_better else bounds.low
    passed = bound >= threshold if rate.higher_is_better else bound <= threshold
    return AggregateCheck(check, model, subject, counts.value, threshold, rate.higher_is_better, alpha, bound,
                          rate_interval(counts, 0.95), passed)


def first_run_checks(rows: list[VariantRow], thresholds: Thresholds, model: str) -> list[AggregateCheck]:
    """Every aggregate check of one model's rows, each with its share of the familywise alpha."""
    plan = _subjects(rows)
    results = []
    for (check, subject), alpha in zip(plan, _alphas(plan, thresholds.verdict_alpha)):
        key = CHECKS[check][1]
        threshold = thresholds.get(key, subject if CHECKS[check][2] == "finding" else None)
        results.append(judge(rows, check, subject, float(threshold), alpha, model))
    return results
