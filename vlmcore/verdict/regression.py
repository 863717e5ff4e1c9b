"""The paired regression test: has the candidate got worse than the baseline?

For each gated rate and model, every paired case contributes its outcome in both runs; the
unit of the test is the cluster (patient, or film without patient ids), whose difference
d_i = sum(candidate outcomes) - sum(baseline outcomes) is an integer. The p-value for
"worse" comes from the exact sign-flip test on those d_i (``metrics.signflip``), so a base
answer that flips a whole group's consistency counts once, as one cluster's change, not as
five independent cases.

Each rate is tested over a model's pairs and, where its spec declares them
(``RateSpec.gate_scopes``), over each finding's, strategy's or probe family's pairs: a
collapse in one subgroup under a flat average. A test ends in one of four outcomes:

- **REGRESSION**: the drop is larger than the test's margin (a change too small to matter never
  fails the gate) and the sign-flip test rejects "no change" in a weighted Holm step-down
  (Holm 1979, "A simple sequentially rejective multiple test procedure", Scand. J. Statist.
  6:65-70, sec. 5 for weights) over every test of the run: each model's model-level tests share
  half of its weight, its subgroup tests the other half, so the familywise false-alarm rate
  over rates, subgroups and models is at most alpha while a handful of subgroups cannot dilute
  the model-level tests.
- **HARM**: the drop is beyond the margin and at least ``harm_patients`` patients were turned
  from right to wrong (each lost at least half of its applicable cases, and at least two) with
  none turned the other way. The sign-flip test cannot see such a regression: with k changed patients its
  smallest p is 2^-k, above Holm's levels until k is 7 to 11. The harm rule is not a
  significance test; its form was chosen by simulation (``python -m vlmcore.calibration``,
  docs/verdict.md): same-quality reruns rarely turn several patients one way and none the other,
  while a regression confined to five patients does exactly that. With fewer patients than
  ``4 * harm_patients`` the count is a quarter of them (at least 3). **In a subgroup** (a finding,
  strategy or probe family: one test of many, each a chance to alarm) the rule also needs that
  **no** patient of the subgroup improved at all, and counts a fifth of a small subgroup's
  patients (at least 3): against another model of equal quality (every answer drawn afresh) the
  model-level form fired in 2.4% of runs in some 20-patient finding alone, pushing the gate's
  false alarms to 6.0%; such a model improves some patient in every subgroup, while a collapse
  confined to a few patients leaves the others unchanged (``release_scenarios.harm_choice``).
- **CANNOT TELL**: the drop is beyond the margin, neither rule fired, and the test could not have
  fired: its smallest attainable p (2^-k for k changed patients) is above its level. Never a
  silent pass: the verdict names it with that p (``decision``).
- **ok**: anything else.

Each test also states the smallest drop it can detect: the sign-flip test needs at least
ceil(log2(1 / level)) patients changed, all for the worse.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from enum import Enum

from vlmcore.metrics.rates import RATES
from vlmcore.metrics.signflip import p_two_sided, p_worse
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.pairing import Pairing

MIN_HARM_PATIENTS = 3
MIN_TURNED_CASES = 2
TOLERANCE = 1e-9  # a drop equal to its margin (up to float rounding) is not beyond it


class Outcome(str, Enum):
    OK = "ok"
    REGRESSION = "REGRESSION"
    HARM = "HARM"
    CANNOT_TELL = "CANNOT TELL"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ClusterChange:
    """One cluster's applicable paired trials and its good outcomes in each run."""

    cluster: str
    trials: int
    baseline: int  # good outcomes (in the rate's good direction)
    candidate: int

    @property
    def difference(self) -> int:
        return self.candidate - self.baseline

    @property
    def turned_worse(self) -> bool:
        """From right to wrong: lost at least half of its applicable cases, and at least two. A
        patient with one applicable case (a strategy's single paraphrase, one negated control)
        cannot turn: its one change is what answer noise looks like, and a base answer tipped by
        numerics changes every paraphrase's consistency at once, in every strategy subgroup."""
        return -self.difference >= max(MIN_TURNED_CASES, self.trials / 2)

    @property
    def turned_better(self) -> bool:
        return self.difference >= max(MIN_TURNED_CASES, self.trials / 2)


