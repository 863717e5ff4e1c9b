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

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import tally
from vlmcore.metrics.intervals import mean_interval, rate_interval
from vlmcore.metrics.rates import MEASURES, RATES
from vlmcore.metrics.specs import Direction, MeasureSpec
from vlmcore.metrics.summary import measure_values

HIGHER, LOWER, DESCRIPTIVE = Direction.HIGHER, Direction.LOWER, Direction.DESCRIPTIVE


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    clusters: int
    direction: Direction

    def shown(self) -> str:
        if self.value is None:
            return "-"
        interval = f" [{self.low:.3f}, {self.high:.3f}]" if self.low is not None else ""
        return f"{self.value:.3f}{interval}"


def _rate(key: str, label: str, rows: list[VariantRow], rate_name: str) -> Measure:
    counted = tally(rows, rate_name)
    interval = rate_interval(counted)
    if interval is None:
        return Measure(key, label, None, None, None, 0, HIGHER)
    return Measure(key, label, counted.value, interval.low, interval.high, interval.clusters, RATES[rate_name].direction)


def _mean(spec: MeasureSpec, rows: list[VariantRow]) -> Measure:
    values_by_cluster = measure_values(rows, spec)
    interval = mean_interval(list(values_by_cluster.values()))
    if interval is None:
        return Measure(spec.name, spec.label, None, None, None, 0, spec.direction)
    value = sum(map(sum, values_by_cluster.values())) / sum(map(len, values_by_cluster.values()))
    return Measure(spec.name, spec.label, value, interval.low, interval.high, interval.clusters, spec.direction)


def model_measures(rows: list[VariantRow]) -> list[Measure]:
    """One model's comparison column, in the order the table shows it: every declared rate, then
    every measure declared for the comparison (``vlmcore.metrics.rates``)."""
    return ([_rate(name, spec.label, rows, name) for name, spec in RATES.items()]
            + [_mean(spec, rows) for spec in MEASURES.values() if spec.compare])


def measures_by(rows: list[VariantRow], key, rate_name: str) -> dict[str, Measure]:
    """One rate per subgroup (finding, strategy), each with its clustered interval."""
    grouped: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return {name: _rate(rate_name, name, subset, rate_name) for name, subset in sorted(grouped.items())}
