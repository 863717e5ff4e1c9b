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

With a baseline the candidate faces the same checks (``decision``): over all its cases, and
over its cases the baseline does not hold (``population`` "new cases"), each check marked
``pre_existing`` when the baseline's own rows fail it too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import tally
from vlmcore.metrics.intervals import Interval, rate_interval
from vlmcore.metrics.rates import RATES, check_named, first_run_checks_declared
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.thresholds import Thresholds

ALL_CASES = "all cases"
NEW_CASES = "new cases"


@dataclass(frozen=True)
class AggregateCheck:
    check: str  # the check's name (``CheckSpec.name``): "consistency", "finding_accuracy", ...
    model: str
    subject: str  # "" for model-level, else the finding or strategy
    value: float | None
    threshold: float
    higher_is_better: bool
    alpha: float  # this check's share of the familywise alpha
    bound: float | None  # the one-sided (1 - alpha) confidence bound the decision used
    interval: Interval | None  # 95% two-sided, for display
    passed: bool | None  # None: no applicable case
    gating: bool = True  # False: reported, never decides the verdict (``CheckSpec.gating``)
    population: str = ALL_CASES  # "all cases", or "new cases": the candidate's cases the baseline does not hold
    pre_existing: bool | None = None  # with a baseline: the baseline's rows fail this check too (None: not compared)
    fails_below: float | None = None  # the value at which this check would fail (above it for "at most" rates)

    @property
    def scope(self) -> str:
        kind = check_named(self.check)[1].scope
        where = "model" if kind is Scope.MODEL else f"{kind.value} {self.subject}"
        return where if self.population == ALL_CASES else f"{where}, {self.population}"

    @property
    def model_level(self) -> bool:
        return check_named(self.check)[1].scope is Scope.MODEL

    @property
    def key(self) -> tuple[str, str, str]:
        return self.check, self.subject, self.population

    @property
    def rate(self) -> str:
        return check_named(self.check)[0].name

    @property
    def failed(self) -> bool:
        """Failed and gating: a check that decides the verdict."""
        return self.passed is False and self.gating

    @property
    def sentence(self) -> str:
        if self.passed is None:
            return f"{self.model} {self.check} ({self.scope}): no applicable case"
        relation = ">=" if self.higher_is_better else "<="
        side = "upper" if self.higher_is_better else "lower"
        note = f"; {self.interval.note()}" if self.interval and self.interval.note() else ""
        verdict = "ok" if self.passed else "FAIL" if self.gating else "did not hold (diagnostic)"
        if not self.passed and self.pre_existing is not None:
            verdict += " (pre-existing: the baseline fails it too)" if self.pre_existing else " (new: the baseline passes it)"
        return (f"{verdict} {self.model} {self.check} ({self.scope}): {self.value:.3f}, 95% CI [{self.interval.low:.3f}, "
                f"{self.interval.high:.3f}], {side} {100 * (1 - self.alpha):.2f}% bound {self.bound:.3f}; required "
                f"{relation} {self.threshold} ({self.interval.clusters} clusters, {self.interval.cases} cases{note})")

    def to_json(self) -> dict:
        return {"check": self.check, "model": self.model, "subject": self.subject, "value": self.value,
                "threshold": self.threshold, "direction": "at least" if self.higher_is_better else "at most",
                "alpha": self.alpha, "bound": self.bound, "ci95": self.interval.to_json() if self.interval else None,
                "clusters": self.interval.clusters if self.interval else 0, "passed": self.passed, "gating": self.gating,
                "population": self.population, "pre_existing": self.pre_existing, "fails_below": self.fails_below,
                "sentence": self.sentence}


def _plan(rows: list[VariantRow]) -> list[tuple[str, str]]:
    """(check, subject) in order: model-level checks, then per finding, per strategy, per probe family."""
    declared = first_run_checks_declared()
    plan = []
    for scope in Scope:
        for rate, check in declared:
            if check.scope is scope:
                plan += [(check.name(rate.name), subject) for subject in scope.subjects(rows, rate)]
    return plan


