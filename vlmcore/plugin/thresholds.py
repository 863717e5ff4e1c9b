"""Thresholds from a TOML file: defaults, per-finding overrides, the gate's margins.

Every threshold a case uses is looked up here and written into the report, so a reader
sees exactly what was required. Unknown keys are errors (a typo must not silently keep a
default).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from vlmcore.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_THRESHOLDS = Path(__file__).resolve().parents[2] / "benchmarks" / "thresholds.toml"

DEFAULTS = {
    "consistency": 0.9, "accuracy": 0.7, "js_divergence": 0.15, "inside_body_ratio": 0.7, "border_fraction": 0.05,
    "image_reliance": 0.9, "finding_consistency": 0.9, "strategy_consistency": 0.9, "allow_fallback_maps": False,
    "flip_search_budget": 20,
}
GATE_DEFAULTS = {"consistency_margin": 0.02, "accuracy_margin": 0.02, "alpha": 0.05}


@dataclass(frozen=True)
class Thresholds:
    values: dict = field(default_factory=lambda: dict(DEFAULTS))
    findings: dict = field(default_factory=dict)
    gate: dict = field(default_factory=lambda: dict(GATE_DEFAULTS))
    source: str = "built-in defaults"

    def get(self, key: str, finding: str | None = None):
        if finding is not None and key in self.findings.get(finding, {}):
            return self.findings[finding][key]
        return self.values[key]

    def describe(self) -> dict:
        return {"source": self.source, "thresholds": self.values, "findings": self.findings, "gate": self.gate}


def _check_keys(table: dict, allowed: dict, where: str, path: Path) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(f"{path}: unknown keys {unknown} in [{where}]; known: {sorted(allowed)}")


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    path = Path(path) if path else DEFAULT_THRESHOLDS
    try:
        document = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"thresholds file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML ({error})") from None
    values = dict(DEFAULTS)
    _check_keys(document.get("thresholds", {}), DEFAULTS, "thresholds", path)
    values.update(document.get("thresholds", {}))
    findings = document.get("findings", {})
    for name, table in findings.items():
        _check_keys(table, DEFAULTS, f"findings.{name}", path)
    gate = dict(GATE_DEFAULTS)
    _check_keys(document.get("gate", {}), GATE_DEFAULTS, "gate", path)
    gate.update(document.get("gate", {}))
    _check_keys(document, {"thresholds": 0, "findings": 0, "gate": 0}, "top level", path)
    return Thresholds(values, findings, gate, str(path))
