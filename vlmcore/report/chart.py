"""The chart at the top of report.html: each gating rate against its bar, with its interval.

A forest plot (one line per model and rate, a point with its 95% whisker) because the decision
is about where an interval sits relative to a line, and a table makes the reader do that
geometry in their head. Drawn as inline SVG by this module (no script, no network, no
plotting library), so the page stays one self-contained file that renders in any browser or
CI artifact viewer.

Every number is the decision's own (``Verdict.checks``, ``Verdict.gate``, and the gate's
pairing for the baseline's interval), never recomputed from another population, so the chart
cannot disagree with the verdict beside it. With a baseline, the baseline's value on the
paired cases is drawn beside the candidate, with the gate's margin below it (the candidate may
not be significantly worse than that).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from vlmcore.metrics.clusters import tally
from vlmcore.metrics.intervals import rate_interval
from vlmcore.metrics.rates import RATES
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.decision import Verdict
from vlmcore.verdict.exit_codes import Status
from vlmcore.verdict.first_run import ALL_CASES

#: plot geometry, in CSS pixels: the chart must fit beside the verdict at 1400 px wide
LABEL_WIDTH, PLOT_WIDTH, TEXT_WIDTH = 170, 300, 344
ROW_HEIGHT, GATED_ROW_HEIGHT, COMPACT_GATED_ROW_HEIGHT, HEADER_HEIGHT, TOP, BOTTOM = 18, 30, 22, 18, 26, 30
COLOURS = {"pass": "#1e8449", "FAIL": "#b03a2e", "not judged": "#b7791f", "baseline": "#7f8c8d", "bar": "#b03a2e"}


@dataclass(frozen=True)
class Estimate:
    """A rate's value and its 95% interval (clustered, as the checks compute it)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class ChartRow:
    """One model's line in one rate's group: its first-run check and, when gated, the gate."""

    rate: str
    model: str
    threshold: float
    higher_is_better: bool
    candidate: Estimate
    result: str  # "pass" | "FAIL" | "not judged" | "diagnostic"
    baseline: Estimate | None = None  # the baseline on the paired cases
    gate_limit: float | None = None  # baseline value moved by the gate's margin
    gate_outcome: str | None = None  # "ok" | "REGRESSION" | "HARM" | "CANNOT TELL"

    @property
    def relation(self) -> str:
        return ">=" if self.higher_is_better else "<="


@dataclass(frozen=True)
class BeyondTheRates:
    """What else decided a model, below its model-level rates: subgroup checks and gates (per
    finding, strategy, probe family), checks over the cases new since the baseline, and gating
    pytest cases. Without this line a model could FAIL while every point above it is green."""

    model: str
    judged: int
    failed: tuple[str, ...]  # "consistency (strategy register) REGRESSION", ...
    unjudged: tuple[str, ...] = ()  # gate tests that cannot tell a drop beyond the margin from chance

    @property
    def result(self) -> str:
        return "FAIL" if self.failed else "not judged" if self.unjudged else "pass"


def beyond_the_rates(decision: Verdict, failed_cases: dict[str, int] | None = None) -> list[BeyondTheRates]:
    """Per model (those with a model-level row in the chart): its subgroup / new-case checks and
    subgroup gate tests, and the failed ones by name."""
    lines = []
    for model in sorted({c.model for c in decision.checks}):
        checks = [c for c in decision.checks if c.model == model and c.gating and c.passed is not None
                  and not (c.model_level and c.population == ALL_CASES)]
        gates = [g for g in decision.gate if g.model == model and g.scope is not Scope.MODEL]
        failed = tuple(f"{c.check} ({c.scope}) {c.value:.3f}" for c in checks if c.failed)
        failed += tuple(f"{g.where} {g.outcome}" for g in gates if g.failed)
        cases = (failed_cases or {}).get(model, 0)
        failed += (f"{cases} gating pytest case(s)",) if cases else ()
        unjudged = tuple(f"{g.where} CANNOT TELL" for g in gates if g.cannot_tell)
        lines.append(BeyondTheRates(model, len(checks) + len(gates), failed, unjudged))
    return lines


def _baseline_estimate(decision: Verdict, model: str, rate: str) -> Estimate | None:
    """The baseline's value on the cases the gate paired, with its clustered interval."""
    pairing = next((p for p in decision.pairings if getattr(p, "model", None) == model and hasattr(p, "pairs")), None)
    if pairing is None:
        return None
    counts = tally([old for old, _ in pairing.pairs], rate)
    interval = rate_interval(counts)
    if counts.value is None or interval is None:
        return None
    return Estimate(counts.value, interval.low, interval.high)