def harm_count(settings_count: int, clusters: int, subgroup: bool = False) -> int:
    """Patients the harm rule needs: ``harm_patients``, or a quarter of a small test's patients (a
    fifth in a subgroup, where no patient may have improved at all), at least 3."""
    return max(MIN_HARM_PATIENTS, min(settings_count, math.ceil(clusters / (5 if subgroup else 4))))


def needed_changes(level: float) -> int | None:
    """Patients that must change, all for the worse, before the sign-flip p (2^-k) can reach ``level``."""
    return math.ceil(math.log2(1 / level) - 1e-12) if level > 0 else None


@dataclass(frozen=True)
class RegressionResult:
    model: str
    rate: str
    baseline_value: float
    candidate_value: float
    margin: float
    p_value: float
    holm_alpha: float  # the level this test was held to in Holm's sequence (0: not reached, an earlier one held)
    regressed: bool  # REGRESSION: significant and beyond the margin
    clusters: int
    changed_clusters: int
    cases: int
    worse: tuple[str, ...]  # case ids that went from a good to a bad outcome
    better: tuple[str, ...]
    scope: Scope = Scope.MODEL  # a subgroup gate (``RateSpec.gate_scopes``) tests one finding's, strategy's or probe family's pairs
    subject: str = ""
    weight: float = 1.0  # this test's share of alpha in the weighted Holm sequence (of the run's total weight)
    first_level: float = 0.0  # its level at Holm's first step (alpha * weight): the best it can get but one
    turned_worse: tuple[str, ...] = ()  # clusters turned from right to wrong
    turned_better: tuple[str, ...] = ()
    improved: tuple[str, ...] = ()  # clusters better by any amount (a subgroup's harm rule allows none)
    harm_needed: int = 5
    harm: bool = False  # HARM: the harm rule fired
    cannot_tell: bool = False  # beyond the margin, and the test could not have fired

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
    def outcome(self) -> Outcome:
        if self.regressed:
            return Outcome.REGRESSION
        if self.harm:
            return Outcome.HARM
        return Outcome.CANNOT_TELL if self.cannot_tell else Outcome.OK

    @property
    def beyond_margin(self) -> bool:
        return self.drop > self.margin + TOLERANCE

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.REGRESSION, Outcome.HARM)

    @property
    def smallest_p(self) -> float:
        """The smallest p the sign-flip test could reach with the patients that changed (2^-k)."""
        return 2.0 ** -self.changed_clusters

    @property
    def detectable_drop(self) -> float | None:
        """The smallest drop the sign-flip test can detect here: ``needed_changes`` patients each worse
        by one case, and never below the margin (None: this test has too few patients for any)."""
        needed = needed_changes(self.first_level) if self.first_level else None
        if needed is None or needed > self.clusters or not self.cases:
            return None
        return max(self.margin, needed / self.cases)

    def power_note(self) -> str:
        needed = needed_changes(self.first_level) if self.first_level else None
        harm = f"or {self.harm_needed} patients turned from right to wrong (harm rule)"
        if self.detectable_drop is None:
            return (f"the sign-flip test cannot fire with {self.clusters} patients (it needs {needed} changed, all worse); "
                    f"only the harm rule can: {harm}")
        return (f"smallest detectable drop {self.detectable_drop:.3f} (at least {needed} patients worse, p <= "
                f"{self.first_level:.2g}) {harm}")

    @property
    def sentence(self) -> str:
        label = {Outcome.OK: "ok"}.get(self.outcome, str(self.outcome))
        alpha = f"Holm alpha {self.holm_alpha:.4g}" if self.holm_alpha else "not reached in Holm's sequence"
        text = (f"{label} {self.model}: {self.where} {self.baseline_value:.3f} -> {self.candidate_value:.3f} "
                f"(worse by {self.drop:+.3f}; margin {self.margin}); sign-flip p={self.p_value:.3g} ({alpha}) over "
                f"{self.clusters} clusters ({self.changed_clusters} changed), {self.cases} paired cases: "
                f"{len(self.worse)} worse, {len(self.better)} better; patients turned from right to wrong "
                f"{len(self.turned_worse)}, the other way {len(self.turned_better)}")
        if self.harm:
            text += (f" (harm rule: at least {self.harm_needed} turned worse, none better"
                     + (", no patient of the subgroup improved)" if self.scope is not Scope.MODEL else ")"))
        if self.cannot_tell:
            text += (f"; the gate cannot tell: the smallest p {self.changed_clusters} changed patients can give is "
                     f"{self.smallest_p:.3g}, above its level {self.first_level:.3g}")
        return text

    def to_json(self) -> dict:
        return {"model": self.model, "rate": self.rate, "baseline": self.baseline_value, "candidate": self.candidate_value,
                "drop": round(self.drop, 6), "margin": self.margin, "p_value": self.p_value, "holm_alpha": self.holm_alpha,
                "regressed": self.regressed, "outcome": self.outcome.value, "clusters": self.clusters,
                "changed_clusters": self.changed_clusters, "cases": self.cases, "worse": list(self.worse),
                "better": list(self.better), "scope": self.scope.value, "subject": self.subject, "weight": self.weight,
                "first_level": self.first_level, "turned_worse": list(self.turned_worse), "turned_better": list(self.turned_better),
                "improved": list(self.improved), "harm_needed": self.harm_needed, "smallest_p": self.smallest_p, "detectable_drop": self.detectable_drop,
                "power": self.power_note(), "sentence": self.sentence}


