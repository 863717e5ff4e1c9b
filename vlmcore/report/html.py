"""``report.html``: one self-contained page (inline CSS, plots and overlays as data URIs, no
scripts, no network), so it opens from a CI artifact anywhere.

It reads top-down as a decision document. The first screen (1400 x 900) holds the verdict, the
rule that decided it and each model's decisive reasons, beside a chart of every gating rate
against its bar with its interval, the baseline beside the candidate when gated (``chart``).
Then a scorecard per model (each number beside its bar, direction and result); the gate; the models
side by side; every check that did not hold, grouped and expandable (``<details>``, no script),
nothing cut; then per-model detail (flipped pairs with overlays, a few of them embedded, the
rest on disk beside the page and named), the flip search, thresholds and environment.
"""

from __future__ import annotations

import base64
import html

from vlmcore.data.text import visible
from vlmcore.report import plots
from vlmcore.report.chart import gate_chart_svg
from vlmcore.report.formatting import explain_command, random_weights_label
from vlmcore.report.run_report import RunReport
from vlmcore.report.sections import ComputedSections, Section, compute_sections
from vlmcore.report.tables import Table
from vlmcore.report.verdict_section import gate_table, new_flips_table

#: overlays embedded per model (the most confident flips); every overlay is also written to
#: ``overlays/`` beside the page. With the row caps below, keeps the demo page under its 1 MB budget.
OVERLAYS_PER_MODEL = 2
#: base-question maps embedded per model (shown whether or not anything flipped)
BASE_MAPS_PER_MODEL = 1
#: rows listed per failure group and per flipped-pairs table; a longer list says how many it
#: hides and where all of them are (summary.json, results.jsonl)
ROWS_PER_GROUP = 20
FLIPS_LISTED = 60  # flip-search findings listed (all in summary.json)
NEW_FLIPS_LISTED = 20  # new flips listed (all in new_flips.jsonl beside the page)

_STYLE = """
body{font-family:system-ui,sans-serif;margin:16px 24px;color:#222;max-width:1360px}
h1{font-size:18px;margin:0 0 6px}h1 code{font-size:15px}
.top{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:flex-start}.top-verdict{flex:1 1 440px;min-width:380px}
.top-chart{flex:0 0 auto}.verdict-line{font-size:22px;margin:2px 0 4px}.reasons{margin:4px 0;padding-left:18px;font-size:13px}
.reasons li{margin:2px 0}.reasons ul{padding-left:16px}.rule summary{font-size:13px;color:#444}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}
th{background:#f3f3f3;text-align:left}.fail{color:#b03a2e;font-weight:bold}.pass{color:#1e8449;font-weight:bold}.unjudged{color:#9a6700;font-weight:bold}
.diagnostic{color:#666}.note{font-size:13px;color:#444}img{max-width:100%;margin:4px 0}
figure{display:inline-block;margin:6px;vertical-align:top}figcaption{font-size:12px;max-width:672px}
details{margin:4px 0}summary{cursor:pointer}code{font-size:12px;background:#f6f6f6}
"""


def image_tag(data: bytes | str, alt: str, mime: str = "image/png") -> str:
    """An inline ``<img>`` (data URI): pages stay one self-contained file."""
    encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
    return f'<img alt="{html.escape(alt)}" src="data:{mime};base64,{encoded}">'


def _status_class(status: str) -> str:
    """Green only for what was judged and passed; amber for what could not be judged (too few
    patients, a drop the gate cannot tell from chance), never green."""
    status = str(status)
    if status in ("PASS", "pass", "ok"):
        return "pass"
    if status in ("not judged", "CANNOT TELL", "NOT EVALUATED", "too few"):
        return "unjudged"
    return "diagnostic" if status == "diagnostic" else "fail"


#: reasons shown per model at the top; the rest one click away (``<details>``), all in the scorecard
REASONS_SHOWN = 2


def _rule_heading(rule: str) -> str:
    """The rule's name ("first run", "gate against baseline 'release'"): its first clause."""
    return rule.split(":", 1)[0]


