"""``report.md``: the verdict and why, readable in a CI step summary."""

from __future__ import annotations

from vlmcore.report.run_report import RunReport


def _metric(summary: dict, name: str) -> str:
    entry = summary[name]
    if entry["value"] is None:
        return "-"
    ci = entry["ci95"]
    return f"{entry['value']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def render_markdown(report: RunReport) -> str:
    lines = [f"# vlmcore report {report.run_id}", "", f"**Verdict: {report.verdict()}** — "
             f"{sum(c.outcome == 'passed' for c in report.cases)} passed, {len(report.failed())} failed, "
             f"{sum(c.outcome == 'skipped' for c in report.cases)} skipped.", ""]
    lines += ["| model | groups | cases | consistency | flip rate | accuracy | JS div. (base 2) | inverted flip | image reliance | fallback maps |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for model, summary in report.summary.items():
        lines.append(f"| {model} | {summary['groups']} | {summary['cases']} | {_metric(summary, 'consistency')} | "
                     f"{_metric(summary, 'flip_rate')} | {_metric(summary, 'accuracy')} | {_metric(summary, 'js_divergence')} | "
                     f"{_metric(summary, 'inverted_flip_rate')} | {_metric(summary, 'image_reliance')} | {summary['fallback_maps']} |")
    lines += ["", "Intervals: 95% bootstrap, clustered by patient. JS: Jensen-Shannon divergence, log base 2.", ""]
    if report.gate:
        lines += ["## Gate against baseline", ""] + [f"- {g.sentence}" for g in report.gate]
        for g in report.gate:
            if not g.passed:
                lines.append(f"  - worse cases ({g.model}, {g.check}): " + ", ".join(g.worse[:40]))
        lines.append("")
    failed = report.failed()
    if failed:
        lines += ["## Failed cases", "", "| check | model | subject | why |", "| --- | --- | --- | --- |"]
        for case in sorted(failed, key=lambda c: (c.model, c.check, c.subject))[:200]:
            lines.append(f"| {case.check} | {case.model} | {case.subject} | {case.message.replace('|', '/')[:160]} |")
        if len(failed) > 200:
            lines.append(f"| ... | | | {len(failed) - 200} more in summary.json |")
        lines.append("")
    if report.flips:
        lines += ["## Minimal flipping paraphrases (Hypothesis search)", ""]
        lines += [f"- {f['model']} / {f['group_id']}: \"{f['question']}\" -> \"{f['paraphrase']}\" ({', '.join(f['transforms'])})"
                  for f in report.flips if f["found"]]
        lines.append("")
    lines += ["## Thresholds", "", f"From `{report.thresholds['source']}`:", ""]
    lines += [f"- `{k}` = {v}" for k, v in report.thresholds["thresholds"].items()]
    lines += [f"- `findings.{f}.{k}` = {v}" for f, table in report.thresholds["findings"].items() for k, v in table.items()]
    lines += ["", "## Environment", ""]
    lines += [f"- {k}: {v}" for k, v in report.environment.get("software", {}).items()]
    lines += [f"- model {k}: {v}" for k, v in report.environment.get("models", {}).items()]
    return "\n".join(lines) + "\n"
