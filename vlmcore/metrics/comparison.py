"""Models side by side: the seed study's comparison tables, computed from variant rows.

Every entry is a ``Measure`` with its clustered 95% interval (patient, or film without patient
ids), so two models' numbers can be read against their uncertainty, and a direction ("higher is
better", "lower is better", or "descriptive" for map-shape measures that have no good end).
Paired tests between two models on shared cases are the verdict layer's
(``verdict.regression.paired_difference``, on the gate's own pairing).

Map measures (entropy, regional mass, inside-body, border) are taken on the *base* question's
map of each group, so a model with more paraphrases per group does not weigh more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import Tally, tally
from vlmcore.metrics.intervals import mean_interval, rate_interval
from vlmcore.metrics.rates import RATES

HIGHER, LOWER, DESCRIPTIVE = "higher is better", "lower is better", "descriptive"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    clusters: int
    direction: str

    def shown(self) -> str:
        if self.value is None:
            return "-"
        interval = f" [{self.low:.3f}, {self.high:.3f}]" if self.low is not None else ""
        return f"{self.value:.3f}{interval}"


def _rate(key: str, label: str, rows: list[VariantRow], rate_name: str, invert: bool = False) -> Measure:
    counted = tally(rows, rate_name)
    interval = rate_interval(counted)
    if interval is None:
        return Measure(key, label, None, None, None, 0, HIGHER)
    value, low, high = counted.value, interval.low, interval.high
    higher = RATES[rate_name].higher_is_better
    if invert:
        value, low, high, higher = 1 - value, 1 - high, 1 - low, not higher
    return Measure(key, label, value, low, high, interval.clusters, HIGHER if higher else LOWER)


def _mean(key: str, label: str, values_by_cluster: dict[str, list[float]], direction: str) -> Measure:
    interval = mean_interval(list(values_by_cluster.values()))
    if interval is None:
        return Measure(key, label, None, None, None, 0, direction)
    value = sum(map(sum, values_by_cluster.values())) / sum(map(len, values_by_cluster.values()))
    return Measure(key, label, value, interval.low, interval.high, interval.clusters, direction)


def _by_cluster(rows: list[VariantRow], value) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        measured = value(row)
        if measured is not None:
            grouped[row.cluster].append(float(measured))
    return grouped


def _fully_consistent_groups(rows: list[VariantRow]) -> Measure:
    """Share of groups whose every verified paraphrase kept the base answer (clustered: a
    patient's groups are one cluster)."""
    groups: dict[tuple[str, str], bool] = {}
    for row in rows:
        if RATES["consistency"].applies(row):
            key = (row.cluster, row.group_id)
            groups[key] = groups.get(key, True) and row.consistent
    per_cluster: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (cluster, _), kept in groups.items():
        per_cluster[cluster][0] += kept
        per_cluster[cluster][1] += 1
    names = tuple(sorted(per_cluster))
    counted = Tally(names, np.array([per_cluster[n][0] for n in names]), np.array([per_cluster[n][1] for n in names]))
    interval = rate_interval(counted)
    if interval is None:
        return Measure("fully_consistent_groups", "fully consistent groups", None, None, None, 0, HIGHER)
    return Measure("fully_consistent_groups", "fully consistent groups", counted.value, interval.low, interval.high,
                   interval.clusters, HIGHER)


def _map(rows: list[VariantRow], key: str) -> dict[str, list[float]]:
    return _by_cluster([r for r in rows if r.relation == "base" and not r.map_fallback], lambda r: r.metrics.get(key))


def model_measures(rows: list[VariantRow]) -> list[Measure]:
    """One model's comparison column, in the order the table shows it."""
    invariant = [r for r in rows if r.verified_paraphrase]
    measures = [
        _rate("consistency", "consistency", rows, "consistency"),
        _fully_consistent_groups(rows),
        _rate("flip_rate", "flip rate", rows, "consistency", invert=True),
        _rate("accuracy", "accuracy (all cases)", rows, "accuracy"),
        _rate("inverted_flip_rate", "inverted controls answered differently", rows, "inverted_flip_rate"),
        _rate("image_reliance", "image reliance (answer unchanged with the film blanked)", rows, "image_reliance"),
        _mean("js_unchanged", "JS to base map, answer unchanged", _by_cluster([r for r in invariant if r.consistent],
                                                                              lambda r: r.metrics.get("js_to_base")), DESCRIPTIVE),
        _mean("js_changed", "JS to base map, answer changed", _by_cluster([r for r in invariant if not r.consistent],
                                                                          lambda r: r.metrics.get("js_to_base")), DESCRIPTIVE),
        _mean("entropy", "map entropy (normalised: 1 = uniform)", _by_cluster(
            [r for r in rows if r.relation == "base" and not r.map_fallback and "focus" in r.metrics],
            lambda r: 1 - r.metrics["focus"]), DESCRIPTIVE),
        _mean("patient_right", "map mass on the patient's right", _map(rows, "patient_right"), DESCRIPTIVE),
        _mean("patient_left", "map mass on the patient's left", _map(rows, "patient_left"), DESCRIPTIVE),
        _mean("apical", "map mass apical (upper half)", _map(rows, "apical"), DESCRIPTIVE),
        _mean("basal", "map mass basal (lower half)", _map(rows, "basal"), DESCRIPTIVE),
        _mean("inside_body_ratio", "map mass inside the body / body's area share", _map(rows, "inside_body_ratio"), HIGHER),
        _mean("border_ratio", "map mass on the border ring / ring's area share (1 = uniform)", _map(rows, "border_ratio"), LOWER),
    ]
    return measures


def measures_by(rows: list[VariantRow], key, rate_name: str) -> dict[str, Measure]:
    """One rate per subgroup (finding, strategy), each with its clustered interval."""
    grouped: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return {name: _rate(rate_name, name, subset, rate_name) for name, subset in sorted(grouped.items())}
