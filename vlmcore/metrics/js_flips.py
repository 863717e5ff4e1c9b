"""Does the map move more when the answer changes? The seed study's question, tested properly.

The seed study compared the mean JS divergence (paraphrase map to base map) of paraphrases that
changed the answer with those that did not as two separate intervals (0.1151 vs 0.1113, "3.4%"),
with no test. Two things confound that comparison: strategies differ in how much they move the
map whatever the answer does (on ``robust``, unchanged-answer JS 0.013 for phrasing but 0.52 for
register) *and* in how often they flip; and patients differ. So the comparison is made inside
strata of one patient and one strategy: in each stratum with both kinds of paraphrase, the
difference of their mean JS; per patient the mean of its strata's differences; then a
patient-clustered interval of the mean difference and a sign-flip test across patients
(Fisher 1935; Pitman 1937). The naive (pooled) means are shown beside it so the confounding
can be seen. Only verified paraphrases count (``VariantRow.verified_paraphrase``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clustered_means import Estimate, clustered_mean, sign_flip


@dataclass(frozen=True)
class StrategyJS:
    strategy: str
    unchanged: float | None
    changed: float | None
    n_unchanged: int
    n_changed: int


@dataclass(frozen=True)
class JSFlipTest:
    model: str
    difference: Estimate  # changed - unchanged, within (patient, strategy) strata, mean over patients
    p_value: float
    strata: int
    naive_unchanged: float | None
    naive_changed: float | None
    by_strategy: tuple[StrategyJS, ...]

    def row(self) -> tuple:
        naive = (f"{self.naive_changed - self.naive_unchanged:+.4f}" if self.naive_changed is not None
                 and self.naive_unchanged is not None else "-")
        shown = (f"{self.difference.mean:+.4f} [{self.difference.low:+.4f}, {self.difference.high:+.4f}]"
                 if self.difference.n and np.isfinite(self.difference.low) else
                 (f"{self.difference.mean:+.4f}" if self.difference.n else "-"))
        return (self.model, _fmt(self.naive_unchanged), _fmt(self.naive_changed), naive, shown,
                f"{self.p_value:.3g}" if self.difference.n else "-", self.strata, self.difference.clusters)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def js_flip_test(rows: list[VariantRow]) -> JSFlipTest | None:
    """The stratified paired test for one model's rows; None when no paraphrase has a JS value."""
    used = [r for r in rows if r.verified_paraphrase and r.metrics.get("js_to_base") is not None]
    if not used:
        return None
    strata: dict[tuple[str, str], dict[bool, list[float]]] = defaultdict(lambda: {True: [], False: []})
    for row in used:
        strata[(row.cluster, row.strategy)][bool(row.consistent)].append(float(row.metrics["js_to_base"]))
    differences, clusters = [], []
    for (cluster, _), kinds in strata.items():
        if kinds[True] and kinds[False]:
            differences.append(float(np.mean(kinds[False]) - np.mean(kinds[True])))
            clusters.append(cluster)
    by_strategy = []
    for strategy in sorted({r.strategy for r in used}):
        mine = [r for r in used if r.strategy == strategy]
        kept = [float(r.metrics["js_to_base"]) for r in mine if r.consistent]
        changed = [float(r.metrics["js_to_base"]) for r in mine if not r.consistent]
        by_strategy.append(StrategyJS(strategy, _mean(kept), _mean(changed), len(kept), len(changed)))
    # per patient: the mean of its strata's differences (each patient weighs once)
    per_patient: dict[str, list[float]] = defaultdict(list)
    for difference, cluster in zip(differences, clusters):
        per_patient[cluster].append(difference)
    patients = sorted(per_patient)
    patient_means = [float(np.mean(per_patient[p])) for p in patients]
    return JSFlipTest(
        used[0].model, clustered_mean(patient_means, patients), sign_flip(patient_means, patients) if patients else 1.0,
        len(differences), _mean([float(r.metrics["js_to_base"]) for r in used if r.consistent]),
        _mean([float(r.metrics["js_to_base"]) for r in used if not r.consistent]), tuple(by_strategy))


HEADERS = ("model", "JS unchanged (pooled)", "JS changed (pooled)", "pooled difference",
           "changed - unchanged within patient x strategy [95% CI]", "p (sign-flip, patients)", "strata", "patients")
NOTE = ("JS divergence (base 2) of each verified paraphrase's map to its base map. Pooled means mix strategies and "
        "patients; the stratified difference compares changed with unchanged answers inside one patient and one "
        "strategy, averaged per patient, with a patient-clustered interval and a sign-flip test across patients.")