def chart_rows(decision: Verdict) -> list[ChartRow]:
    """Model-level gating checks over all cases, in declared rate order, each with the gate's
    result for that rate when the run was gated. A check that held for a model the verdict
    could not judge (too few patients) is "not judged", never a pass."""
    judged = {m.model: m.status in (Status.PASS, Status.FAIL) for m in decision.models}
    order = {name: index for index, name in enumerate(RATES)}
    checks = sorted((c for c in decision.checks if c.model_level and c.population == ALL_CASES and c.gating
                     and c.passed is not None and c.interval is not None), key=lambda c: (order.get(c.rate, 99), c.model))
    rows = []
    for check in checks:
        if check.passed:
            result = "pass" if judged.get(check.model, False) and check.interval.reliable else "not judged"
        else:
            result = "FAIL"
        gate = next((g for g in decision.gate if g.model == check.model and g.rate == check.rate and g.scope is Scope.MODEL), None)
        baseline = _baseline_estimate(decision, check.model, check.rate) if gate is not None else None
        limit = None
        if gate is not None:
            limit = gate.baseline_value - gate.margin if check.higher_is_better else gate.baseline_value + gate.margin
        rows.append(ChartRow(check.rate, check.model, check.threshold, check.higher_is_better,
                             Estimate(check.value, check.interval.low, check.interval.high), result, baseline, limit,
                             str(gate.outcome) if gate is not None else None))
    return rows


def _x(value: float) -> float:
    return LABEL_WIDTH + max(0.0, min(1.0, value)) * PLOT_WIDTH


def _whisker(estimate: Estimate, y: float, colour: str, filled: bool, title: str) -> str:
    x0, x1, x = _x(estimate.low), _x(estimate.high), _x(estimate.value)
    fill = colour if filled else "#fff"
    return (f"<g><title>{html.escape(title)}</title><line x1='{x0:.1f}' y1='{y:.1f}' x2='{x1:.1f}' y2='{y:.1f}' stroke='{colour}' "
            f"stroke-width='2'/><line x1='{x0:.1f}' y1='{y - 4:.1f}' x2='{x0:.1f}' y2='{y + 4:.1f}' stroke='{colour}'/>"
            f"<line x1='{x1:.1f}' y1='{y - 4:.1f}' x2='{x1:.1f}' y2='{y + 4:.1f}' stroke='{colour}'/>"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='{fill}' stroke='{colour}' stroke-width='2'/></g>")


#: characters of a model's name that fit the label column at 12 px (a longer one keeps its ends: "medgemma@…-robust-v2")
LABEL_CHARS = 23


def _label(name: str) -> str:
    """A model's name cut to the label column, keeping both ends (the family and the checkpoint's tail)."""
    if len(name) <= LABEL_CHARS:
        return name
    head = (LABEL_CHARS - 1) // 2
    return name[:head] + "\u2026" + name[-(LABEL_CHARS - 1 - head):]


def _text(x: float, y: float, text: str, size: int = 12, colour: str = "#222", anchor: str = "start", weight: str = "normal") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' fill='{colour}' text-anchor='{anchor}' font-weight='{weight}'>"
            f"{html.escape(text)}</text>")


def _shown(estimate: Estimate) -> str:
    return f"{estimate.value:.3f} [{estimate.low:.2f}, {estimate.high:.2f}]"


def _row_height(row: ChartRow, multi_model: bool) -> int:
    """A gated line holds two whiskers: roomier for one model, compact for several (so five gated
    models still fit beside the verdict at 900 px)."""
    if row.baseline is None:
        return ROW_HEIGHT
    return COMPACT_GATED_ROW_HEIGHT if multi_model else GATED_ROW_HEIGHT


def _row(row: ChartRow, y: float, multi_model: bool) -> list[str]:
    """One model's line: label, candidate (and baseline above it), the numbers and the result."""
    colour = COLOURS.get(row.result, COLOURS["baseline"])
    gated = row.baseline is not None
    middle = y + _row_height(row, multi_model) / 2
    offset = (4 if multi_model else 6) if gated else 0
    label = _label(row.model) if multi_model else f"{RATES[row.rate].name} {row.relation} {row.threshold}"
    parts = [f"<g class='chart-row' data-model='{html.escape(row.model)}' data-rate='{row.rate}' data-result='{row.result}'>",
             _text(LABEL_WIDTH - 8, middle + 4, label, 12 if multi_model else 11, anchor="end")]
    if gated:
        parts.append(_whisker(row.baseline, middle - offset, COLOURS["baseline"], False, f"{row.model} baseline (paired cases): "
                                                                                          f"{_shown(row.baseline)}"))
        if row.gate_limit is not None and 0.0 <= row.gate_limit <= 1.0:
            x, tip = _x(row.gate_limit), middle - offset - 5
            parts.append(f"<path d='M{x:.1f},{tip:.1f} l-3.5,-5 h7 z' fill='{COLOURS['baseline']}'><title>gate: not worse than "
                         f"{row.gate_limit:.3f} (baseline moved by its margin)</title></path>")
    parts.append(_whisker(row.candidate, middle + offset, colour, True, f"{row.model} {row.rate}: {_shown(row.candidate)}; "
                                                                        f"required {row.relation} {row.threshold}: {row.result}"))
    right = LABEL_WIDTH + PLOT_WIDTH + 10
    gate_failed = row.gate_outcome not in (None, "ok")
    result = row.result
    if gate_failed:  # the gate's outcome, and the bar's too when that failed as well
        result = f"gate {row.gate_outcome}" if row.result == "pass" else f"{row.result}; gate {row.gate_outcome}"
    if row.result == "pass" and gate_failed:
        colour = COLOURS["FAIL"] if row.gate_outcome in ("REGRESSION", "HARM") else COLOURS["not judged"]
    parts.append(_text(right, middle + 4, f"{row.candidate.value:.3f} [{row.candidate.low:.2f}, {row.candidate.high:.2f}]", 12))
    if gated:
        parts.append(_text(right + 112, middle + 4, f"was {row.baseline.value:.3f}", 11, COLOURS["baseline"]))
    parts.append(_text(right + (178 if gated else 114), middle + 4, result, 12, colour, weight="bold"))
    parts.append("</g>")
    return parts


