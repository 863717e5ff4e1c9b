"""Thresholds from a TOML file: one typed schema, checked when the run starts.

Every key has a type and a range; a value outside it (NaN, a string where a number or a
boolean belongs, a negative budget, a misspelled finding table) is a ``ConfigError`` naming
the file, the key and what is allowed, so nothing silently weakens a check. Every value a
case or the verdict uses is looked up here and written into the report.

Tables:
- ``[thresholds]``: the bar each rate must clear (per-group diagnostic cases and the
  first-run model / finding / strategy aggregates use the same keys);
- ``[findings.<name>]``: per-finding overrides of those keys;
- ``[verdict]``: ``alpha``, the familywise false-alarm rate of the first-run checks, and
  ``min_clusters``, the fewest patients (films) a model must be evaluated on for a PASS;
- ``[gate]``: the regression gate's settings (``vlmcore.verdict.gate_settings``), stored
  with a baseline when it is saved.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from vlmcore.data.findings import FINDINGS
from vlmcore.errors import ConfigError
from vlmcore.verdict.gate_settings import GATE_SCHEMA, GateSettings, check_value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_THRESHOLDS = Path(__file__).resolve().parents[2] / "benchmarks" / "thresholds.toml"

UNIT = ("float", 0.0, 1.0)
#: key -> (type, low, high); floats are finite and inside [low, high]
SCHEMA: dict[str, tuple] = {
    "consistency": UNIT, "accuracy": UNIT, "js_divergence": UNIT, "inside_body_ratio": UNIT, "border_ratio": ("float", 0.0, 100.0),
    "image_reliance": UNIT, "finding_consistency": UNIT, "strategy_consistency": UNIT,
    "allow_fallback_maps": ("bool",), "flip_search_budget": ("int", 0, 10_000), "min_answer_mass": UNIT,
}
DEFAULTS = {
    "consistency": 0.9, "accuracy": 0.7, "js_divergence": 0.15, "inside_body_ratio": 0.7, "border_ratio": 1.5,
    "image_reliance": 0.9, "finding_consistency": 0.9, "strategy_consistency": 0.9, "allow_fallback_maps": False,
    "flip_search_budget": 20, "min_answer_mass": 0.5,
}
VERDICT_SCHEMA = {"alpha": ("float_open", 0.0, 0.5), "min_clusters": ("int", 2, 1_000_000)}
VERDICT_DEFAULTS = {"alpha": 0.05, "min_clusters": 10}
FINDING_KEYS = tuple(k for k, spec in SCHEMA.items() if spec[0] == "float")


@dataclass(frozen=True)
class Thresholds:
    values: dict = field(default_factory=lambda: dict(DEFAULTS))
    findings: dict = field(default_factory=dict)
    gate: GateSettings = field(default_factory=GateSettings)
    verdict_alpha: float = VERDICT_DEFAULTS["alpha"]
    source: str = "built-in defaults"
    min_clusters: int = VERDICT_DEFAULTS["min_clusters"]

    def get(self, key: str, finding: str | None = None):
        if finding is not None and key in self.findings.get(finding, {}):
            return self.findings[finding][key]
        return self.values[key]

    def describe(self) -> dict:
        return {"source": self.source, "thresholds": self.values, "findings": self.findings, "gate": self.gate.to_json(),
                "verdict": {"alpha": self.verdict_alpha, "min_clusters": self.min_clusters}}


def _table(document: dict, name: str, path: Path) -> dict:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table, got {type(value).__name__} {value!r}")
    return value


def _checked(table: dict, schema: dict, where: str, path: Path) -> dict:
    unknown = sorted(set(table) - set(schema))
    if unknown:
        hints = [f"{k!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(k, schema, 1)) else repr(k)
                 for k in unknown]
        raise ConfigError(f"{path}: unknown key {', '.join(hints)} in [{where}]; known: {sorted(schema)}")
    return {key: check_value(value, schema[key], f"{path}: [{where}] {key}") for key, value in table.items()}


def _findings(document: dict, path: Path, known: set[str]) -> dict:
    findings = {}
    for name, table in _table(document, "findings", path).items():
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), 1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known findings: {sorted(known)}"
            raise ConfigError(f"{path}: [findings.{name}] names no known finding{hint}")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [findings.{name}] must be a table, got {type(table).__name__}")
        findings[name] = _checked(table, {k: SCHEMA[k] for k in FINDING_KEYS}, f"findings.{name}", path)
    return findings


def load_thresholds(path: str | Path | None = None, dataset_findings: set[str] | frozenset = frozenset()) -> Thresholds:
    """Read and check a thresholds file. ``dataset_findings`` adds the finding names the
    dataset uses to the built-in ones, so per-finding tables for them are accepted."""
    path = Path(path) if path else DEFAULT_THRESHOLDS
    try:
        document = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"thresholds file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"thresholds file {path} cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML ({error})") from None
    unknown = sorted(set(document) - {"thresholds", "findings", "gate", "verdict"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level keys {unknown}; known tables: [thresholds], [findings.<name>], [gate], [verdict]")
    values = dict(DEFAULTS) | _checked(_table(document, "thresholds", path), SCHEMA, "thresholds", path)
    findings = _findings(document, path, set(FINDINGS) | set(dataset_findings))
    gate = GateSettings.from_table(_checked(_table(document, "gate", path), GATE_SCHEMA, "gate", path), str(path))
    verdict = VERDICT_DEFAULTS | _checked(_table(document, "verdict", path), VERDICT_SCHEMA, "verdict", path)
    return Thresholds(values, findings, gate, verdict["alpha"], str(path), verdict["min_clusters"])
