"""``report.md``: the verdict and why, readable in a CI step summary.

One table per concept, each number once: the verdict's checks (value, interval, bound, bar,
result) and the gate come from ``verdict_lines``; every other rate and measure is in the one
"Measures" table (a column per model); subgroups and paired tests follow. The per-model
scorecard and the measures side by side, which restate those numbers, are report.html's.
"""

from __future__ import annotations

from vlmcore.data.text import visible
from vlmcore.metrics.rates import MEASURES, RATES, check_named
from vlmcore.metrics.specs import Scope
from vlmcore.report.comparison_section import SIDE_BY_SIDE
from vlmcore.report.formatting import cell
from vlmcore.report.run_report import RunReport
from vlmcore.report.sections import ComputedSections, Section, compute_sections
from vlmcore.report.tables import Table
from vlmcore.report.verdict_section import verdict_lines

EXAMPLES_PER_CHECK = 15
NEW_FLIPS_LISTED = 20  # new flips listed (all in new_flips.jsonl beside the report)
FLIPS_LISTED = 60  # flip-search findings listed (all in summary.json)


def _failed_sections(sections: ComputedSections) -> list[str]:
    groups = sections.failure_groups
    lines = ["## Checks that did not hold", "", "Gating: counts toward the verdict. Diagnostic: shows where the model is brittle "
             "(pytest xfail); `--vlm-case-checks gate` makes these gating.", "",
             "| check | model | did not hold | kind |", "| --- | --- | --- | --- |"]
    for group in groups:
        lines.append(f"| {group.check} | {cell(group.model)} | {len(group.cases)} of {group.total} | "
                     f"{'gating' if group.gating else 'diagnostic'} |")
    lines += ["", f"## Examples (up to {EXAMPLES_PER_CHECK} per check and model; all in summary.json)", "",
              "| check | model | subject | why |", "| --- | --- | --- | --- |"]
    for group in groups:
        for case in group.cases[:EXAMPLES_PER_CHECK]:
            lines.append(f"| {case.check} | {cell(case.model)} | {cell(case.subject)} | {cell(case.message[:200])} |")
    return lines + [""]


def _judged_checks(report: RunReport) -> set[str]:
    """Checks the verdict judged for every model of the run (their values are in the checks table)."""
    models = set(report.summary)
    judged_for = {}
    for check in report.decision.checks:
        if check.passed is not None and check.population == "all cases":
            judged_for.setdefault(check.check, set()).add(check.model)
    return {name for name, judged in judged_for.items() if judged >= models}


def _judged_rates(report: RunReport) -> set[str]:
    """Rates whose model-level check the verdict judged for every model."""
    return {check_named(name)[0].name for name in _judged_checks(report) if check_named(name)[1].scope is Scope.MODEL}


def measures_table(report: RunReport, sections: ComputedSections) -> Table:
    """Every rate and measure (a row each, a column per model) with its clustered interval and
    the counts behind it: the models side by side where the run compared several (those rows),
    then the summary's entries they lack (``summary=True`` specs) and the run's counts."""
    models = list(report.summary)
    side = next((t for t in sections.comparison if t.title == SIDE_BY_SIDE), None)
    judged = {RATES[name].label for name in _judged_rates(report)}  # their values are in the checks table
    rows = [row for row in side.rows if row[0] not in judged] if side is not None and list(side.headers[2:]) == models else []
    shown = {row[0] for row in rows} | judged
    names = [n for n, spec in RATES.items() if spec.summary] + [n for n, spec in MEASURES.items() if spec.summary]
    for name in names:
        spec = RATES.get(name) or MEASURES[name]
        if spec.label not in shown:
            rows.append((spec.label, str(spec.direction), *[s.estimate(name).shown() if name in s.estimates else "-"
                                                             for s in report.summary.values()]))
    summaries = list(report.summary.values())
    rows += [("groups", "", *[s.groups for s in summaries]), ("cases", "", *[s.cases for s in summaries]),
             ("clusters", "more is better", *[f"{s.clusters} by {s.cluster_unit}" for s in summaries]),
             ("fallback maps", "lower is better", *[s.fallback_maps for s in summaries]),
             ("low yes/no mass", "lower is better", *[f"{s.low_mass_share or 0:.1%}" for s in summaries])]
    return Table("Measures", ("measure", "direction", *models), tuple(rows),
                 "95% intervals clustered by patient (film without patient ids). Rates a check judged ("
                 + "; ".join(f"{RATES[name].label}: {name}" for name in sorted(_judged_rates(report)))
                 + ") are in the checks table above, not repeated here.")


