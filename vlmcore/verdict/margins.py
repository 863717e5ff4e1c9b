"""Gate margins from seed replicas: a retrain of the same recipe must not be called a regression.

A margin is the drop that matters. Set below the spread between two retrains of one recipe,
the gate flags noise: on the reference set, ``robust`` and ``robust-seed1`` (same recipe, other
seed) differ by 2.5 accuracy points with p = 0.008, a real difference between two models, but
not a regression anyone would act on. Replicas measure that spread on the user's own cases.

Only replicas measure it: two models of different families, architectures or configurations
(or the same weights twice) are refused (``check_replicas``), and a margin beyond the sanity
bound (``SANITY_BOUND``, ``--max-margin``) is flagged, value by value
(``CalibratedMargins.flagged``): a spread that large between "retrains" means they are not
retrains of one recipe (or the subgroup is too small to tell), and a margin that large switches
the gate off for that rate or subgroup.

**Every test the gate runs gets its margin** (``regression.gate_subgroups``): each gated rate
over the model's pairs and over each subgroup its spec gates (per finding, per paraphrase
strategy, per probe family). The margins go into ``[gate]`` (model level) and
``[gate.findings.<name>]``, ``[gate.strategies.<name>]``, ``[gate.probes.<name>]`` (subgroups).

**What a margin from replicas estimates, and the rule** (``replica_margins``). The gate fails a
test only when the drop is beyond its margin *and* the paired sign-flip test (or the harm rule)
says it is not chance: sampling noise is the test's job. What the margin must absorb is the
*systematic* gap between two retrains, mu: real, and significant on enough patients (robust vs
robust-seed1 above), but not a regression. Two replicas on shared patients measure it as a paired
difference d, whose patient-clustered standard error SE (cluster-robust, Liang & Zeger 1986;
the patient is the unit) says how well: in a subgroup of 20 patients d is mostly noise. The raw
difference falls short of mu half the time when mu is real (on the reference set the replicas
differ by 0.123 on lesion occlusion; robust, a third retrain, by 0.140 from robust-seed2), and a
margin one retrain falls short of calls the next one a regression. So the margin is the **upper
end of the one-sided 95% clustered interval** of the gap, over every ordered pair of replicas:
max(d + t(0.95, k - 1) * SE), t on patients - 1 degrees of freedom (Cameron & Miller 2015),
rounded up to 0.01, never below the margin already in force. It covers mu in 95% of replica
draws whatever the subgroup's size; the price is a wide margin for a small subgroup, which the
sanity bound then flags, saying whether the gap or the subgroup's size made it wide (add
patients or replicas, or accept it with ``--max-margin``, visibly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import permutations

from vlmcore.data.rows import VariantRow
from vlmcore.errors import ConfigError
from vlmcore.metrics.intervals import quantile
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.gate_settings import SUBGROUP_TABLES, GateSettings
from vlmcore.verdict.pairing import pair_model
from vlmcore.verdict.regression import cluster_changes, gate_subgroups, paired_rate_test

SANITY_BOUND = 0.10
#: one-sided confidence of the bound on the replicas' gap
CONFIDENCE = 0.95
#: config.json keys that say where a checkpoint came from, not what it is
PROVENANCE = frozenset({"_name_or_path", "transformers_version", "torch_dtype", "dtype", "_commit_hash"})


@dataclass(frozen=True)
class ReplicaDrop:
    """One gate test (rate, scope, subject) between two replicas, one as baseline, one as candidate."""

    rate: str
    baseline: str
    candidate: str
    drop: float  # positive: the candidate is worse
    p_value: float
    scope: Scope = Scope.MODEL
    subject: str = ""
    standard_error: float = 0.0  # patient-clustered SE of the paired difference
    clusters: int = 0

    @property
    def bound(self) -> float:
        """The upper end of the one-sided ``CONFIDENCE`` interval of the gap (1.0 with one patient: no spread known)."""
        if self.clusters < 2:
            return 1.0
        return self.drop + quantile(2 * CONFIDENCE - 1, self.clusters) * self.standard_error

    @property
    def where(self) -> str:
        return self.rate if self.scope is Scope.MODEL else f"{self.rate} ({self.scope.value} {self.subject})"


@dataclass(frozen=True)
class CalibratedMargin:
    """One test's margin: the widest replica bound (``worst``), rounded up, never below ``in_force``."""

    rate: str
    scope: Scope
    subject: str
    margin: float
    in_force: float
    worst: ReplicaDrop

    @property
    def where(self) -> str:
        return self.worst.where

    @property
    def key(self) -> str:
        """Where it goes in a thresholds file: ``[gate] accuracy_margin`` or ``[gate.probes.label_swap] grounding_margin``."""
        table = "gate" if self.scope is Scope.MODEL else f"gate.{SUBGROUP_TABLES[self.scope]}.{self.subject}"
        return f"[{table}] {self.rate}_margin"

    def flag(self, bound: float) -> str | None:
        """A sentence when beyond ``bound``: not a number to paste into a thresholds file."""
        if self.margin <= bound + 1e-9:
            return None
        worst = self.worst
        noise = self.margin - max(worst.drop, 0.0)
        cause = (f"the replicas differ by {worst.drop:+.3f} here ({worst.baseline} -> {worst.candidate}, p {worst.p_value:.2g}): "
                 "not retrains of one recipe on the same data, or an unstable recipe"
                 if worst.drop > noise else
                 f"the subgroup is too small to pin the gap down ({worst.clusters} patients, clustered SE {worst.standard_error:.3f}; "
                 f"the replicas differ by {worst.drop:+.3f}): add patients or replicas")
        return (f"FLAG {self.key} = {self.margin:.2f} is beyond the sanity bound {bound}: {cause}; a margin that large switches "
                f"the gate off for {self.where}")


