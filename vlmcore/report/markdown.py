"""``report.md``: the verdict and why, readable in a CI step summary."""

from __future__ import annotations

import shlex

from vlmcore.data.rows import VariantRow
from vlmcore.report.run_report import RunReport
from vlmcore.report.verdict_section import cell, random_weights_label, verdict_lines


def metric_text(summary: dict, name: str) -> str:
    entry = summary[name]
    if entry["value"] is None:
        return "-"
    ci = entry["ci95"]
    shown = f"{entry['value']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")
    return shown + ("" if entry.get("reliable", True) else " (unreliable: few clusters)")


def explain_command(row: VariantRow, model_argument: str | None = None, dataset: str | None = None) -> str:
    """The command that opens one case in ``vlmcore explain`` (display only: never executed).
    Rows name the film by file name; ``--dataset`` lets explain find it."""
    command = f"vlmcore explain {shlex.quote(row.image)} {shlex.quote(row.question)} --model {shlex.quote(model_argument or row.model)}"
    return command + (f" --dataset {shlex.quote(dataset)}" if dataset else "")


EXAMPLES_PER_CHECK = 15


def _failed_sections(report: RunReport) -> list[str]:
    groups = report.failure_groups()
    lines = ["## Checks that did not hold", "", "Gating: counts toward the verdict. Diagnostic: shows where the model is brittle "
             "(pytest xfail); `--case-checks gate` makes these gating.", "",
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


def _scorecard_lines(report: RunReport) -> list[str]:
    from vlmcore.report.scorecard import scorecard
    from vlmcore.report.tables import Table

    lines = ["## Scorecard", ""]
    for model, card in scorecard(report.decision, report.summary, report.thresholds, report.failed_by_model()).items():
        lines += Table(f"{model}{random_weights_label(model)}", ("metric", "value [95% CI]", "requirement", "direction", "result"),
                       tuple((c.metric, c.value, c.requirement, c.direction, c.result) for c in card),
                       classes={(i, 4): "fail" for i, c in enumerate(card) if c.failed}).markdown()
    return lines


def render_markdown(report: RunReport) -> str:
    from vlmcore.report.comparison_section import comparison_tables

    lines = [f"# vlmcore report {report.run_id}", ""] + verdict_lines(report.decision) + _scorecard_lines(report)
    comparison = comparison_tables(report.rows)
    if comparison:
        lines += ["## Comparison", ""]
        for table in comparison:
            lines += table.markdown()
    lines += [f"Cases: {sum(c.outcome == 'passed' for c in report.cases)} passed, {len(report.failed())} failed (gating), "
              f"{len(report.diagnostics())} diagnostics did not hold, {sum(c.outcome == 'skipped' for c in report.cases)} skipped.", ""]
    lines += ["| model | groups | cases | consistency | flip rate | accuracy | JS div. (base 2) | inverted flip | image reliance | fallback maps | low yes/no mass |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for model, summary in report.summary.items():
        lines.append(f"| {cell(model)} | {summary['groups']} | {summary['cases']} | {metric_text(summary, 'consistency')} | "
                     f"{metric_text(summary, 'flip_rate')} | {metric_text(summary, 'accuracy')} | {metric_text(summary, 'js_divergence')} | "
                     f"{metric_text(summary, 'inverted_flip_rate')} | {metric_text(summary, 'image_reliance')} | {summary['fallback_maps']} | "
                     f"{summary.get('low_mass_share') or 0:.1%} |")
    for model, summary in report.summary.items():
        if summary.get("unverified_paraphrases"):
            lines.append(f"- {cell(model)}: {summary['unverified_paraphrases']} dataset paraphrases could not be verified as the same "
                         f"question (check_paraphrase); their {summary['unverified_flips']} flips are listed in the group cases, "
                         "not counted in consistency.")
    units = "; ".join(f"{m}: {s['clusters']} clusters by {s['cluster_unit']}" for m, s in report.summary.items())
    lines += ["", f"Intervals: 95%, clustered ({units}); marked unreliable below 10 clusters. JS: Jensen-Shannon divergence, "
              "log base 2. image reliance: share of answers unchanged with the film blanked (lower is better).", ""]
    if report.not_holding():
        lines += _failed_sections(report)
    if report.flips:
        lines += ["## Minimal flipping paraphrases (Hypothesis search)", ""]
        lines += [f"- {cell(f['model'])} / {cell(f['group_id'])}: \"{cell(f['question'])}\" -> \"{cell(f['paraphrase'])}\" ({', '.join(f['transforms'])})"
                  for f in report.flips if f["found"]]
        lines.append("")
    lines += ["## Thresholds", "", f"From {cell(report.thresholds['source'])}:", ""]
    lines += [f"- `{k}` = {v}" for k, v in report.thresholds["thresholds"].items()]
    lines += [f"- `findings.{f}.{k}` = {v}" for f, table in report.thresholds["findings"].items() for k, v in table.items()]
    lines += [f"- `verdict.alpha` = {report.thresholds['verdict']['alpha']}"]
    lines += [f"- gate (in force): `{k}` = {v}" for k, v in report.manifest.gate.to_json().items()]
    lines += ["", "## Environment", ""]
    lines += [f"- {k}: {cell(v)}" for k, v in report.environment.get("software", {}).items()]
    lines += [f"- model {cell(k)}: {cell(v)}" for k, v in report.environment.get("models", {}).items()]
    return "\n".join(lines) + "\n"