def section_lines(section: Section) -> list[str]:
    lines = [f"## {cell(section.title)}", ""] + [line for text in section.paragraphs for line in (cell(text), "")]
    return lines + [line for table in section.tables for line in table.markdown()]


def render_markdown(report: RunReport, sections: ComputedSections | None = None) -> str:
    sections = sections or compute_sections(report)
    lines = [f"# vlmcore report {report.run_id}", ""] + verdict_lines(report.decision, sections.labels, NEW_FLIPS_LISTED)
    lines += [report.counts_line(), ""] + measures_table(report, sections).markdown("##")
    judged = _judged_checks(report)
    comparison = [table for table in sections.comparison  # side by side: in Measures; a judged check's subgroups: in the checks
                  if table.title != SIDE_BY_SIDE and table.restates not in judged]
    if comparison:
        lines += ["## Comparison", ""]
        for table in comparison:
            lines += table.markdown()
    if sections.grounding is not None:
        lines += ["## Does the answer come from the film?", ""] + [line for text in sections.grounding.paragraphs for line in (cell(text), "")]
        lines += [line for table in sections.grounding.tables for line in table.markdown()]
    for model, summary in report.summary.items():
        if summary.unverified_paraphrases:
            lines.append(f"- {cell(model)}: {summary.unverified_paraphrases} dataset paraphrases could not be verified as the same "
                         f"question (check_paraphrase); their {summary.unverified_flips} flips are listed in the group cases, "
                         "not counted in consistency.")
        if summary.extras:
            lines.append(f"- {cell(model)}: " + "; ".join(f"{cell(k)} = {cell(v)}" for k, v in summary.extras.items()))
    units = "; ".join(f"{m}: {s.clusters} clusters by {s.cluster_unit}" for m, s in report.summary.items())
    lines += ["", f"Intervals: 95%, clustered ({units}); marked unreliable below 10 clusters. JS: Jensen-Shannon divergence, "
              "log base 2. image reliance: share of answers unchanged with the film blanked (the model's prior: a diagnostic, "
              "never gating).", ""]
    if report.not_holding():
        lines += _failed_sections(sections)
    found = [f for f in report.flips if f.found]
    if report.flips:
        lines += ["## Minimal flipping paraphrases (Hypothesis search)", ""]
        lines += [f"- {cell(f.model)} / {cell(f.group_id)}: \"{cell(f.question)}\" -> \"{cell(f.paraphrase)}\" ({', '.join(f.transforms)})"
                  for f in found[:FLIPS_LISTED]]
        if len(found) > FLIPS_LISTED:
            lines.append(f"- ... {len(found) - FLIPS_LISTED} more of {len(found)} in summary.json (flip_search)")
        lines.append("")
    for section in report.sections:
        lines += section_lines(section)
    thresholds = report.thresholds
    lines += ["## Thresholds", "", f"From {cell(thresholds.source)}:", ""]
    lines += [f"- `{k}` = {v}" for k, v in thresholds.values.items()]
    lines += [f"- `findings.{f}.{k}` = {v}" for f, table in thresholds.findings.items() for k, v in table.items()]
    lines += [f"- `verdict.alpha` = {thresholds.verdict_alpha}"]
    lines += [f"- gate (in force): `{k}` = {v}" for k, v in report.manifest.gate.to_json().items()]
    lines += ["", "## Environment", ""]
    lines += [f"- {k}: {cell(v)}" for k, v in report.environment.software.items()]
    lines += [f"- model {cell(k)}: {cell(v)}" for k, v in report.environment.models.items()]
    return visible("\n".join(lines) + "\n")  # invisible and bidirectional characters shown as <U+XXXX NAME>
