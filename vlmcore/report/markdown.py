"""``report.md``: the verdict and why, readable in a CI step summary."""

from __future__ import annotations

from vlmcore.report.run_report import RunReport


def _metric(summary: dict, name: str) -> str:
    entry = summary[name]
    if entry["value"] is None:
        return "-"
    ci = entry["ci95"]
    return f"{entry['value']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


#: checks judged per group or per model come before the per-case map checks
CHECK_ORDER = ("test_image_reliance", "test_group_consistency", "test_group_accuracy", "test_inverted_answer_flips",
               "test_no_flipping_paraphrase", "test_group_attention_js", "test_finding_consistency", "test_strategy_consistency",
               "test_map_is_measured", "test_attention_inside_body", "test_attention_off_border")
EXAMPLES_PER_CHECK = 15


def _check_rank(check: str) -> int:
    return CHECK_ORDER.index(check) if check in CHECK_ORDER else len(CHECK_ORDER)


def _failed_sections(report: RunReport) -> list[str]:
    from collections import Counter, defaultdict

    totals = Counter((c.check, c.model) for c in report.cases if c.outcome in ("passed", "failed"))
    failures: dict[tuple[str, str], list] = defaultdict(list)
    for case in report.failed():
        failures[(case.check, case.model)].append(case)
    ordered = sorted(failures, key=lambda key: (_check_rank(key[0]), key[0], key[1]))
    lines = ["## Failed checks", "", "| check | model | failed |", "| --- | --- | --- |"]
    lines += [f"| {check} | {model} | {len(failures[(check, model)])} of {totals[(check, model)]} |" for check, model in ordered]
    lines += ["", f"## Failed cases (up to {EXAMPLES_PER_CHECK} per check and model; all in summary.json)", "",
              "| check | model | subject | why |", "| --- | --- | --- | --- |"]
    for key in ordered:
        for case in sorted(failures[key], key=lambda c: c.subject)[:EXAMPLES_PER_CHECK]:
            lines.append(f"| {case.check} | {case.model} | {case.subject} | {case.message.replace('|', '/')[:160]} |")
    return lines + [""]


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
        lines += _failed_sections(report)
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
