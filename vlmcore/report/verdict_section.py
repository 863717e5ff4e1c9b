"""The verdict as report lines: the rule, the numbers that decided it, the gate table and the
new flips. Shared by report.md and ``vlmcore compare`` (report.html renders the same data)."""

from __future__ import annotations

from vlmcore.report.formatting import cell, random_weights_label
from vlmcore.report.tables import Table
from vlmcore.verdict.decision import Verdict


def verdict_lines(decision: Verdict, labels: dict[str, str] | None = None, flips_listed: int | None = None) -> list[str]:
    """``labels``: model -> what it is (``sections.model_labels``); without, judged by the model key.
    ``flips_listed``: new flips listed (None: all; a report caps them, the rest in ``NEW_FLIPS_FILE``)."""
    labels = labels or {}
    lines = [f"**Verdict: {decision.status}** (exit code {decision.exit_code})", "", f"Rule: {decision.rule}.", ""]
    for model in decision.models:
        lines += [f"- **{model.model}: {model.status}**{labels.get(model.model, random_weights_label(model.model))}"] + [f"  - {cell(reason)}" for reason in model.reasons]
    lines += [""] + [f"> {cell(note)}" for note in decision.notes] + ([""] if decision.notes else [])
    if decision.checks:
        lines += ["### First-run checks", "", "| model | check | scope | value | 95% CI | decision bound | required | result |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in decision.checks:
            if c.passed is None:
                continue
            relation = ">=" if c.higher_is_better else "<="
            ci = f"[{c.interval.low:.3f}, {c.interval.high:.3f}]" + ("" if c.interval.reliable else " (unreliable: few clusters)")
            result = "pass" if c.passed else "**FAIL**" if c.gating else "did not hold (diagnostic)"
            if c.passed is False and c.pre_existing is not None:
                result += " (pre-existing)" if c.pre_existing else " (new)"
            lines.append(f"| {cell(c.model)} | {c.check} | {cell(c.scope)} | {c.value:.3f} | {ci} | {c.bound:.3f} "
                         f"(one-sided {100 * (1 - c.alpha):.2f}%) | {relation} {c.threshold} | {result} |")
        lines.append("")
    for table in (gate_table(decision), new_flips_table(decision, flips_listed)):
        if table is not None:
            lines += table.markdown()
    return lines


def gate_table(decision: Verdict) -> Table | None:
    """The gate's rows as a ``Table`` (report.md, report.html and ``vlmcore compare`` show this one)."""
    if not decision.gate:
        return None
    def detectable(g) -> str:
        return f"{g.detectable_drop:.3f}" if g.detectable_drop is not None else f"none by sign-flip ({g.clusters} patients)"

    return Table("Gate against the baseline", ("model", "rate", "baseline", "this run", "worse by", "margin", "p (sign-flip)",
                                               "Holm alpha", "clusters changed", "turned worse / better", "smallest detectable drop",
                                               "result"),
                 tuple((g.model, g.where, f"{g.baseline_value:.3f}", f"{g.candidate_value:.3f}", f"{g.drop:+.3f}", g.margin,
                        f"{g.p_value:.3g}", f"{g.holm_alpha:.4g}", f"{g.changed_clusters} of {g.clusters}",
                        f"{len(g.turned_worse)} / {len(g.turned_better)} (harm at {g.harm_needed})", detectable(g), str(g.outcome))
                       for g in decision.gate),
                 classes={(i, 11): "fail" if g.failed else "unjudged" for i, g in enumerate(decision.gate) if g.failed or g.cannot_tell})


#: the file beside report.md / report.html that holds every new flip (one JSON object a line)
NEW_FLIPS_FILE = "new_flips.jsonl"


def new_flips_table(decision: Verdict, listed: int | None = None) -> Table | None:
    """Paraphrases consistent in the baseline and not now, as a ``Table``: the first ``listed`` of
    them (None: all), most per model first, with a note saying how many more and where
    (``NEW_FLIPS_FILE`` in the run's report folder)."""
    if not decision.new_flips:
        return None
    flips = decision.new_flips
    shown = flips if listed is None else flips[:listed]
    note = (f"{len(shown)} of {len(flips)} listed here; all {len(flips)} are in {NEW_FLIPS_FILE} in this report's folder "
            "(and summary.json, decision.new_flips).") if len(shown) < len(flips) else ""
    return Table(f"New flips ({len(flips)}): consistent in the baseline, not now",
                 ("model", "group", "base question", "answer", "paraphrase", "answer", "strategy"),
                 tuple((f.model, f.group_id, f.base_question, f.base_answer, f.paraphrase, f.answer, f.strategy) for f in shown),
                 note)
