"""Per-cluster tallies: the unit of every interval and paired test.

The six questions on one film, and the films of one patient, are not independent; treating
them as independent makes intervals too narrow and paired tests too eager. A cluster is the
patient, or the film when the dataset has no patient id (``VariantRow.cluster``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.rates import RATES
from vlmcore.metrics.specs import Unit


@dataclass(frozen=True)
class Tally:
    """Successes and trials of one rate, per cluster (clusters with no trial left out)."""

    clusters: tuple[str, ...]
    successes: np.ndarray
    trials: np.ndarray

    @property
    def value(self) -> float | None:
        total = int(self.trials.sum())
        return float(self.successes.sum()) / total if total else None


def tally(rows: list[VariantRow], rate_name: str) -> Tally:
    """Successes and trials of the rate per cluster. A case-unit rate counts each applicable row;
    a group-unit rate counts each group once, a success when all its applicable rows succeed."""
    rate = RATES[rate_name]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if rate.unit is Unit.GROUP:
        groups: dict[tuple[str, str], bool] = {}
        for row in rows:
            if rate.applies(row):
                key = (row.cluster, row.group_id)
                groups[key] = groups.get(key, True) and bool(rate.success(row))
        trials = [(cluster, kept) for (cluster, _), kept in groups.items()]
    else:
        trials = [(row.cluster, bool(rate.success(row))) for row in rows if rate.applies(row)]
    for cluster, success in trials:
        entry = counts[cluster]
        entry[0] += success
        entry[1] += 1
    names = tuple(sorted(counts))
    return Tally(names, np.array([counts[n][0] for n in names], dtype=np.int64),
                 np.array([counts[n][1] for n in names], dtype=np.int64))


def cluster_unit(rows: list[VariantRow]) -> str:
    """What the clusters are, in words, for the report."""
    with_patient = sum(bool(r.patient_id) for r in rows)
    if with_patient == len(rows):
        return "patient"
    return "image (the dataset has no patient ids)" if with_patient == 0 else "patient (image where the patient id is missing)"
