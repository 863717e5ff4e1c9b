"""Report sections: those every writer shows, computed once per report, and those plugins add.

``compute_sections(report)`` builds the scorecards, the comparison tables and the failure
groups a single time; report.md and report.html format the same objects (they used to compute
the comparison each). A plugin adds sections of its own through the
``pytest_vlmcore_report_sections`` hook: each a ``Section`` of tables and paragraphs, rendered
by both writers after the built-in ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vlmcore.report.comparison_section import comparison_tables
from vlmcore.report.grounding_section import GroundingSection, grounding_section
from vlmcore.report.scorecard import ScoreLine, scorecard
from vlmcore.report.tables import Table

if TYPE_CHECKING:  # annotations only: run_report imports this module
    from vlmcore.report.run_report import FailureGroup, RunReport


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class ComputedSections:
    scorecards: dict[str, list[ScoreLine]]
    comparison: list[Table]
    failure_groups: list[FailureGroup]
    labels: dict[str, str] = field(default_factory=dict)  # model -> what it is (random weights, a hook's adapter), beside its name
    grounding: GroundingSection | None = None  # "Does the answer come from the film?" (None: no counterfactual trial)


def compute_sections(report: RunReport) -> ComputedSections:
    cards = scorecard(report.decision, report.summary, report.thresholds, report.failed_by_model())
    return ComputedSections(cards, comparison_tables(report.rows, report.reference), report.failure_groups(), model_labels(report),
                            grounding_section(report))


def model_labels(report: RunReport) -> dict[str, str]:
    from vlmcore.report.formatting import random_weights_label

    described = report.environment.models
    models = {m.model for m in report.decision.models} | set(report.summary)
    return {model: random_weights_label(model, described.get(model)) for model in models}
