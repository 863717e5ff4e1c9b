"""Gate margins from seed replicas: a retrain of the same recipe must not be called a regression.

A margin is the drop that matters. Set below the spread between two retrains of one recipe,
the gate flags noise: on the reference set, ``robust`` and ``robust-seed1`` (same recipe, other
seed) differ by 2.5 accuracy points with p = 0.008, a real difference between two models, but
not a regression anyone would act on. Replicas measure that spread on the user's own cases.

Rule (``replica_margins``): for each gated rate, the largest paired drop between any two
replicas (each as baseline and as candidate), rounded up to the next 0.01, plus 0.01; never
below the margin already in force. With few replicas the largest observed drop understates the
true spread; the extra 0.01 is a cushion, not a guarantee, and the table shows every drop so a
reader can judge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import permutations

from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.pairing import pair_model
from vlmcore.verdict.regression import paired_rate_test

CUSHION = 0.01


@dataclass(frozen=True)
class ReplicaDrop:
    rate: str
    baseline: str
    candidate: str
    drop: float  # positive: the candidate is worse
    p_value: float


@dataclass(frozen=True)
class CalibratedMargins:
    settings: GateSettings
    drops: tuple[ReplicaDrop, ...]
    replicas: tuple[str, ...]

    def lines(self) -> list[str]:
        lines = [f"Gate margins calibrated from the seed replicas {', '.join(self.replicas)} (vlmcore.verdict.margins): the "
                 "largest paired drop between any two replicas, rounded up to 0.01, plus 0.01, never below the default.", "",
                 "| rate | largest replica drop (baseline -> candidate, p) | margin |", "| --- | --- | --- |"]
        for rate in self.settings.metrics:
            mine = [d for d in self.drops if d.rate == rate]
            worst = max(mine, key=lambda d: d.drop, default=None)
            shown = f"{worst.drop:+.4f} ({worst.baseline} -> {worst.candidate}, p {worst.p_value:.2g})" if worst else "-"
            lines.append(f"| {rate} | {shown} | {self.settings.margin(rate):.2f} |")
        return lines + [""]

    def toml(self) -> str:
        return "[gate]\n" + "".join(f"{rate}_margin = {self.settings.margin(rate):.2f}\n" for rate in self.settings.metrics)


def replica_margins(rows: list[VariantRow], replicas: list[str], settings: GateSettings) -> CalibratedMargins:
    """``settings`` with each gated rate's margin raised to cover the replicas' spread."""
    by_model: dict[str, list[VariantRow]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row)
    missing = [name for name in replicas if name not in by_model]
    if len(replicas) < 2 or missing:
        raise ConfigError(f"margins need at least two replica models with results; missing {missing or replicas}")
    drops = []
    for baseline, candidate in permutations(replicas, 2):
        pairing = pair_model(by_model[baseline], by_model[candidate], baseline, candidate)
        for rate in settings.metrics:
            result = paired_rate_test(pairing, rate, 0.0)
            if result is not None:
                drops.append(ReplicaDrop(rate, baseline, candidate, result.drop, result.p_value))
    margins = dict(settings.margins)
    for rate in settings.metrics:
        largest = max((d.drop for d in drops if d.rate == rate), default=0.0)
        calibrated = math.ceil(round(max(largest, 0.0), 9) * 100) / 100 + CUSHION
        margins[rate] = round(max(margins[rate], calibrated), 4)
    source = f"{settings.source}, margins calibrated from replicas {', '.join(replicas)}"
    return CalibratedMargins(replace(settings, margins=margins, source=source), tuple(drops), tuple(replicas))
