"""``report.md``: the verdict and why, readable in a CI step summary."""

from __future__ import annotations

from vlmcore.data.text import visible
from vlmcore.metrics.rates import MEASURES, RATES
from vlmcore.report.formatting import cell, random_weights_label
from vlmcore.report.run_report import RunReport
from vlmcore.report.sections import ComputedSections, Section, compute_sections
from vlmcore.report.tables import Table
from vlmcore.report.verdict_section import verdict_lines

EXAMPLES_PER_CHECK = 15


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


def _scorecard_lines(sections: ComputedSections) -> list[str]:
    lines = ["## Scorecard", ""]
    for model, card in sections.scorecards.items():
        lines += Table(f"{model}{sections.labels.get(model, random_weights_label(model))}", ("metric", "value [95% CI]", "requirement", "direction", "result"),
                       tuple((c.metric, c.value, c.requirement, c.direction, c.result) for c in card),
                       classes={(i, 4): "fail" for i, c in enumerate(card) if c.failed}).markdown()
    return lines


def summary_table(report: RunReport) -> Table:
    """One row per model: its counts and every summary rate / measure (``summary=True`` specs)."""
    names = [n for n, s in RATES.items() if s.summary] + [n for n, s in MEASURES.items() if s.summary]
    labels = [RATES[n].label if n in RATES else MEASURES[n].label for n in names]
    return Table("", ("model", "groups", "cases", *labels, "fallback maps", "low yes/no mass"),
                 tuple((model, s.groups, s.cases, *[s.estimate(n).shown() for n in names], s.fallback_maps,
                        f"{s.low_mass_share or 0:.1%}") for model, s in report.summary.items()))


def section_lines(section: Section) -> list[str]:
    lines = [f"## {cell(section.title)}", ""] + [line for text in section.paragraphs for line in (cell(text), "")]
    return lines + [line for table in section.tables for line in table.markdown()]


def render_markdown(report: RunReport, sections: ComputedSections | None = None) -> str:
    sections = sections or compute_sections(report)
    lines = [f"# vlmcore report {report.run_id}", ""] + verdict_lines(report.decision, sections.labels) + _scorecard_lines(sections)
    if sections.comparison:
        lines += ["## Comparison", ""]
        for table in sections.comparison:
            lines += table.markdown()
    if sections.grounding is not None:
        lines += ["## Does the answer come from the film?", ""] + [line for text in sections.grounding.paragraphs for line in (cell(text), "")]
        lines += [line for table in sections.grounding.tables for line in table.markdown()]
    lines += [report.counts_line(), ""] + summary_table(report).markdown()
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
                  for f in found]
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
