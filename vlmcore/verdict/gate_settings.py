"""The regression gate's settings: which rates it checks, the margin per rate, alpha, and
how much of each run must pair. Range-checked wherever they come from (a thresholds file,
a saved baseline), because alpha = nan or 0, or a margin of 1.0, would switch the gate off
without a word.

A baseline stores the settings it was saved with and the gate uses those: a candidate's
own thresholds file cannot loosen the gate that judges it (``--vlm-gate-settings candidate``
overrides, visibly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import RATES, gateable

def gate_schema() -> dict[str, tuple]:
    """``[gate]`` keys: alpha, the rates, the paired share, and a margin per gateable rate."""
    return {"alpha": ("float_open", 0.0, 0.5), "metrics": ("rates",), "min_paired_share": ("float_open", 0.0, 1.0),
            **{f"{name}_margin": ("float_margin", 0.0, 1.0) for name in gateable()}}


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
    if kind == "rates":
        if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} = {value!r}: must be a non-empty list of rate names from {sorted(gateable())}")
        unknown = sorted(set(value) - set(gateable()))
        if unknown:
            raise ConfigError(f"{where}: unknown rates {unknown}; known: {sorted(gateable())}")
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
    metrics: tuple[str, ...] = field(default_factory=default_metrics)
    margins: dict = field(default_factory=default_margins)
    alpha: float = 0.05
    min_paired_share: float = 0.9
    source: str = "built-in defaults"

    @staticmethod
    def from_table(table: dict, source: str) -> "GateSettings":
        """From checked ``[gate]`` values (unset keys keep their defaults)."""
        default = GateSettings()
        margins = dict(default.margins) | {k.removesuffix("_margin"): v for k, v in table.items() if k.endswith("_margin")}
        return GateSettings(tuple(table.get("metrics", default.metrics)), margins, table.get("alpha", default.alpha),
                            table.get("min_paired_share", default.min_paired_share), source)

    def to_json(self) -> dict:
        return {"metrics": list(self.metrics), "alpha": self.alpha, "min_paired_share": self.min_paired_share,
                **{f"{name}_margin": self.margin(name) for name in gateable()}}

    def margin(self, rate: str) -> float:
        """The margin of ``rate`` (a rate declared after these settings were made: its default)."""
        return self.margins.get(rate, RATES[rate].margin)

    @staticmethod
    def from_json(data: dict, source: str) -> "GateSettings":
        """Settings stored with a baseline, checked like a thresholds file (a baseline is user input too)."""
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: gate settings must be an object")
        known = gate_schema()
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{source}: unknown gate settings {unknown}")
        checked = {key: check_value(value, known[key], f"{source}: gate {key}") for key, value in data.items()}
        return GateSettings.from_table(checked, source)

    def differences(self, other: "GateSettings") -> list[str]:
        """Human-readable differences between these settings and ``other``'s."""
        mine, theirs = self.to_json(), other.to_json()
        return [f"{key}: {mine[key]} here, {theirs[key]} in {other.source}" for key in mine if mine[key] != theirs[key]]