def _applicable(pairing: Pairing, rate_name: str, scope: Scope, subject: str) -> list:
    rate = RATES[rate_name]
    return [(old, new) for old, new in pairing.pairs if rate.applies(old) and rate.applies(new) and scope.selects(new, subject, rate)]


def cluster_changes(pairs: list, rate_name: str) -> list[ClusterChange]:
    """Per cluster: its applicable trials and good outcomes in each run (good: the rate's better direction)."""
    rate = RATES[rate_name]
    good = (lambda row: bool(rate.success(row))) if rate.higher_is_better else (lambda row: not rate.success(row))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for old, new in pairs:
        entry = counts[new.cluster]
        entry[0] += 1
        entry[1] += good(old)
        entry[2] += good(new)
    return [ClusterChange(cluster, *counts[cluster]) for cluster in sorted(counts)]


def paired_outcomes(pairing: Pairing, rate_name: str, scope: Scope = Scope.MODEL, subject: str = "") -> tuple[list, dict[str, int]]:
    """The pairs the rate applies to in both runs (within ``scope``'s ``subject``), and per cluster
    the candidate's successes minus the baseline's (the unit of every paired test)."""
    rate = RATES[rate_name]
    pairs = _applicable(pairing, rate_name, scope, subject)
    per_cluster: dict[str, int] = defaultdict(int)
    for old, new in pairs:
        per_cluster[new.cluster] += int(bool(rate.success(new))) - int(bool(rate.success(old)))
    return pairs, dict(per_cluster)


def paired_rate_test(pairing: Pairing, rate_name: str, margin: float, scope: Scope = Scope.MODEL,
                     subject: str = "", harm_patients: int = 5, pairs: list | None = None) -> RegressionResult | None:
    """The paired test of one rate over a model's pairs, or one subgroup's (before Holm:
    ``regressed`` is decided by ``holm``, ``harm`` and ``cannot_tell`` by ``judge``). ``pairs``:
    the applicable pairs, when the caller has them already."""
    rate = RATES[rate_name]
    pairs = _applicable(pairing, rate_name, scope, subject) if pairs is None else pairs
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
    changes = cluster_changes(pairs, rate_name)
    differences = [c.difference for c in changes]
    return RegressionResult(pairing.model, rate_name, baseline_value, candidate_value, margin, p_worse(differences), 0.0,
                            False, len(changes), sum(d != 0 for d in differences), len(pairs), tuple(worse), tuple(better),
                            scope, subject, turned_worse=tuple(c.cluster for c in changes if c.turned_worse),
                            turned_better=tuple(c.cluster for c in changes if c.turned_better),
                            improved=tuple(c.cluster for c in changes if c.difference > 0),
                            harm_needed=harm_count(harm_patients, len(changes), subgroup=scope is not Scope.MODEL))


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