def _verdict(report: RunReport, labels: dict[str, str]) -> list[str]:
    """The verdict, its rule (named; the full text one click away) and each model's decisive
    reasons: the top-left of the page, beside the chart."""
    decision = report.decision
    parts = [f"<p class='verdict-line'>Verdict: <span id='verdict' class='{_status_class(decision.status)}'>"
             f"{html.escape(str(decision.status))}</span> (exit code {decision.exit_code})</p>",
             f"<details class='rule'><summary>Rule: {html.escape(_rule_heading(decision.rule))}</summary>"
             f"<p class='note'>{html.escape(decision.rule)}.</p></details>", "<ul class='reasons'>"]
    for model in decision.models:
        shown, rest = model.reasons[:REASONS_SHOWN], model.reasons[REASONS_SHOWN:]
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in shown)
        more = (f"<li><details><summary>{len(rest)} more reason(s)</summary><ul>"
                + "".join(f"<li>{html.escape(r)}</li>" for r in rest) + "</ul></details></li>") if rest else ""
        parts.append(f"<li class='model-verdict' data-model='{html.escape(model.model)}'><b>{html.escape(model.model)}: "
                     f"<span class='{_status_class(model.status)}'>{html.escape(str(model.status))}</span></b>"
                     f"<span class='note'>{html.escape(labels.get(model.model, random_weights_label(model.model)))}</span>"
                     f"<ul>{reasons}{more}</ul></li>")
    parts.append("</ul>")
    return parts


def _notes(report: RunReport) -> list[str]:
    return [f"<p class='note'><em>{html.escape(note)}</em></p>" for note in report.decision.notes]


def _top(report: RunReport, labels: dict[str, str]) -> list[str]:
    """What a reader must see without scrolling (1400 x 900): the verdict and its reasons on the
    left, the chart of every gating rate against its bar on the right (``chart``)."""
    svg = gate_chart_svg(report.decision, report.failed_by_model())
    chart = f"<div class='top-chart'>{svg}</div>" if svg else ""
    return (["<div class='top'><div class='top-verdict'>"] + _verdict(report, labels) + ["</div>", chart, "</div>"]
            + _notes(report))


def _scorecards(sections: ComputedSections) -> list[str]:
    parts = ["<h2>Scorecard</h2>"]
    for model, lines in sections.scorecards.items():
        table = Table(f"{model}{sections.labels.get(model, random_weights_label(model))}", ("metric", "value [95% CI]", "requirement", "direction", "result"),
                      tuple((line.metric, line.value, line.requirement, line.direction, line.result) for line in lines),
                      classes={(i, 4): _status_class(line.result) for i, line in enumerate(lines)})
        parts.append(f"<div class='scorecard' data-model='{html.escape(model)}'>{table.html()}</div>")
    return parts


def _gate(report: RunReport) -> list[str]:
    tables = (gate_table(report.decision), new_flips_table(report.decision, NEW_FLIPS_LISTED))
    return [table.html("h2") for table in tables if table is not None]


def _grounding(report: RunReport, sections: ComputedSections) -> list[str]:
    """"Does the answer come from the film?": the quadrant, the probes' arms, the misses, the blank film's
    prior, and one counterfactual film per probe arm of the first model that has them."""
    section = sections.grounding
    if section is None:
        return []
    parts = ["<h2 id='grounding'>Does the answer come from the film?</h2>"]
    parts += [f"<p class='note'>{html.escape(text)}</p>" for text in section.paragraphs]
    parts += [table.html() for table in section.tables]
    first = section.examples[0][0].split("/")[0] if section.examples else None
    shown = [(key, caption) for key, caption in section.examples if key.split("/")[0] == first]
    if shown:
        parts.append(f"<h3>Counterfactual films ({html.escape(first)}): original | counterfactual</h3>")
        parts += [f"<figure>{image_tag(report.overlays[key], key, 'image/jpeg')}<figcaption>{html.escape(caption)}</figcaption>"
                  "</figure>" for key, caption in shown]
    return parts


