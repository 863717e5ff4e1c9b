"""The kinds of spec every measured quantity is declared with (the instances live in ``rates``).

A ``RateSpec`` is a share of cases (or groups) that succeed; a ``MeasureSpec`` a mean of a
per-case value; a ``CheckSpec`` one first-run aggregate check of a rate over a scope; a
``CaseCheck`` a benchmark function that judges per group or per case. From these the
thresholds schema, the first-run checks, the gate's rates and margins, the model summary,
the scorecard, the comparison columns and the report's order are derived, so adding a rate is
one spec (plus, where it needs one, its row field), never a walk through parallel tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Callable

from vlmcore.data.rows import VariantRow


class Direction(str, Enum):
    HIGHER = "higher is better"
    LOWER = "lower is better"
    DESCRIPTIVE = "descriptive"  # map-shape measures: they show where a map looks, they have no good end

    def __str__(self) -> str:
        return self.value


class Scope(str, Enum):
    """The rows a check or a gate test of a rate is judged on: all of a model's, or one finding's,
    strategy's or probe family's (``RateSpec.probe_family`` says which family a row belongs to)."""

    MODEL = "model"
    FINDING = "finding"
    STRATEGY = "strategy"
    PROBE = "probe"

    def subjects(self, rows: list[VariantRow], rate: "RateSpec | None" = None) -> list[str]:
        """What this scope is judged per (the plugin parametrizes ``vlm_finding`` / ``vlm_strategy`` alike)."""
        if self is Scope.FINDING:
            return sorted({r.finding for r in rows})
        if self is Scope.STRATEGY:
            return sorted({r.strategy for r in rows if r.relation == "invariant"})
        if self is Scope.PROBE:
            family = _probe_family(rate)
            return sorted({f for r in rows if (f := family(r))})
        return [""]

    def subject_of(self, row: VariantRow, rate: "RateSpec | None" = None) -> str | None:
        """The one subject ``row`` belongs to in this scope (None: none, e.g. a base row per strategy)."""
        if self is Scope.FINDING:
            return row.finding
        if self is Scope.STRATEGY:
            return row.strategy if row.relation == "invariant" else None
        if self is Scope.PROBE:
            return _probe_family(rate)(row) or None
        return ""

    def selects(self, row: VariantRow, subject: str, rate: "RateSpec | None" = None) -> bool:
        if self is Scope.FINDING:
            return row.finding == subject
        if self is Scope.STRATEGY:
            return row.strategy == subject
        if self is Scope.PROBE:
            return _probe_family(rate)(row) == subject
        return True

    @property
    def fixture(self) -> str | None:
        """The subject fixture a benchmark case of this scope asks for (a probe-family check is one
        case per model: its families are known only once the probes ran)."""
        return {Scope.FINDING: "vlm_finding", Scope.STRATEGY: "vlm_strategy"}.get(self)


def _probe_family(rate: "RateSpec | None") -> Callable[[VariantRow], str | None]:
    if rate is None or rate.probe_family is None:
        raise ValueError("a probe-family scope needs the rate's probe_family (RateSpec.probe_family)")
    return rate.probe_family


class Level(IntEnum):
    """Where a check is judged; the report lists checks that did not hold in this order."""

    MODEL = 0
    GROUP = 1
    SUBGROUP = 2  # per finding / per strategy aggregates
    CASE = 3


class Unit(str, Enum):
    """What one trial of a rate is: a case (one question on one film) or a whole paraphrase group."""

    CASE = "case"
    GROUP = "group"  # success when every applicable case of the group succeeds


@dataclass(frozen=True)
class CheckSpec:
    """One first-run aggregate check of a rate over ``scope``.

    Its bar is the thresholds key ``bar_key`` (default: the rate's own key, overridable per
    finding); ``bar`` declares a key of the check's own with that default. A check that is not
    ``gating`` is reported (xfail with its numbers) but never decides the verdict.
    """

    scope: Scope = Scope.MODEL
    bar_key: str | None = None
    bar: float | None = None
    gating: bool = True

    def name(self, rate: str) -> str:
        return rate if self.scope is Scope.MODEL else f"{self.scope.value}_{rate}"


@dataclass(frozen=True)
class RateSpec:
    """A rate: the share of ``applies`` trials where ``success`` holds.

    ``bar``: the default threshold (``[thresholds] <name>``; None: no bar). ``margin``: the
    default gate margin (``[gate] <name>_margin``; None: the gate cannot take this rate).
    ``gated``: among the gate's default rates. ``checks``: its first-run checks.
    ``gate_scopes``: the gate tests it over each model's pairs (``MODEL``) and, when declared,
    over each finding's, strategy's or probe family's pairs too (a subgroup gate, in the same
    weighted Holm family as the model-level tests: ``verdict.regression``).
    ``probe_family``: for a rate measured by several kinds of probe (grounding: label swap,
    lesion occlusion, mirror), the family a row's probe belongs to (None: not a probe row);
    ``Scope.PROBE`` in ``gate_scopes`` or ``checks`` then tests the rate per family.
    ``case``: the benchmark function that judges it per group or case (with ``case_level``).
    ``new_flips``: the gate lists this rate's cases that went from success to failure.
    """

    name: str
    label: str
    meaning: str
    higher_is_better: bool
    applies: Callable[[VariantRow], bool]
    success: Callable[[VariantRow], bool]
    bar: float | None = None
    margin: float | None = 0.02
    gated: bool = False
    checks: tuple[CheckSpec, ...] = ()
    gate_scopes: tuple[Scope, ...] = (Scope.MODEL,)
    case: str | None = None
    case_level: Level = Level.GROUP
    unit: Unit = Unit.CASE
    summary: bool = True  # in the model summary (summary.json, report.md, terminal) with its interval
    new_flips: bool = False
    probe_family: Callable[[VariantRow], str | None] | None = None

    def __post_init__(self) -> None:
        probed = Scope.PROBE in self.gate_scopes or any(c.scope is Scope.PROBE for c in self.checks)
        if probed and self.probe_family is None:
            raise ValueError(f"rate {self.name!r}: a probe-family scope needs probe_family (which family a row's probe is)")
        if self.unit is Unit.GROUP and (self.margin is not None or self.checks):
            raise ValueError(f"rate {self.name!r}: a group-unit rate has no margin and no checks (the gate and the "
                             "first-run checks pair and count cases)")
        if self.gated and self.margin is None:
            raise ValueError(f"rate {self.name!r}: gated by default but has no margin")

    @property
    def direction(self) -> Direction:
        return Direction.HIGHER if self.higher_is_better else Direction.LOWER


@dataclass(frozen=True)
class MeasureSpec:
    """A mean of a per-case value (``value(row)``, None where not measured) over ``applies`` rows.

    ``bar`` with ``bar_range``: a diagnostic threshold the ``case`` function holds each group or
    case to (``[thresholds] <name>``). ``summary``: in the model summary with its interval;
    ``compare``: a column of the models-side-by-side table.
    """

    name: str
    label: str
    direction: Direction
    value: Callable[[VariantRow], float | None]
    applies: Callable[[VariantRow], bool]
    bar: float | None = None
    bar_range: tuple[float, float] = (0.0, 1.0)
    case: str | None = None
    case_level: Level = Level.CASE
    summary: bool = False
    compare: bool = True


@dataclass(frozen=True)
class CaseCheck:
    """A benchmark function that judges something other than a declared rate or measure
    (the flip search, a fallback map), with the settings it reads from ``[thresholds]``."""

    function: str
    level: Level
    settings: dict = field(default_factory=dict)  # key -> (schema, default)
