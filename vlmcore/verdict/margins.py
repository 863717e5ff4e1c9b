"""Gate margins from seed replicas: a retrain of the same recipe must not be called a regression.

A margin is the drop that matters. Set below the spread between two retrains of one recipe,
the gate flags noise: on the reference set, ``robust`` and ``robust-seed1`` (same recipe, other
seed) differ by 2.5 accuracy points with p = 0.008, a real difference between two models, but
not a regression anyone would act on. Replicas measure that spread on the user's own cases.

Only replicas measure it: two models of different families, architectures or configurations
(or the same weights twice) are refused (``check_replicas``), and a margin beyond
``SANITY_BOUND`` is flagged (``CalibratedMargins.flagged``): a spread that large between
"retrains" means they are not retrains of one recipe, and a margin that large switches the gate
off for its rate.

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
SANITY_BOUND = 0.10
#: config.json keys that say where a checkpoint came from, not what it is
PROVENANCE = frozenset({"_name_or_path", "transformers_version", "torch_dtype", "dtype", "_commit_hash"})


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

    def flagged(self, bound: float = SANITY_BOUND) -> list[str]:
        """A sentence per margin beyond ``bound``: not a number to paste into a thresholds file."""
        return [f"FLAG {rate}_margin = {self.settings.margin(rate):.2f} is beyond the sanity bound {bound}: the replicas differ by "
                f"that much, so they are not retrains of one recipe on the same data (or the recipe is unstable), and a margin "
                f"that large switches the gate off for {rate}" for rate in self.settings.metrics if self.settings.margin(rate) > bound]


def _config(folder: str | None) -> dict | None:
    import json
    from pathlib import Path

    path = Path(folder) / "config.json" if folder else None
    if path is None or not path.is_file():
        return None
    try:
        return {k: v for k, v in json.loads(path.read_text()).items() if k not in PROVENANCE}
    except (OSError, ValueError):
        return None


def _first_difference(a: dict, b: dict, prefix: str = "") -> str | None:
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if isinstance(left, dict) and isinstance(right, dict):
            found = _first_difference({k: v for k, v in left.items() if k not in PROVENANCE},
                                      {k: v for k, v in right.items() if k not in PROVENANCE}, f"{prefix}{key}.")
            if found:
                return found
        elif left != right:
            return f"{prefix}{key}: {left!r} vs {right!r}"
    return None


def _token(described: str, key: str) -> str | None:
    return next((part.split("=", 1)[1] for part in described.split() if part.startswith(f"{key}=")), None)


def _fingerprint(described: str) -> str | None:
    return _token(described, "fingerprint")


def check_replicas(replicas: list[str], described: dict[str, str], arguments: dict[str, str] | None = None) -> None:
    """Refuse models that are not seed replicas of one recipe: another family (the key before
    ``@``, the adapter's name), another configuration (config.json, provenance keys aside, when the
    checkpoint folders are at hand), or the same weights twice (one fingerprint)."""
    arguments = arguments or {}
    problems = []
    first = replicas[0]
    for other in replicas[1:]:
        family, theirs = first.split("@")[0], other.split("@")[0]
        if family != theirs:
            problems.append(f"{first} and {other} are different families ({family}, {theirs})")
            continue
        # the adapter class (``adapter=``; the description's first word is the checkpoint's path, which
        # differs between any two replicas: comparing it refused the demo's own seed replicas)
        name, their_name = _token(described.get(first, ""), "adapter"), _token(described.get(other, ""), "adapter")
        if name and their_name and name != their_name:
            problems.append(f"{first} and {other} run on different adapters ({name}, {their_name})")
        configs = _config(arguments.get(first)), _config(arguments.get(other))
        if None not in configs and (difference := _first_difference(*configs)):
            problems.append(f"{first} and {other} have different configurations ({difference})")
        prints = _fingerprint(described.get(first, "")), _fingerprint(described.get(other, ""))
        if prints[0] and prints[0] == prints[1]:
            problems.append(f"{first} and {other} have the same weights (fingerprint {prints[0]}): one model twice measures no "
                            "retrain spread")
    if problems:
        raise ConfigError("these are not seed replicas of one recipe, so their spread is not retrain noise: " + "; ".join(problems)
                          + ". Margins come from two or more retrains of the same recipe (same configuration, other seed) in one run.")


def replica_margins(rows: list[VariantRow], replicas: list[str], settings: GateSettings, described: dict[str, str] | None = None,
                    arguments: dict[str, str] | None = None) -> CalibratedMargins:
    """``settings`` with each gated rate's margin raised to cover the replicas' spread.
    ``described`` / ``arguments``: the run's model descriptions and checkpoint folders (its
    manifest and environment), checked by ``check_replicas`` when given."""
    by_model: dict[str, list[VariantRow]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row)
    missing = [name for name in replicas if name not in by_model]
    if len(replicas) < 2 or missing:
        raise ConfigError(f"margins need at least two replica models with results; missing {missing or replicas}")
    if described is not None:
        check_replicas(replicas, described, arguments)
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