@dataclass(frozen=True)
class CalibratedMargins:
    settings: GateSettings
    drops: tuple[ReplicaDrop, ...]
    replicas: tuple[str, ...]
    margins: tuple[CalibratedMargin, ...] = ()

    def lines(self) -> list[str]:
        lines = [(f"Gate margins calibrated from the seed replicas {', '.join(self.replicas)} (vlmcore.verdict.margins), one per "
                  "test the gate runs (model level, per finding, per strategy, per probe family): the upper end of the one-sided "
                  f"{CONFIDENCE:.0%} patient-clustered interval of the replicas' paired gap, over every ordered pair, rounded up to "
                  "0.01, never below the margin in force."), "",
                 "| test | patients | largest replica drop (baseline -> candidate, p) | clustered SE | bound | margin |",
                 "| --- | --- | --- | --- | --- | --- |"]
        for calibrated in self.margins:
            worst = calibrated.worst
            raised = "" if calibrated.margin > calibrated.in_force + 1e-9 else " (in force)"
            largest = max((d for d in self.drops if (d.rate, d.scope, d.subject) == (worst.rate, worst.scope, worst.subject)),
                          key=lambda d: d.drop)
            lines.append(f"| {calibrated.where} | {worst.clusters} | {largest.drop:+.4f} ({largest.baseline} -> {largest.candidate}, "
                         f"p {largest.p_value:.2g}) | {worst.standard_error:.4f} | {worst.bound:.4f} | {calibrated.margin:.2f}{raised} |")
        return lines + [""]

    def toml(self) -> str:
        """``[gate]`` with every model-level margin, then each subgroup table whose calibrated margin
        is above what the gate applies to it anyway (``subgroup_margin`` or its own)."""
        text = "[gate]\n" + "".join(f"{rate}_margin = {self.settings.margin(rate):.2f}\n" for rate in self.settings.metrics)
        for scope, table in SUBGROUP_TABLES.items():
            for subject, values in sorted(self.settings.own_margins(scope).items()):
                text += f"\n[gate.{table}.{subject}]\n" + "".join(f"{rate}_margin = {value:.2f}\n" for rate, value in sorted(values.items()))
        return text

    def flagged(self, bound: float = SANITY_BOUND) -> list[str]:
        """A sentence per margin (model level or subgroup) beyond ``bound``."""
        return [line for calibrated in self.margins if (line := calibrated.flag(bound))]


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


