"""Thresholds from a TOML file: one typed schema, checked when the run starts.

Every key has a type and a range; a value outside it (NaN, a string where a number or a
boolean belongs, a negative budget, a misspelled finding table) is a ``ConfigError`` naming
the file, the key and what is allowed, so nothing silently weakens a check. Every value a
case or the verdict uses is looked up here and written into the report.

Tables:
- ``[thresholds]``: the bar each rate must clear (per-group diagnostic cases and the
  first-run model / finding / strategy aggregates use the same keys);
- ``[findings.<name>]``: per-finding overrides of those keys;
- ``[verdict]``: ``alpha``, the familywise false-alarm rate of the first-run checks,
  ``min_clusters``, the fewest patients (films) a model must be evaluated on for a PASS, and
  ``low_power_clusters``, below which a first run's verdict carries a low-power warning;
- ``[gate]``: the regression gate's settings (``vlmcore.verdict.gate_settings``), stored
  with a baseline when it is saved; ``[gate.findings.<name>]``: a finding's own margins
  (``accuracy_margin = 0.01`` for a critical finding); ``[gate.strategies.<name>]``,
  ``[gate.probes.<name>]``: a paraphrase strategy's, a probe family's;
- ``[answers]``: how answers are obtained and when they are too unreadable to judge
  (``vlmcore.answers.settings``: mode, reasoning, token budgets, the low-mass and no-answer bounds);
  ``--vlm-answer-mode`` / ``--vlm-reasoning`` override mode and reasoning.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from vlmcore import bundled
from vlmcore.answers.settings import ANSWER_SCHEMA, AnswerSettings
from vlmcore.data.findings import FINDINGS
from vlmcore.data.strategies import SOURCE_LABELS, STRATEGIES
from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import CASE_CHECKS, GROUNDING_PROBES, MEASURES, RATES
from vlmcore.verdict.gate_settings import RETIRED, GateSettings, check_value, finding_margin_schema, gate_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_THRESHOLDS = bundled.default_thresholds()

UNIT = ("float", 0.0, 1.0)
#: settings that are not a rate's bar: the answer-mass floor below which a yes/no answer is flagged unreliable
RUN_SETTINGS = {"min_answer_mass": (UNIT, 0.5)}
VERDICT_SCHEMA = {"alpha": ("float_open", 0.0, 0.5), "min_clusters": ("int", 2, 1_000_000),
                  "low_power_clusters": ("int", 2, 1_000_000)}
VERDICT_DEFAULTS = {"alpha": 0.05, "min_clusters": 10, "low_power_clusters": 30}


def declared_keys() -> dict[str, tuple[tuple, object]]:
    """``[thresholds]`` key -> (schema, default), from the declared rates, their checks, the
    measures with a diagnostic bar and the case checks' settings (``vlmcore.metrics.rates``).
    Schema: (type, low, high); floats are finite and inside [low, high]."""
    keys: dict[str, tuple[tuple, object]] = {}
    for rate in RATES.values():
        if rate.bar is not None:
            keys[rate.name] = (UNIT, rate.bar)
        keys.update({check.bar_key: (UNIT, check.bar) for check in rate.checks if check.bar is not None})
    keys.update({m.name: (("float", *m.bar_range), m.bar) for m in MEASURES.values() if m.bar is not None})
    for check in CASE_CHECKS:
        keys.update(check.settings)
    return keys | RUN_SETTINGS


def schema() -> dict[str, tuple]:
    return {key: spec for key, (spec, _) in declared_keys().items()}


def defaults() -> dict:
    return {key: default for key, (_, default) in declared_keys().items()}


def finding_keys() -> tuple[str, ...]:
    """Keys a ``[findings.<name>]`` table may override: every bar (the float ones)."""
    return tuple(k for k, spec in schema().items() if spec[0] == "float")


@dataclass(frozen=True)
class Thresholds:
    values: dict = field(default_factory=defaults)
    findings: dict = field(default_factory=dict)
    gate: GateSettings = field(default_factory=GateSettings)
    verdict_alpha: float = VERDICT_DEFAULTS["alpha"]
    source: str = "built-in defaults"
    min_clusters: int = VERDICT_DEFAULTS["min_clusters"]
    low_power_clusters: int = VERDICT_DEFAULTS["low_power_clusters"]
    answers: AnswerSettings = field(default_factory=AnswerSettings)

    def get(self, key: str, finding: str | None = None):
        if finding is not None and key in self.findings.get(finding, {}):
            return self.findings[finding][key]
        return self.values[key]

    @staticmethod
    def from_description(data: dict) -> "Thresholds":
        """Thresholds as ``describe`` wrote them (a report's summary.json)."""
        verdict = VERDICT_DEFAULTS | data["verdict"]
        answers = AnswerSettings(**data["answers"]) if "answers" in data else AnswerSettings()  # summaries before answer modes
        return Thresholds(defaults() | dict(data["thresholds"]), dict(data["findings"]),
                          GateSettings.from_json(data["gate"], data["source"]), verdict["alpha"], data["source"],
                          verdict["min_clusters"], verdict["low_power_clusters"], answers)

    def describe(self) -> dict:
        return {"source": self.source, "thresholds": self.values, "findings": self.findings, "gate": self.gate.to_json(),
                "verdict": {"alpha": self.verdict_alpha, "min_clusters": self.min_clusters,
                            "low_power_clusters": self.low_power_clusters}, "answers": self.answers.to_json()}


def _table(document: dict, name: str, path: Path) -> dict:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: [{name}] must be a table, got {type(value).__name__} {value!r}")
    return value


def _checked(table: dict, schema: dict, where: str, path: Path) -> dict:
    unknown = sorted(set(table) - set(schema))
    retired = [key for key in unknown if key.removesuffix("_margin") in RETIRED]
    if retired:
        raise ConfigError(f"{path}: [{where}] {retired[0]}: {retired[0].removesuffix('_margin')} is retired ("
                          f"{RETIRED[retired[0].removesuffix('_margin')]}); remove the key")
    if unknown:
        hints = [f"{k!r} (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(k, schema, 1)) else repr(k)
                 for k in unknown]
        raise ConfigError(f"{path}: unknown key {', '.join(hints)} in [{where}]; known: {sorted(schema)}")
    return {key: check_value(value, schema[key], f"{path}: [{where}] {key}") for key, value in table.items()}


def _named_tables(tables: dict, allowed: set[str], where: str, what: str, keys: dict, path: Path) -> dict:
    """``[<where>.<name>]`` tables, each named by a known ``what`` (a close match suggested) and
    holding only ``keys``."""
    checked = {}
    for name, table in tables.items():
        if name not in allowed:
            close = difflib.get_close_matches(name, sorted(allowed), 1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {sorted(allowed)}"
            raise ConfigError(f"{path}: [{where}.{name}] names no known {what}{hint}")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{where}.{name}] must be a table, got {type(table).__name__}")
        checked[name] = _checked(table, keys, f"{where}.{name}", path)
    return checked


def _findings(document: dict, path: Path, known: set[str]) -> dict:
    return _named_tables(_table(document, "findings", path), known, "findings", "finding",
                         {k: schema()[k] for k in finding_keys()}, path)


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
    unknown = sorted(set(document) - {"thresholds", "findings", "gate", "verdict", "answers"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level keys {unknown}; known tables: [thresholds], [findings.<name>], [gate], [verdict], "
                          "[answers]")
    values = defaults() | _checked(_table(document, "thresholds", path), schema(), "thresholds", path)
    findings = _findings(document, path, set(FINDINGS) | set(dataset_findings))
    gate = _gate(document, path, set(FINDINGS) | set(dataset_findings))
    verdict = VERDICT_DEFAULTS | _checked(_table(document, "verdict", path), VERDICT_SCHEMA, "verdict", path)
    answers = AnswerSettings(**_checked(_table(document, "answers", path), answer_schema(), "answers", path))
    return Thresholds(values, findings, gate, verdict["alpha"], str(path), verdict["min_clusters"], verdict["low_power_clusters"],
                      answers)


def answer_schema() -> dict[str, tuple]:
    return {key: spec for key, (spec, _) in ANSWER_SCHEMA.items()}


def _gate(document: dict, path: Path, known: set[str]) -> GateSettings:
    """``[gate]`` and its subgroup tables: ``[gate.findings.<name>]`` (a finding's own margins),
    ``[gate.strategies.<name>]`` and ``[gate.probes.<name>]`` (a paraphrase strategy's or a
    probe family's, e.g. calibrated from seed replicas by ``vlmcore margins``)."""
    table = dict(_table(document, "gate", path))
    names = {"findings": ("finding", known), "strategies": ("strategy", set(STRATEGIES) | set(SOURCE_LABELS)),
             "probes": ("probe family", set(GROUNDING_PROBES))}
    own = {}
    for key, (what, allowed) in names.items():
        subgroups = table.pop(key, {})
        example = {"findings": "pneumothorax", "strategies": "register", "probes": "label_swap"}[key]
        if not isinstance(subgroups, dict):
            raise ConfigError(f"{path}: [gate.{key}] must hold tables, one per {what}, e.g. [gate.{key}.{example}]")
        own[key] = _named_tables(subgroups, allowed, f"gate.{key}", what, finding_margin_schema(), path)
    return GateSettings.from_table(_checked(table, gate_schema(), "gate", path), str(path), own["findings"], own["strategies"],
                                   own["probes"])