def holm(results: list[RegressionResult], alpha: float, weights: list[float] | None = None) -> list[RegressionResult]:
    """Holm's (1979) weighted step-down over all results: in order of p / weight, each is held to
    alpha * its weight / the weight of those not yet rejected, stopping at the first that fails
    (equal weights: the i-th smallest p against alpha / (m - i)); a result regresses when
    significant and beyond its margin."""
    if not results:
        return []
    weights = list(weights) if weights is not None else [1.0] * len(results)
    total = sum(weights)
    order = sorted(range(len(results)), key=lambda i: results[i].p_value / weights[i])
    decided = [replace(r, weight=w / total, first_level=alpha * w / total) for r, w in zip(results, weights)]
    remaining = total
    for index in order:
        level = alpha * weights[index] / remaining
        result = decided[index]
        significant = result.p_value <= level
        decided[index] = replace(result, holm_alpha=level, regressed=significant and result.beyond_margin)
        if not significant:
            break  # the tests after this one are not reached
        remaining -= weights[index]
    return decided


def gate_subgroups(pairing: Pairing, settings: GateSettings) -> list[tuple[str, Scope, str, list]]:
    """(rate, scope, subject, applicable pairs) of every test the gate runs on one model's pairs:
    each gated rate over all its pairs and each subgroup its spec gates; a subgroup that holds every
    pair of the model-level test (one finding in the dataset) is left out. ``vlmcore margins``
    calibrates a margin for exactly these."""
    tests = []
    for name in settings.metrics:
        rate = RATES[name]
        applicable = _applicable(pairing, name, Scope.MODEL, "")
        whole = None
        for scope in rate.gate_scopes:
            by_subject: dict[str, list] = {}
            for old, new in applicable:
                subject = scope.subject_of(new, rate)
                if subject is not None:
                    by_subject.setdefault(subject, []).append((old, new))
            for subject in sorted(by_subject):
                pairs = by_subject[subject]
                if scope is Scope.MODEL:
                    whole = len(pairs)
                elif len(pairs) == whole:
                    continue
                tests.append((name, scope, subject, pairs))
    return tests


def subgroup_tests(pairing: Pairing, settings: GateSettings) -> list[RegressionResult]:
    """Every gated rate over the model's pairs and each subgroup its spec gates (``gate_subgroups``)."""
    results = []
    for name, scope, subject, pairs in gate_subgroups(pairing, settings):
        result = paired_rate_test(pairing, name, settings.margin(name, scope, subject), scope, subject,
                                  settings.harm_patients, pairs)
        if result is not None:
            results.append(result)
    return results


def weights_of(results: list[RegressionResult]) -> list[float]:
    """Each model weighs 1: half to its model-level tests, half to its subgroup tests (all to the
    model level when it has no subgroup test), split equally within each half."""
    weights = []
    for result in results:
        mine = [r for r in results if r.model == result.model]
        model_level = sum(r.scope is Scope.MODEL for r in mine)
        subgroups = len(mine) - model_level
        if result.scope is Scope.MODEL:
            weights.append((0.5 if subgroups else 1.0) / model_level)
        else:
            weights.append((0.5 if model_level else 1.0) / subgroups)
    return weights


def judge(result: RegressionResult) -> RegressionResult:
    """The harm rule and "cannot tell", after Holm decided ``regressed``."""
    beyond = result.beyond_margin
    harm = (beyond and not result.regressed and len(result.turned_worse) >= result.harm_needed and not result.turned_better
            and (result.scope is Scope.MODEL or not result.improved))
    cannot_tell = beyond and not result.regressed and not harm and result.smallest_p > result.first_level
    return replace(result, harm=harm, cannot_tell=cannot_tell)


def regression_tests(pairings: list[Pairing], settings: GateSettings) -> list[RegressionResult]:
    """Every gated rate for every paired model, over the model's pairs and each subgroup its
    spec gates (``RateSpec.gate_scopes``), Holm-corrected together (weighted: ``weights_of``),
    then the harm rule and "cannot tell" (``judge``)."""
    results = [result for pairing in pairings for result in subgroup_tests(pairing, settings)]
    return [judge(result) for result in holm(results, settings.alpha, weights_of(results))]