def _alphas(plan: list[tuple[str, str]], alpha: float) -> list[float]:
    """Weighted Bonferroni (Bonferroni 1936; weights as Holm 1979 allows): half of ``alpha`` to
    the model-level checks, half to the subgroups (all to the model when there are none)."""
    is_model = [check_named(c)[1].scope is Scope.MODEL for c, _ in plan]
    model_level = sum(is_model)
    subgroups = len(plan) - model_level
    share_model = alpha / 2 if subgroups else alpha
    return [share_model / model_level if model else (alpha / 2) / subgroups for model in is_model]


def fails_beyond(counts, alpha: float, threshold: float, higher_is_better: bool) -> float | None:
    """The rate at which this check, with these clusters and their design effect, would just fail
    (its one-sided bound meeting the bar)."""
    from vlmcore.metrics.intervals import value_at_bound

    if counts.value is None or len(counts.trials) < 2:
        return None
    return round(value_at_bound(counts, threshold, 1 - 2 * alpha, upper=higher_is_better), 4)


def judge(rows: list[VariantRow], check: str, subject: str, threshold: float, alpha: float, model: str,
          population: str = ALL_CASES, selected: bool = False) -> AggregateCheck:
    """One check over ``rows`` (already narrowed to the check's subject when ``selected``)."""
    rate_spec, check_spec = check_named(check)
    rate_name = rate_spec.name
    rate = RATES[rate_name]
    counts = tally(rows if selected else [r for r in rows if check_spec.scope.selects(r, subject, rate)], rate_name)
    if counts.value is None:
        return AggregateCheck(check, model, subject, None, threshold, rate.higher_is_better, alpha, None, None, None,
                              check_spec.gating, population)
    bounds = rate_interval(counts, level=1 - 2 * alpha)  # two-sided at 1 - 2a = one-sided at 1 - a on each side
    bound = bounds.high if rate.higher_is_better else bounds.low
    passed = bound >= threshold if rate.higher_is_better else bound <= threshold
    return AggregateCheck(check, model, subject, counts.value, threshold, rate.higher_is_better, alpha, bound,
                          rate_interval(counts, 0.95), passed, check_spec.gating, population,
                          fails_below=fails_beyond(counts, alpha, threshold, rate.higher_is_better))


def _split(rows: list[VariantRow], scope: Scope, rate) -> dict[str, list[VariantRow]]:
    """Rows by subject of ``scope`` (one pass, not one per check)."""
    split: dict[str, list[VariantRow]] = {}
    for row in rows:
        subject = scope.subject_of(row, rate)
        if subject is not None:
            split.setdefault(subject, []).append(row)
    return split


def first_run_checks(rows: list[VariantRow], thresholds: Thresholds, model: str, population: str = ALL_CASES) -> list[AggregateCheck]:
    """Every aggregate check of one model's rows, each with its share of the familywise alpha."""
    plan = _plan(rows)
    splits: dict[tuple, dict[str, list[VariantRow]]] = {}
    results = []
    for (check, subject), alpha in zip(plan, _alphas(plan, thresholds.verdict_alpha)):
        rate, spec = check_named(check)
        key = (spec.scope, rate.name if spec.scope is Scope.PROBE else "")
        if key not in splits:
            splits[key] = _split(rows, spec.scope, rate) if spec.scope is not Scope.MODEL else {"": rows}
        threshold = thresholds.get(spec.bar_key or rate.name, subject if spec.scope is Scope.FINDING else None)
        results.append(judge(splits[key].get(subject, []), check, subject, float(threshold), alpha, model, population, selected=True))
    return results


def mark_pre_existing(checks: list[AggregateCheck], baseline_checks: list[AggregateCheck]) -> list[AggregateCheck]:
    """Each candidate check marked with whether the baseline's rows fail the same check (same
    subject) too; a check the baseline could not run (a new finding) is new."""
    failed_before = {(c.check, c.subject) for c in baseline_checks if c.passed is False}
    return [replace(c, pre_existing=(c.check, c.subject) in failed_before) if c.passed is not None else c for c in checks]
