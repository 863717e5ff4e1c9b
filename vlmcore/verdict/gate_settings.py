"""The regression gate's settings: which rates it checks, the margin per rate (and per finding),
alpha, how much of the baseline must pair, how many patients a PASS needs, and the harm rule.
Range-checked wherever they come from (a thresholds file, a saved baseline), because alpha =
nan or 0, or a margin of 1.0, would switch the gate off without a word.

A baseline stores the settings it was saved with. The gate uses, value by value, the stricter of
the baseline's and this run's (``GateSettings.stricter``): neither a loose thresholds file at
baseline time nor a candidate's own file can loosen the gate that judges the candidate;
``--vlm-gate-settings candidate`` uses this run's alone, visibly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import RATES, gateable
from vlmcore.metrics.specs import Scope


#: rates the gate took once and no longer can, and why: a thresholds file naming one is refused with
#: the reason; a baseline saved with one gates without it, and says so (``GateSettings.notes``)
RETIRED = {"image_reliance": "the blank film measures the model's prior, not its use of the film; it is a diagnostic now "
                             "and the counterfactual probes' 'grounding' rate gates instead (docs/grounding.md)"}


def _retired(names) -> str:
    return "; ".join(f"{name} is retired: {RETIRED[name]}" for name in names if name in RETIRED)


def gate_schema() -> dict[str, tuple]:
    """``[gate]`` keys: alpha, the rates, the paired share, the fewest patients for a PASS, the
    subgroup margin, the harm rule, and a margin per gateable rate."""
    return {"alpha": ("float_open", 0.0, 0.5), "metrics": ("rates",), "min_paired_share": ("float_open", 0.0, 1.0),
            "min_clusters": ("int", 2, 1_000_000), "subgroup_margin": ("float_margin", 0.0, 1.0),
            "harm_patients": ("int", 2, 1_000), **{f"{name}_margin": ("float_margin", 0.0, 1.0) for name in gateable()}}


def finding_margin_schema() -> dict[str, tuple]:
    """``[gate.findings.<name>]`` keys (and ``[gate.strategies.<name>]``, ``[gate.probes.<name>]``): a
    margin per gateable rate, for that subgroup's test."""
    return {f"{name}_margin": ("float_margin", 0.0, 1.0) for name in gateable()}


#: a subgroup scope -> its table under ``[gate]`` (``[gate.findings.<name>]``...) and in a baseline's settings
SUBGROUP_TABLES = {Scope.FINDING: "findings", Scope.STRATEGY: "strategies", Scope.PROBE: "probes"}


def default_metrics() -> tuple[str, ...]:
    """The rates the gate takes by default (``RateSpec.gated``)."""
    return tuple(name for name, spec in RATES.items() if spec.gated)


def default_margins() -> dict[str, float]:
    return {name: RATES[name].margin for name in gateable()}