def _failures(sections: ComputedSections) -> list[str]:
    """Every check that did not hold, grouped by check and model; each group a ``<details>`` with
    up to ``ROWS_PER_GROUP`` rows and, beyond that, a line saying how many more and where."""
    groups = sections.failure_groups
    if not groups:
        return ["<h2>Checks that did not hold</h2><p>None.</p>"]
    parts = [f"<h2>Checks that did not hold ({sum(len(g.cases) for g in groups)})</h2>",
             "<p class='note'>Gating: counts toward the verdict. Diagnostic: shows where the model is brittle (pytest xfail); "
             "<code>--vlm-case-checks gate</code> makes these gating. Click a line for every case.</p>"]
    for group in groups:
        kind = "gating" if group.gating else "diagnostic"
        rows = "".join(f"<tr class='failure-row'><td>{html.escape(c.subject)}</td><td>{html.escape(c.message[:160])}</td></tr>"
                       for c in group.cases[:ROWS_PER_GROUP])
        count = len(group.cases)
        hidden = count - min(count, ROWS_PER_GROUP)
        more = (f"<p class='note hidden-rows' data-hidden='{hidden}'>{hidden} more not listed here (page size); all {count} "
                "are in summary.json (failed_cases).</p>") if hidden else ""
        parts.append(f"<details class='failure-group' data-check='{html.escape(group.check)}' data-model='{html.escape(group.model)}' "
                     f"data-count='{count}'><summary><span class='{'fail' if group.gating else 'diagnostic'}'>{kind}</span> "
                     f"{html.escape(group.check)} &mdash; {html.escape(group.model)}: {count} of {group.total} did not hold</summary>"
                     f"<table><tr><th>subject</th><th>why</th></tr>{rows}</table>{more}</details>")
    return parts