def replica_drops(pairing, settings: GateSettings) -> list[ReplicaDrop]:
    """Every gate test (``gate_subgroups``) on one ordered pair of replicas: the drop, its sign-flip p
    and the patient-clustered SE of the paired difference (ratio estimator: the rate difference
    D = sum(d_i) / N over patients' differences d_i and cases n_i, Var = k / (k - 1) * sum((d_i -
    n_i D)^2) / N^2)."""
    drops = []
    for rate, scope, subject, pairs in gate_subgroups(pairing, settings):
        result = paired_rate_test(pairing, rate, 0.0, scope, subject, settings.harm_patients, pairs)
        changes = cluster_changes(pairs, rate)
        cases, clusters = sum(c.trials for c in changes), len(changes)
        mean = sum(c.difference for c in changes) / cases
        variance = (clusters / (clusters - 1) * sum((c.difference - c.trials * mean) ** 2 for c in changes) / cases**2
                    if clusters > 1 else 0.0)
        drops.append(ReplicaDrop(rate, pairing.baseline_model, pairing.model, result.drop, result.p_value, scope, subject,
                                 math.sqrt(variance), clusters))
    return drops


def replica_margins(rows: list[VariantRow], replicas: list[str], settings: GateSettings, described: dict[str, str] | None = None,
                    arguments: dict[str, str] | None = None) -> CalibratedMargins:
    """``settings`` with each gate test's margin (model level and every subgroup) raised to cover the
    replicas' gap (the module's rule). ``described`` / ``arguments``: the run's model descriptions and
    checkpoint folders (its manifest and environment), checked by ``check_replicas`` when given."""
    by_model: dict[str, list[VariantRow]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row)
    missing = [name for name in replicas if name not in by_model]
    if len(replicas) < 2 or missing:
        raise ConfigError(f"margins need at least two replica models with results; missing {missing or replicas}")
    if described is not None:
        check_replicas(replicas, described, arguments)
    drops = [drop for baseline, candidate in permutations(replicas, 2)
             for drop in replica_drops(pair_model(by_model[baseline], by_model[candidate], baseline, candidate), settings)]
    tests: dict[tuple, list[ReplicaDrop]] = {}
    for drop in drops:
        tests.setdefault((drop.rate, drop.scope, drop.subject), []).append(drop)
    margins = dict(settings.margins)
    own = {scope: {subject: dict(values) for subject, values in settings.own_margins(scope).items()} for scope in SUBGROUP_TABLES}
    calibrated = []
    for (rate, scope, subject), mine in tests.items():
        worst = max(mine, key=lambda d: d.bound)
        in_force = settings.margin(rate, scope, subject)
        value = round(max(in_force, math.ceil(round(max(worst.bound, 0.0), 9) * 100) / 100), 4)
        calibrated.append(CalibratedMargin(rate, scope, subject, value, in_force, worst))
        if scope is Scope.MODEL:
            margins[rate] = value
        elif value > in_force + 1e-9:
            own[scope].setdefault(subject, {})[rate] = value
    source = f"{settings.source}, margins calibrated from replicas {', '.join(replicas)}"
    settings = replace(settings, margins=margins, source=source, finding_margins=own[Scope.FINDING],
                       strategy_margins=own[Scope.STRATEGY], probe_margins=own[Scope.PROBE])
    return CalibratedMargins(settings, tuple(drops), tuple(replicas), tuple(calibrated))
