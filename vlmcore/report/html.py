"""``report.html``: one self-contained page (inline CSS, plots and overlays as data URIs, no
scripts, no network), so it opens from a CI artifact anywhere."""

from __future__ import annotations

import base64
import html

from vlmcore.report import plots
from vlmcore.report.markdown import _metric
from vlmcore.report.run_report import RunReport
from vlmcore.report.verdict_section import random_weights_label

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f3f3f3}.fail{color:#b03a2e;font-weight:bold}.pass{color:#1e8449;font-weight:bold}
img{max-width:100%;margin:4px 0}figure{display:inline-block;margin:6px}figcaption{font-size:12px}
"""


def _img(data: bytes | str, alt: str, mime: str = "image/png") -> str:
    encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
    return f'<img alt="{html.escape(alt)}" src="data:{mime};base64,{encoded}">'


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _model_section(report: RunReport, model: str, summary: dict) -> list[str]:
    rows = [r for r in report.rows if r.model == model]
    threshold = report.thresholds["thresholds"]["consistency"]
    parts = [f"<h2>{html.escape(model)}</h2>",
             _table(["metric", "value [95% CI]"], [[name, _metric(summary, name)] for name in
                    ("consistency", "flip_rate", "accuracy", "js_divergence", "inverted_flip_rate", "image_reliance")]
                    + [["answers with low yes/no mass (unreliable)", f"{summary.get('low_mass_share') or 0:.1%}"]]),
             "<h3>Consistency per group</h3>", _img(plots.consistency_per_group(rows, threshold), "consistency per group"),
             "<h3>Accuracy and consistency by finding and by strategy</h3>",
             _img(plots.rate_by(rows, lambda r: r.finding, "finding"), "by finding"),
             _img(plots.rate_by([r for r in rows if r.relation != "base"], lambda r: r.strategy, "strategy"), "by strategy"),
             "<h3>Attention JS divergence</h3>", _img(plots.js_histogram(rows), "JS histogram"),
             _img(plots.js_vs_flip(rows), "JS vs flip"), "<h3>Margin vs flip</h3>", _img(plots.margin_vs_flip(rows), "margin vs flip")]
    flipped = [r for r in rows if r.relation == "invariant" and not r.consistent]
    parts.append(f"<h3>Flipped pairs ({len(flipped)}): base / variant / difference</h3>")
    for row in flipped:
        overlay = report.overlays.get(f"{model}/{row.case_id}")
        caption = (f"{row.group_id}: “{row.question}” answered {row.answer} vs base {row.base_answer}; "
                   f"JS {row.metrics['js_to_base']:.3f}; map {row.map_method}")
        parts.append(f"<figure>{_img(overlay, row.case_id, 'image/jpeg') if overlay else '<em>no overlay</em>'}"
                     f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return parts


def _verdict_section(report: RunReport) -> list[str]:
    decision = report.decision
    parts = [f"<p>Verdict: <span class='{'pass' if decision.status == 'PASS' else 'fail'}'>{html.escape(decision.status)}</span> "
             f"(exit code {decision.exit_code})</p>", f"<p>Rule: {html.escape(decision.rule)}.</p>", "<ul>"]
    for model in decision.models:
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in model.reasons)
        label = html.escape(random_weights_label(model.model))
        parts.append(f"<li><b>{html.escape(model.model)}: {html.escape(model.status)}</b>{label}<ul>{reasons}</ul></li>")
    parts.append("</ul>")
    parts += [f"<p><em>{html.escape(note)}</em></p>" for note in decision.notes]
    checks = [c for c in decision.checks if c.passed is not None]
    if checks:
        parts += ["<h2>First-run checks</h2>", _table(
            ["model", "check", "scope", "value", "95% CI", "decision bound", "required", "result"],
            [[c.model, c.check, c.scope, f"{c.value:.3f}", f"[{c.interval.low:.3f}, {c.interval.high:.3f}]"
              + ("" if c.interval.reliable else " unreliable"), f"{c.bound:.3f} (one-sided {100 * (1 - c.alpha):.2f}%)",
              f"{'>=' if c.higher_is_better else '<='} {c.threshold}", "pass" if c.passed else "FAIL"] for c in checks])]
    if decision.gate:
        parts += ["<h2>Gate against the baseline</h2>", _table(
            ["model", "rate", "baseline", "this run", "worse by", "margin", "p (sign-flip)", "Holm alpha", "clusters changed", "result"],
            [[g.model, g.rate, f"{g.baseline_value:.3f}", f"{g.candidate_value:.3f}", f"{g.drop:+.3f}", g.margin, f"{g.p_value:.3g}",
              f"{g.holm_alpha:.4g}", f"{g.changed_clusters} of {g.clusters}", "REGRESSION" if g.regressed else "ok"]
             for g in decision.gate])]
    if decision.new_flips:
        parts += [f"<h2>New flips ({len(decision.new_flips)})</h2>", _table(
            ["model", "group", "base question", "answer", "paraphrase", "answer", "strategy"],
            [[f["model"], f["group_id"], f["base_question"], f["base_answer"], f["paraphrase"], f["answer"], f["strategy"]]
             for f in decision.new_flips])]
    return parts


def render_html(report: RunReport) -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>vlmcore {html.escape(report.run_id)}</title>",
             f"<style>{_STYLE}</style></head><body>", f"<h1>vlmcore report {html.escape(report.run_id)}</h1>"]
    parts += _verdict_section(report)
    parts.append(f"<p>Cases: {sum(c.outcome == 'passed' for c in report.cases)} passed, {len(report.failed())} failed (gating), "
                 f"{len(report.diagnostics())} diagnostics did not hold.</p>")
    for model, summary in report.summary.items():
        parts += _model_section(report, model, summary)
    failed = sorted(report.not_holding(), key=lambda c: (c.outcome != "failed", c.model, c.check, c.subject))
    parts += [f"<h2>Checks that did not hold ({len(failed)}; gating first; the first 500 shown, all in summary.json)</h2>",
              _table(["check", "model", "subject", "kind", "why"],
                     [[c.check, c.model, c.subject, "gating" if c.outcome == "failed" else "diagnostic", c.message[:200]]
                      for c in failed[:500]])]
    parts += ["<h2>Thresholds</h2>", _table(["key", "value"], [[k, v] for k, v in report.thresholds["thresholds"].items()] +
              [[f"findings.{f}.{k}", v] for f, t in report.thresholds["findings"].items() for k, v in t.items()])]
    env = report.environment
    parts += ["<h2>Environment</h2>", _table(["item", "value"], [[k, v] for k, v in env.get("software", {}).items()] +
              [[f"model {k}", v] for k, v in env.get("models", {}).items()])]
    parts.append("</body></html>")
    return "\n".join(parts)