def _flipped_pairs(report: RunReport, model: str) -> list[str]:
    rows = [r for r in report.rows if r.model == model and r.relation == "invariant" and not r.consistent]
    if not rows:
        return []
    rows.sort(key=lambda r: (-abs(r.margin), r.case_id))  # the most confident wrong-way answers first
    embedded = [r for r in rows if f"{model}/{r.case_id}" in report.overlays][:OVERLAYS_PER_MODEL]
    parts = [f"<h3>Flipped pairs ({len(rows)})</h3>",
             f"<p class='note'>{len(embedded)} of {len(rows)} overlays shown here (most confident flips first); all of them are "
             "JPEGs in <code>overlays/</code> beside this page. Left: base question's map; middle: the paraphrase's; right: "
             "their difference on the page-wide fixed scale.</p>"]
    for row in embedded:
        caption = (f"{row.group_id}: \u201c{row.question}\u201d answered {row.answer} vs base {row.base_answer}; "
                   f"JS {row.metrics.get('js_to_base', 0):.3f}; map {row.map_method}")
        parts.append(f"<figure>{image_tag(report.overlays[f'{model}/{row.case_id}'], row.case_id, 'image/jpeg')}"
                     f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    listed = rows[:ROWS_PER_GROUP]
    table = Table("", ("group", "paraphrase", "answer", "base answer", "JS to base", "explain it"),
                  tuple((r.group_id, r.question, r.answer, r.base_answer, f"{r.metrics.get('js_to_base', 0):.3f}",
                         explain_command(r, report.environment.model_arguments.get(model), report.manifest.dataset))
                        for r in listed))
    more = f"<p class='note'>{len(rows) - len(listed)} more in results.jsonl (rows whose answer differs from base_answer).</p>" \
        if len(rows) > len(listed) else ""
    parts.append(f"<details><summary>{'All' if not more else 'The first'} {len(listed)} of {len(rows)} flipped pairs, each with the "
                 f"command that explains it</summary>{table.html()}{more}</details>")
    return parts


def _base_maps(report: RunReport, model: str) -> list[str]:
    """A few base questions' maps on their films, for every model, flips or none."""
    rows = sorted((r for r in report.rows if r.model == model and r.relation == "base" and f"{model}/{r.case_id}" in report.overlays),
                  key=lambda r: r.case_id)[:BASE_MAPS_PER_MODEL]
    if not rows:
        return []
    parts = [f"<h3>Maps on base questions ({len(rows)} shown)</h3>",
             "<p class='note'>The answer-position map of a group's base question over its film (over the part the model saw); "
             "title: group, answer, map method and grid.</p>"]
    for row in rows:
        caption = f"{row.group_id}: \u201c{row.question}\u201d answered {row.answer}; map {row.map_method} on {row.map_grid}"
        parts.append(f"<figure>{image_tag(report.overlays[f'{model}/{row.case_id}'], row.case_id, 'image/jpeg')}"
                     f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return parts


def _model_detail(report: RunReport, model: str) -> list[str]:
    rows = [r for r in report.rows if r.model == model]
    return [f"<h2>{html.escape(model)}: detail</h2>", image_tag(plots.js_and_margin(rows), "JS and margin against flips")] \
        + _base_maps(report, model) + _flipped_pairs(report, model)


def _flip_search(report: RunReport) -> list[str]:
    found = [f for f in report.flips if f.found]
    if not report.flips:
        return []
    listed = found[:FLIPS_LISTED]
    note = f"{len(found) - len(listed)} more in summary.json (flip_search)." if len(found) > len(listed) else ""
    return [Table(f"Minimal flipping paraphrases (Hypothesis search): {len(found)} of {len(report.flips)} groups flipped",
                  ("model", "group", "question", "flipping paraphrase", "transforms"),
                  tuple((f.model, f.group_id, f.question, f.paraphrase, ", ".join(f.transforms)) for f in listed),
                  note).html("h2")]


def _section(section: Section) -> list[str]:
    return ([f"<h2>{html.escape(section.title)}</h2>"] + [f"<p>{html.escape(text)}</p>" for text in section.paragraphs]
            + [table.html() for table in section.tables])


def _js_flip_plot(report: RunReport) -> list[str]:
    from vlmcore.metrics.js_flips import js_flip_test

    by_model: dict[str, list] = {}
    for row in report.rows:
        by_model.setdefault(row.model, []).append(row)
    tests = [test for rows in by_model.values() if (test := js_flip_test(rows)) is not None]
    return [image_tag(plots.js_flip_strata(tests), "JS by strategy, answer kept vs changed")] if tests else []


def render_html(report: RunReport, sections: ComputedSections | None = None) -> str:
    sections = sections or compute_sections(report)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>vlmcore {html.escape(report.run_id)}</title>",
             f"<style>{_STYLE}</style></head><body>", f"<h1>vlmcore report <code>{html.escape(report.run_id)}</code></h1>"]
    parts += _top(report, sections.labels) + _scorecards(sections) + _gate(report)
    if sections.comparison:
        parts.append("<h2 id='comparison'>Comparison</h2>")
        parts += [table.html() for table in sections.comparison]
        parts += _js_flip_plot(report)
    parts.append(f"<p class='note'>{html.escape(report.counts_line())}</p>")
    parts += _grounding(report, sections)
    parts += _failures(sections)
    for model in report.summary:
        parts += _model_detail(report, model)
    parts += _flip_search(report)
    for section in report.sections:
        parts += _section(section)
    thresholds = report.thresholds
    parts.append(Table("Thresholds", ("key", "value"), tuple([(k, v) for k, v in thresholds.values.items()] +
                       [(f"findings.{f}.{k}", v) for f, t in thresholds.findings.items() for k, v in t.items()])).html("h2"))
    env = report.environment
    parts.append(Table("Environment", ("item", "value"), tuple([(k, v) for k, v in env.software.items()] +
                       [(f"model {k}", v) for k, v in env.models.items()])).html("h2"))
    parts.append("</body></html>")
    return visible("\n".join(parts))  # a right-to-left override or zero-width space in a question is shown, never obeyed