def _beyond(lines: list[BeyondTheRates], y: float) -> tuple[list[str], float]:
    """The text rows under the chart: per model, what else was judged and what of it failed."""
    body = [_text(4, y + 13, "subgroups, new cases, gating cases", 12, weight="bold")]
    y += HEADER_HEIGHT
    for line in lines:
        named = line.failed or line.unjudged
        shown = (named[0] + (f"; +{len(named) - 1} more" if len(named) > 1 else "")) if named else ""
        text = (f"{len(line.failed)} failed: {shown}" if line.failed else f"cannot tell: {shown}" if line.unjudged
                else f"all {line.judged} held" if line.judged else "none judged")
        colour = COLOURS.get(line.result, COLOURS["baseline"]) if line.judged or line.failed else COLOURS["baseline"]
        body.append(f"<g class='chart-beyond' data-model='{html.escape(line.model)}' data-result='{line.result}'>"
                    + _text(LABEL_WIDTH - 8, y + 13, _label(line.model), 12, anchor="end")
                    + _text(LABEL_WIDTH, y + 13, text if len(text) <= 88 else text[:87] + "\u2026", 12, colour,
                            weight="bold" if line.failed else "normal")
                    + f"<title>{html.escape('; '.join(named) or text)}</title></g>")
        y += ROW_HEIGHT
    return body, y


def gate_chart_svg(decision: Verdict, failed_cases: dict[str, int] | None = None) -> str:
    """The chart as one ``<svg>`` element, or "" when no gating model-level check was judged.
    ``failed_cases``: gating pytest cases failed per model (named under the chart)."""
    rows = chart_rows(decision)
    if not rows:
        return ""
    models = {r.model for r in rows}
    multi = len(models) > 1
    by_rate: dict[str, list[ChartRow]] = {}
    for row in rows:
        by_rate.setdefault(row.rate, []).append(row)
    width = LABEL_WIDTH + PLOT_WIDTH + TEXT_WIDTH
    body, y = [], TOP
    for rate, group in by_rate.items():
        first = group[0]
        heights = [_row_height(r, multi) for r in group]
        if multi:
            body.append(_text(4, y + 13, f"{RATES[rate].name} ({first.relation} {first.threshold})", 12, weight="bold"))
            y += HEADER_HEIGHT
        top, span = y, sum(heights)
        bar = _x(first.threshold)
        failing = (LABEL_WIDTH, bar) if first.higher_is_better else (bar, LABEL_WIDTH + PLOT_WIDTH)
        body.append(f"<rect x='{failing[0]:.1f}' y='{top:.1f}' width='{failing[1] - failing[0]:.1f}' height='{span:.1f}' "
                    f"fill='#fdecea'><title>fails {RATES[rate].name}'s bar ({first.relation} {first.threshold}) on this side"
                    f"</title></rect>")
        body.append(f"<line class='bar' x1='{bar:.1f}' y1='{top - 2:.1f}' x2='{bar:.1f}' y2='{top + span + 2:.1f}' "
                    f"stroke='{COLOURS['bar']}' stroke-width='2' stroke-dasharray='4 2'/>")
        for row, height in zip(group, heights):
            body += _row(row, y, multi)
            y += height
        y += 6
    axis = y + 4
    beyond, end = _beyond(beyond_the_rates(decision, failed_cases), axis + 22)
    ticks = [f"<line x1='{_x(t):.1f}' y1='{TOP - 4}' x2='{_x(t):.1f}' y2='{axis:.1f}' stroke='#eee'/>"
             + _text(_x(t), axis + 14, f"{t:.1f}", 10, "#666", "middle") for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    gated = any(r.baseline is not None for r in rows)
    legend = ("filled: this run (95% CI); hollow: baseline on paired cases; grey triangle: gate limit (margin); "
              "dashed red: the bar, shaded side fails" if gated else
              "point: this run with its 95% CI (clustered); dashed red: the bar, shaded side fails")
    height = end + BOTTOM - 8
    heading = _text(4, 14, "Gating rates against their bars" + (" (baseline beside candidate)" if gated else ""), 13, weight="bold")
    return (f"<svg class='gate-chart' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height:.0f}' "
            f"viewBox='0 0 {width} {height:.0f}' role='img' aria-label='gating rates against their bars' "
            f"font-family='system-ui,sans-serif'>{heading}{''.join(ticks)}{''.join(body)}{''.join(beyond)}"
            f"{_text(4, height - 4, legend, 10, '#555')}</svg>")
