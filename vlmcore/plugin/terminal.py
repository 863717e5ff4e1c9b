"""The ``vlmcore`` section of pytest's terminal summary: each model's headline rates, the
decision's notes, gate lines, new flips and failed checks, then the verdict and the report path;
and the terminal's last line (``VerdictLine``): the verdict with the exit code, after pytest's
own "N passed" line, which counts cases and says nothing of the verdict."""

from __future__ import annotations

import pytest

from vlmcore.metrics.rates import RATES
from vlmcore.metrics.specs import Direction, Scope
from vlmcore.verdict.thresholds import Thresholds

NEW_FLIPS_SHOWN = 30


def headline_rates() -> list[str]:
    """The rates judged per model in a first run (``CheckSpec`` at model scope), in declaration order."""
    return [name for name, spec in RATES.items() if any(c.scope is Scope.MODEL for c in spec.checks)]


def _label(name: str) -> str:
    return name + (" (lower is better)" if RATES[name].direction is Direction.LOWER else "")


def summary_lines(end, thresholds: Thresholds) -> list[str]:
    report = end.report
    lines = []
    for model, summary in report.summary.items():
        shown = "  ".join(f"{_label(name)} {summary.estimate(name).shown(flag_unreliable=False)}"
                          for name in headline_rates() if name in summary.estimates)
        lines.append(f"{model}: {shown}  ({summary.clusters} clusters by {summary.cluster_unit})")
        if summary.low_mass_share:
            lines.append(f"  {model}: {summary.low_mass_share:.1%} of answers put less than {thresholds.get('min_answer_mass')} "
                         "of their probability on yes/no: those answers are unreliable (row field low_mass)")
    decision = report.decision
    lines += [f"note: {note}" for note in decision.notes]
    shown = [g for g in decision.gate if g.scope is Scope.MODEL or g.outcome.value != "ok"]
    lines += [result.sentence for result in shown]
    if len(shown) < len(decision.gate):
        lines.append(f"  ... and {len(decision.gate) - len(shown)} subgroup tests ok (report.md: the gate table, with the smallest "
                     "drop each can detect)")
    lines += [f"  new flip {flip.model} {flip.group_id}: {flip.base_question!r} -> {flip.base_answer}; "
              f"{flip.paraphrase!r} -> {flip.answer} [{flip.strategy}]" for flip in decision.new_flips[:NEW_FLIPS_SHOWN]]
    lines += [check.sentence for check in decision.checks if check.passed is False]
    lines.append(f"rule: {decision.rule}")
    lines += [f"{model.model}: {model.status} - {model.reasons[0] if model.reasons else ''}" for model in decision.models]
    lines.append(f"verdict: {decision.status} (exit code {decision.exit_code})  report: {end.run_dir / 'report.html'}")
    if end.saved_baseline:
        lines.append(f"baseline saved: {end.saved_baseline}" + (f" (FORCED from a {decision.status} run: {end.forced})"
                                                                 if end.forced else ""))
    if end.baseline_refused:
        lines.append(end.baseline_refused)
    return lines


class VerdictLine:
    """Writes the verdict and the exit code as the terminal's very last line: a hook wrapper around
    the terminal reporter's session end, so it follows pytest's summary line (a green "15 passed"
    under a run that exits 1 would otherwise be the last thing a reader sees)."""

    def __init__(self, run_end):
        self.run_end = run_end  # () -> the run's ``RunEnd`` or None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        result = yield
        end = self.run_end()
        terminal = session.config.pluginmanager.getplugin("terminalreporter")
        if end is None or terminal is None:
            return result
        code = int(session.exitstatus)
        if end.report is None:
            terminal.write_sep("=", f"vlmcore: no verdict (the report could not be written); exit code {code}", red=True)
            return result
        decision = end.report.decision
        status = decision.status
        colour = {"green": True} if code == 0 else {"yellow": True} if status.value in ("NOT EVALUATED", "COMPARISON IMPOSSIBLE") \
            and code == status.exit_code else {"red": True}
        untestable = sum(g.cannot_tell for g in decision.gate)
        caveat = f", {untestable} drop(s) the gate cannot tell from chance (above)" if untestable and code == 0 else ""
        terminal.write_sep("=", f"vlmcore verdict: {status}{caveat} (exit code {code})", bold=True, **colour)
        return result
