"""The paired regression test: has the candidate got worse than the baseline?

For each gated rate and model, every paired case contributes its outcome in both runs; the
unit of the test is the cluster (patient, or film without patient ids), whose difference
d_i = sum(candidate outcomes) - sum(baseline outcomes) is an integer. The p-value for
"worse" comes from the exact sign-flip test on those d_i (``metrics.signflip``), so a base
answer that flips a whole group's consistency counts once, as one cluster's change, not as
five independent cases.

A rate regresses when both hold:
- the drop in the paired rate is larger than the rate's margin (a change too small to
  matter never fails the gate), and
- the sign-flip test rejects "no change" after Holm's step-down correction (Holm 1979, "A
  simple sequentially rejective multiple test procedure", Scand. J. Statist. 6:65-70) across
  every gated (model, rate) pair, so the familywise false-alarm rate over metrics and models
  is at most alpha.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from vlmcore.metrics.rates import RATES
from vlmcore.metrics.signflip import p_two_sided, p_worse
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.pairing import Pairing


@dataclass(frozen=True)
class RegressionResult:
    model: str
    rate: str
    baseline_value: float
    candidate_value: float
    margin: float
    p_value: float
    holm_alpha: float  # the level this test was held to in Holm's sequence (0: not reached, an earlier one held)
    regressed: bool
    clusters: int
    changed_clusters: int
    cases: int
    worse: tuple[str, ...]  # case ids that went from a good to a bad outcome
    better: tuple[str, ...]
    scope: Scope = Scope.MODEL  # a subgroup gate (``RateSpec.gate_scopes``) tests one finding's or strategy's pairs
    subject: str = ""

    @property
    def where(self) -> str:
        """The rate and, for a subgroup gate, which subgroup: ``consistency`` or ``consistency (finding pneumothorax)``."""
        return self.rate if self.scope is Scope.MODEL else f"{self.rate} ({self.scope.value} {self.subject})"

    @property
    def drop(self) -> float:
        """How much worse the candidate is, in the rate's bad direction (negative: better)."""
        change = self.candidate_value - self.baseline_value
        return -change if RATES[self.rate].higher_is_better else change

    @property
    def sentence(self) -> str:
        label = "REGRESSION" if self.regressed else "ok"
        alpha = f"Holm alpha {self.holm_alpha:.4g}" if self.holm_alpha else "not reached in Holm's sequence"
        return (f"{label} {self.model}: {self.where} {self.baseline_value:.3f} -> {self.candidate_value:.3f} "
                f"(worse by {self.drop:+.3f}; margin {self.margin}); sign-flip p={self.p_value:.3g} ({alpha}) over "
                f"{self.clusters} clusters ({self.changed_clusters} changed), {self.cases} paired cases: "
                f"{len(self.worse)} worse, {len(self.better)} better")

    def to_json(self) -> dict:
        return {"model": self.model, "rate": self.rate, "baseline": self.baseline_value, "candidate": self.candidate_value,
                "drop": round(self.drop, 6), "margin": self.margin, "p_value": self.p_value, "holm_alpha": self.holm_alpha,
                "regressed": self.regressed, "clusters": self.clusters, "changed_clusters": self.changed_clusters,
                "cases": self.cases, "worse": list(self.worse), "better": list(self.better), "scope": self.scope.value,
                "subject": self.subject, "sentence": self.sentence}


def paired_outcomes(pairing: Pairing, rate_name: str, scope: Scope = Scope.MODEL, subject: str = "") -> tuple[list, dict[str, int]]:
    """The pairs the rate applies to in both runs (within ``scope``'s ``subject``), and per cluster
    the candidate's successes minus the baseline's (the unit of every paired test)."""
    rate = RATES[rate_name]
    pairs = [(old, new) for old, new in pairing.pairs if rate.applies(old) and rate.applies(new) and scope.selects(new, subject)]
    per_cluster: dict[str, int] = defaultdict(int)
    for old, new in pairs:
        per_cluster[new.cluster] += int(bool(rate.success(new))) - int(bool(rate.success(old)))
    return pairs, dict(per_cluster)


def paired_rate_test(pairing: Pairing, rate_name: str, margin: float, scope: Scope = Scope.MODEL,
                     subject: str = "") -> RegressionResult | None:
    """The paired test of one rate over a model's pairs, or one subgroup's (before Holm:
    ``regressed`` is decided by ``holm``)."""
    rate = RATES[rate_name]
    pairs, per_cluster = paired_outcomes(pairing, rate_name, scope, subject)
    if not pairs:
        return None
    sign = 1 if rate.higher_is_better else -1
    worse, better = [], []
    for old, new in pairs:
        change = sign * (int(bool(rate.success(new))) - int(bool(rate.success(old))))
        if change:
            (better if change > 0 else worse).append(new.case_id)
    baseline_value = sum(rate.success(o) for o, _ in pairs) / len(pairs)
    candidate_value = sum(rate.success(n) for _, n in pairs) / len(pairs)
    differences = [sign * d for d in per_cluster.values()]
    return RegressionResult(pairing.model, rate_name, baseline_value, candidate_value, margin, p_worse(differences), 0.0,
                            False, len(differences), sum(d != 0 for d in differences), len(pairs), tuple(worse), tuple(better),
                            scope, subject)


@dataclass(frozen=True)
class PairedDifference:
    """Two models on their shared cases, for the comparison view: no margin, no direction."""

    rate: str
    first: float
    second: float
    p_two_sided: float
    clusters: int
    cases: int


def paired_difference(pairing: Pairing, rate_name: str) -> PairedDifference | None:
    """The exact two-sided sign-flip test of one rate on the paired cases (same data as the gate's)."""
    pairs, per_cluster = paired_outcomes(pairing, rate_name)
    if not pairs:
        return None
    rate = RATES[rate_name]
    differences = list(per_cluster.values())
    return PairedDifference(rate_name, sum(bool(rate.success(o)) for o, _ in pairs) / len(pairs),
                            sum(bool(rate.success(n)) for _, n in pairs) / len(pairs), p_two_sided(differences),
                            len(differences), len(pairs))


def holm(results: list[RegressionResult], alpha: float) -> list[RegressionResult]:
    """Holm's (1979) step-down over all results: the i-th smallest p-value is held to alpha / (m - i),
    stopping at the first that fails; a result regresses when significant and beyond its margin."""
    order = sorted(range(len(results)), key=lambda i: results[i].p_value)
    decided = list(results)
    for step, index in enumerate(order):
        level = alpha / (len(results) - step)
        result = results[index]
        significant = result.p_value <= level
        decided[index] = replace(result, holm_alpha=level, regressed=significant and result.drop > result.margin)
        if not significant:
            break  # the tests after this one are not reached
    return decided


def regression_tests(pairings: list[Pairing], settings: GateSettings) -> list[RegressionResult]:
    """Every gated rate for every paired model, over the model's pairs and each subgroup its
    spec gates (``RateSpec.gate_scopes``: a collapse in one finding under a flat average), all
    Holm-corrected together."""
    results = []
    for pairing in pairings:
        candidates = [new for _, new in pairing.pairs]
        for name in settings.metrics:
            for scope in RATES[name].gate_scopes:
                for subject in scope.subjects(candidates):
                    result = paired_rate_test(pairing, name, settings.margin(name), scope, subject)
                    results += [result] if result is not None else []
    return holm(results, settings.alpha)
