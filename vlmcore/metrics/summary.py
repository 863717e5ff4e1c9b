"""Run summaries computed from variant rows alone (so they can be recomputed from
``results.jsonl``), as typed records.

Every rate and measure declared with ``summary=True`` (``vlmcore.metrics.rates``) gets an
``Estimate``: its value and 95% interval clustered by patient (by film when the dataset has
no patient ids; ``intervals`` says how), flagged unreliable below 10 clusters. Per finding and
per strategy the rates that have subgroup checks are shown without intervals (the first-run
checks judge those with theirs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import cluster_unit, tally
from vlmcore.metrics.intervals import Interval, mean_interval, rate_interval
from vlmcore.metrics.rates import MEASURES, RATES
from vlmcore.metrics.specs import MeasureSpec, Scope
from vlmcore.records import inline


@dataclass(frozen=True)
class Estimate:
    """A headline number with its 95% interval (None when nothing applied)."""

    value: float | None
    ci95: tuple[float, float] | None
    clusters: int
    reliable: bool

    def shown(self, flag_unreliable: bool = True) -> str:
        """``0.904 [0.871, 0.931]``, flagged when there are too few clusters to trust the interval."""
        if self.value is None:
            return "-"
        interval = f" [{self.ci95[0]:.3f}, {self.ci95[1]:.3f}]" if self.ci95 else ""
        return f"{self.value:.3f}{interval}" + ("" if self.reliable or not flag_unreliable else " (unreliable: few clusters)")


@dataclass(frozen=True)
class Subgroup:
    """One finding's or strategy's rates (those with subgroup checks), without intervals."""

    cases: int
    rates: dict[str, float | None] = inline()


@dataclass(frozen=True)
class ModelSummary:
    groups: int
    cases: int
    patients: int
    clusters: int
    cluster_unit: str
    fallback_maps: int
    low_mass_share: float | None
    unverified_paraphrases: int
    unverified_flips: int
    map_methods: tuple[str, ...]
    inside_body_ratio_mean: float | None
    border_fraction_mean: float | None
    border_ratio_mean: float | None
    by_finding: dict[str, Subgroup]
    by_strategy: dict[str, Subgroup]
    extras: dict[str, object] = field(default_factory=dict)  # added by ``pytest_vlmcore_update_summary`` hooks
    probe_trials: int = 0  # counterfactual trials (``vlmcore.grounding``), besides the ``cases``
    estimates: dict[str, Estimate] = inline()  # one per summary rate / measure, by name
    generated_share: float | None = None  # share of answers read from generated text (answer modes generate / auto)
    maps_not_at_answer: int = 0  # generated answers without an answer position: their maps are left out of map measures

    def estimate(self, name: str) -> Estimate:
        return self.estimates[name]


def _mean(values) -> float | None:
    values = [float(v) for v in values]
    return round(float(np.mean(values)), 6) if values else None


def _by(rows: list[VariantRow], key: Callable[[VariantRow], str]) -> dict[str, list[VariantRow]]:
    groups: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(sorted(groups.items()))


def _estimate(value: float | None, interval: Interval | None) -> Estimate:
    if interval is None:
        return Estimate(value, None, 0, False)
    return Estimate(value, tuple(interval.to_json()), interval.clusters, interval.reliable)


def rate_estimate(rows: list[VariantRow], name: str) -> Estimate:
    return _estimate(_rate(rows, name), rate_interval(tally(rows, name)))


def measure_values(rows: list[VariantRow], spec: MeasureSpec) -> dict[str, list[float]]:
    """The measure's values per cluster (rows it applies to, where it was measured)."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if spec.applies(row) and (value := spec.value(row)) is not None:
            grouped[row.cluster].append(float(value))
    return grouped


def measure_estimate(rows: list[VariantRow], spec: MeasureSpec) -> Estimate:
    values = measure_values(rows, spec)
    return _estimate(_mean(v for cluster in values.values() for v in cluster), mean_interval(list(values.values())))


def _subgroup_rates() -> list[str]:
    return [name for name, spec in RATES.items() if any(c.scope is not Scope.MODEL for c in spec.checks)]


def _rate(rows: list[VariantRow], name: str) -> float | None:
    value = tally(rows, name).value
    return None if value is None else round(value, 6)


def _subgroups(rows: list[VariantRow], key: Callable[[VariantRow], str]) -> dict[str, Subgroup]:
    return {name: Subgroup(len(subset), {rate: _rate(subset, rate) for rate in _subgroup_rates()})
            for name, subset in _by(rows, key).items()}


def summarise_model(rows: list[VariantRow]) -> ModelSummary:
    """Rates and measures over every row (each declares the rows it applies to); the counts, map
    means and subgroups over the dataset's cases (counterfactual trials are not cases)."""
    estimates = {name: rate_estimate(rows, name) for name, spec in RATES.items() if spec.summary}
    estimates |= {name: measure_estimate(rows, spec) for name, spec in MEASURES.items() if spec.summary}
    trials, rows = rows, [r for r in rows if not r.is_probe]
    return ModelSummary(
        groups=len({r.group_id for r in rows}), cases=len(rows), patients=len({r.patient_id for r in rows}),
        clusters=len({r.cluster for r in rows}), cluster_unit=cluster_unit(rows), fallback_maps=sum(r.map_fallback for r in rows),
        low_mass_share=_mean(r.low_mass for r in rows),
        unverified_paraphrases=sum(r.relation == "invariant" and not r.verified_paraphrase for r in rows),
        unverified_flips=sum(r.relation == "invariant" and not r.verified_paraphrase and not r.consistent for r in rows),
        map_methods=tuple(sorted({r.map_method for r in rows})),
        inside_body_ratio_mean=_mean(r.metrics["inside_body_ratio"] for r in rows if r.map_at_answer),
        border_fraction_mean=_mean(r.metrics["border_fraction"] for r in rows if r.map_at_answer),
        border_ratio_mean=_mean(r.metrics["border_ratio"] for r in rows if "border_ratio" in r.metrics and r.map_at_answer),
        by_finding=_subgroups(rows, lambda r: r.finding),
        by_strategy=_subgroups([r for r in rows if r.relation != "base"], lambda r: r.strategy),
        estimates=estimates, generated_share=_mean(r.answer_mode == "generate" for r in rows),
        maps_not_at_answer=sum(not r.map_at_answer for r in rows), probe_trials=sum(r.is_probe for r in trials))


def summarise_run(rows: list[VariantRow]) -> dict[str, ModelSummary]:
    return {model: summarise_model(model_rows) for model, model_rows in _by(rows, lambda r: r.model).items()}
