"""Bars for the map diagnostics from seed replicas, as the gate's margins are (``margins``).

A fixed bar says nothing about a map method: the group attention-JS bar of 0.15 failed
``robust`` (a good model) on 315 of 315 groups, because its answer-row maps move between
paraphrases by ~0.3 whatever the answer does. What a retrain of the same recipe shows on the
same cases is the measure of a map's ordinary variation, so the bar of each declared map
diagnostic (``MeasureSpec`` with a bar and a case: group JS, inside-body, border) is read off
the replicas: the ``QUANTILE`` of their per-unit values on the bad side (a group's mean JS for
the group diagnostic, a case's value for the per-case ones), rounded outward to 0.01. A group
then fails when it is less stable than 99% of the groups of a healthy retrain. With few
replicas the quantile is noisy; the table shows how many units it came from.

``python -m vlmcore.verdict.diagnostic_bars RUN --models A,B`` prints the table and the
``[thresholds]`` lines; the demo ships them for the reference set
(``fixtures/reference/thresholds.toml``).
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import MEASURES
from vlmcore.metrics.specs import Direction, Level

QUANTILE = 0.99


@dataclass(frozen=True)
class DiagnosticBar:
    measure: str
    bar: float
    units: int
    quantile: float
    direction: Direction


def _units(rows: list[VariantRow], name: str) -> list[float]:
    spec = MEASURES[name]
    if spec.case_level is Level.GROUP:  # the group diagnostic: the mean over the group's applicable rows
        groups: dict[tuple[str, str], list[float]] = defaultdict(list)
        for row in rows:
            if spec.applies(row) and (value := spec.value(row)) is not None:
                groups[(row.model, row.group_id)].append(float(value))
        return [float(np.mean(v)) for v in groups.values()]
    return [float(v) for row in rows if spec.applies(row) and (v := spec.value(row)) is not None]


def replica_bars(rows: list[VariantRow], replicas: list[str], quantile: float = QUANTILE) -> list[DiagnosticBar]:
    """One bar per declared map diagnostic, from the replicas' rows."""
    mine = [r for r in rows if r.model in replicas]
    missing = [m for m in replicas if m not in {r.model for r in mine}]
    if len(replicas) < 2 or missing:
        raise ConfigError(f"diagnostic bars need at least two replica models with results; missing {missing or replicas}")
    bars = []
    for name, spec in MEASURES.items():
        if spec.bar is None or spec.case is None:
            continue
        values = _units(mine, name)
        if not values:
            continue
        if spec.direction is Direction.LOWER:
            bar = math.ceil(float(np.quantile(values, quantile)) * 100 - 1e-9) / 100
        else:
            bar = math.floor(float(np.quantile(values, 1 - quantile)) * 100 + 1e-9) / 100
        low, high = spec.bar_range
        bars.append(DiagnosticBar(name, min(max(bar, low), high), len(values), quantile, spec.direction))
    return bars


def lines(bars: list[DiagnosticBar], replicas: list[str]) -> list[str]:
    out = [f"Diagnostic bars from the seed replicas {', '.join(replicas)} (vlmcore.verdict.diagnostic_bars): the "
           f"{bars[0].quantile:.0%} quantile of their values on the bad side." if bars else "No diagnostic bar could be read.", "",
           "| diagnostic | bar | direction | default | from units |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {b.measure} | {b.bar:.2f} | {b.direction} | {MEASURES[b.measure].bar} | {b.units} |" for b in bars]
    return out + [""]


def toml(bars: list[DiagnosticBar]) -> str:
    return "".join(f"{b.measure} = {b.bar:.2f}\n" for b in bars)


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from vlmcore.verdict.baseline import read_run

    parser = argparse.ArgumentParser(prog="python -m vlmcore.verdict.diagnostic_bars", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a run folder with results of the replicas")
    parser.add_argument("--models", required=True, help="comma-separated replica model keys (e.g. llava@robust-seed1,llava@robust-seed2)")
    args = parser.parse_args(argv)
    replicas = [m for m in args.models.split(",") if m]
    bars = replica_bars(read_run(args.run).rows, replicas)
    print("\n".join(lines(bars, replicas)))
    print("[thresholds]\n" + toml(bars))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