def check_value(value, spec: tuple, where: str):
    """``value`` checked against ``spec`` (see the schemas); raises ``ConfigError`` naming ``where``."""
    kind = spec[0]
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} = {value!r}: must be true or false (unquoted)")
        return value
    if kind == "choice":
        if not isinstance(value, str) or value not in spec[1:]:
            raise ConfigError(f"{where} = {value!r}: must be one of {', '.join(repr(v) for v in spec[1:])}")
        return value
    if kind == "rates":
        if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} = {value!r}: must be a non-empty list of rate names from {sorted(gateable())}")
        unknown = sorted(set(value) - set(gateable()))
        if unknown:
            retired = _retired(unknown)
            raise ConfigError(f"{where}: unknown rates {unknown}; known: {sorted(gateable())}" + (f" ({retired})" if retired else ""))
        return tuple(dict.fromkeys(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} = {value!r}: must be a number")
    low, high = spec[1], spec[2]
    if kind == "int":
        if not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{where} = {value!r}: must be a whole number in [{low}, {high}]")
        return value
    value = float(value)
    ranges = {"float": (low <= value <= high, f"[{low}, {high}]"), "float_open": (low < value <= high, f"({low}, {high}]"),
              "float_margin": (low <= value < high, f"[{low}, {high})")}
    ok, shown = ranges[kind]
    if not math.isfinite(value) or not ok:
        raise ConfigError(f"{where} = {value!r}: must be a finite number in {shown}")
    return value


@dataclass(frozen=True)
class GateSettings:
    """``min_clusters``: the fewest paired patients (clusters) for a gate PASS: below it the sign-flip
    test cannot reach its level for a regression confined to a few patients, whatever happens.
    ``subgroup_margin``: the margin of every per-finding / per-strategy / per-probe-family test
    without a margin of its own (``finding_margins``: ``[gate.findings.<name>] <rate>_margin``;
    ``strategy_margins``: ``[gate.strategies.<name>]``; ``probe_margins``: ``[gate.probes.<name>]``,
    e.g. calibrated from seed replicas by ``vlmcore margins``).
    ``harm_patients``: the harm rule's count of patients turned from right to wrong (``regression``)."""

    metrics: tuple[str, ...] = field(default_factory=default_metrics)
    margins: dict = field(default_factory=default_margins)
    alpha: float = 0.05
    min_paired_share: float = 0.9
    source: str = "built-in defaults"
    min_clusters: int = 30
    subgroup_margin: float = 0.05
    harm_patients: int = 5
    finding_margins: dict = field(default_factory=dict)  # finding -> {rate: margin}
    notes: tuple[str, ...] = ()  # what reading them changed (a retired rate a baseline was saved with)
    strategy_margins: dict = field(default_factory=dict)  # strategy -> {rate: margin}
    probe_margins: dict = field(default_factory=dict)  # probe family -> {rate: margin}

    def own_margins(self, scope: Scope) -> dict:
        """subject -> {rate: margin} set for ``scope``'s subgroups (empty for the model level)."""
        return {Scope.FINDING: self.finding_margins, Scope.STRATEGY: self.strategy_margins,
                Scope.PROBE: self.probe_margins}.get(scope, {})

    @staticmethod
    def from_table(table: dict, source: str, finding_margins: dict | None = None, strategy_margins: dict | None = None,
                   probe_margins: dict | None = None) -> "GateSettings":
        """From checked ``[gate]`` values (unset keys keep their defaults) and checked per-subgroup
        margins (subject -> {"<rate>_margin": value})."""
        default = GateSettings()
        margins = dict(default.margins) | {k.removesuffix("_margin"): v for k, v in table.items()
                                           if k.endswith("_margin") and k != "subgroup_margin"}

        def own(tables: dict | None) -> dict:
            return {subject: {k.removesuffix("_margin"): v for k, v in values.items()} for subject, values in (tables or {}).items()}

        return GateSettings(tuple(table.get("metrics", default.metrics)), margins, table.get("alpha", default.alpha),
                            table.get("min_paired_share", default.min_paired_share), source,
                            table.get("min_clusters", default.min_clusters), table.get("subgroup_margin", default.subgroup_margin),
                            table.get("harm_patients", default.harm_patients), own(finding_margins),
                            strategy_margins=own(strategy_margins), probe_margins=own(probe_margins))

    def to_json(self) -> dict:
        return {"metrics": list(self.metrics), "alpha": self.alpha, "min_paired_share": self.min_paired_share,
                "min_clusters": self.min_clusters, "subgroup_margin": self.subgroup_margin, "harm_patients": self.harm_patients,
                **{f"{name}_margin": self.margins.get(name, RATES[name].margin) for name in gateable()},
                **{table: {subject: {f"{rate}_margin": value for rate, value in sorted(values.items())}
                           for subject, values in sorted(self.own_margins(scope).items())}
                   for scope, table in SUBGROUP_TABLES.items() if scope is Scope.FINDING or self.own_margins(scope)}}

    def margin(self, rate: str, scope: Scope = Scope.MODEL, subject: str = "") -> float:
        """The margin of one test: the rate's at model level; a subgroup's own when set
        (``[gate.findings.<name>]``, ``[gate.strategies.<name>]``, ``[gate.probes.<name>]``);
        otherwise ``subgroup_margin`` for a subgroup (a rate declared after these settings were
        made: its default)."""
        own = self.own_margins(scope).get(subject, {})
        if rate in own:
            return own[rate]
        if scope is not Scope.MODEL:
            return self.subgroup_margin
        return self.margins.get(rate, RATES[rate].margin)

    @staticmethod
    def from_json(data: dict, source: str) -> "GateSettings":
        """Settings stored with a baseline, checked like a thresholds file (a baseline is user input too)."""
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: gate settings must be an object")
        data = dict(data)
        subgroups = {}
        for table in SUBGROUP_TABLES.values():  # "strategies" / "probes": absent from baselines saved before them
            subgroups[table] = data.pop(table, {})
            if not isinstance(subgroups[table], dict) or not all(isinstance(v, dict) for v in subgroups[table].values()):
                raise ConfigError(f"{source}: gate {table} must map a subgroup to its margins")
        notes = ()
        metrics = data.get("metrics") if isinstance(data.get("metrics"), list) else []
        named = {m for m in metrics if isinstance(m, str)} | {k.removesuffix("_margin") for k in data}
        named |= {k.removesuffix("_margin") for tables in subgroups.values() for values in tables.values() for k in values}
        retired = sorted(set(RETIRED) & named)
        if retired:  # a baseline saved by an earlier vlmcore: gate on what this one can, visibly
            data = {k: v for k, v in data.items() if k.removesuffix("_margin") not in RETIRED}
            if metrics:
                data["metrics"] = [m for m in metrics if m not in RETIRED] or list(default_metrics())
            subgroups = {table: {f: {k: v for k, v in values.items() if k.removesuffix("_margin") not in RETIRED}
                                 for f, values in tables.items()} for table, tables in subgroups.items()}
            notes = (f"{source}: the gate settings name {retired}, not gated by this vlmcore ({_retired(retired)})",)
        known = gate_schema()
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{source}: unknown gate settings {unknown}")
        checked = {key: check_value(value, known[key], f"{source}: gate {key}") for key, value in data.items()}
        own = {}
        schema = finding_margin_schema()
        for table, tables in subgroups.items():
            own[table] = {}
            for subject, values in tables.items():
                unknown = sorted(set(values) - set(schema))
                if unknown:
                    what = {"findings": "finding", "strategies": "strategy", "probes": "probe family"}[table]
                    raise ConfigError(f"{source}: unknown gate settings {unknown} for {what} {subject!r}")
                own[table][subject] = {key: check_value(v, schema[key], f"{source}: gate {table}.{subject} {key}")
                                       for key, v in values.items()}
        return replace(GateSettings.from_table(checked, source, own["findings"], own["strategies"], own["probes"]), notes=notes)

    def stricter(self, other: "GateSettings") -> "GateSettings":
        """Value by value, the stricter of these settings and ``other``'s: every rate either gates,
        the smaller margin and alpha, the larger paired share and patient count, the smaller harm
        count; a subgroup's own margin (per finding, strategy, probe family) where either sets one:
        the smaller of the margins each would apply to that subgroup (a calibrated 0.08 on one side
        does not loosen the other side's 0.05 ``subgroup_margin``)."""
        metrics = tuple(dict.fromkeys(self.metrics + other.metrics))
        margins = {rate: min(self.margin(rate), other.margin(rate)) for rate in set(self.margins) | set(other.margins)}
        own: dict[Scope, dict[str, dict[str, float]]] = {}
        for scope in SUBGROUP_TABLES:
            mine, theirs = self.own_margins(scope), other.own_margins(scope)
            own[scope] = {subject: {rate: min(self.margin(rate, scope, subject), other.margin(rate, scope, subject))
                                    for rate in set(mine.get(subject, {})) | set(theirs.get(subject, {}))}
                          for subject in set(mine) | set(theirs)}
        return GateSettings(metrics, margins, min(self.alpha, other.alpha), max(self.min_paired_share, other.min_paired_share),
                            f"the stricter of {self.source} and {other.source}", max(self.min_clusters, other.min_clusters),
                            min(self.subgroup_margin, other.subgroup_margin), min(self.harm_patients, other.harm_patients),
                            own[Scope.FINDING], tuple(dict.fromkeys(self.notes + other.notes)), own[Scope.STRATEGY], own[Scope.PROBE])

    def differences(self, other: "GateSettings") -> list[str]:
        """Human-readable differences between these settings and ``other``'s."""
        mine, theirs = self.to_json(), other.to_json()
        return [f"{key}: {mine[key]} here, {theirs.get(key)} in {other.source}" for key in mine if mine[key] != theirs.get(key)]

    def looser_than(self, other: "GateSettings") -> list[str]:
        """The values where these settings are looser than ``other``'s (what ``stricter`` overrides)."""
        strict = self.stricter(other)
        mine, merged = self.to_json(), strict.to_json()
        return [f"{key}: {mine[key]} here, {merged[key]} applies" for key in mine if mine[key] != merged[key]]
