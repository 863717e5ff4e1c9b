"""Two runs side by side (old vs new checkpoint, or MedGemma vs LLaVA), with the gate's verdict:
the first run is the baseline, its stored gate settings apply, and the decision comes from the
same functions as ``pytest benchmarks --vlm-baseline`` (same exit codes). The side-by-side tables are
the comparison view's, computed from the rows of the models compared."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.metrics.specs import Scope
from vlmcore.report.comparison_section import comparison_tables
from vlmcore.report.verdict_section import verdict_lines
from vlmcore.verdict.baseline import SavedRun, read_run
from vlmcore.verdict.decision import Verdict, decide_against_baseline
from vlmcore.verdict.exit_codes import Status
from vlmcore.verdict.thresholds import Thresholds, load_thresholds


def _only(rows: list, model: str | None, where: Path) -> list:
    if model is None:
        return rows
    kept = [r for r in rows if r.model == model]
    if not kept:
        raise ConfigError(f"{where}: no results for model {model!r} (it holds {sorted({r.model for r in rows})})")
    return kept


def compare_run_dirs(first: Path, second: Path, thresholds: str | None = None, first_model: str | None = None,
                     second_model: str | None = None, settings=None, read: SavedRun | None = None) -> tuple[str, Verdict]:
    """Markdown comparing two run folders, and the gate's verdict on the second against the first.

    ``thresholds``: a thresholds file whose ``[gate]`` overrides the first run's stored settings.
    ``first_model`` / ``second_model``: compare one model of each run (they may be the same run
    folder: a new checkpoint against the release model evaluated beside it).
    ``read``: ``first`` as the caller already read it (the demo gates several models of one run).
    """
    baseline = read if read is not None and read.folder.resolve() == first.resolve() else read_run(first)
    candidate = baseline if second.resolve() == first.resolve() else read_run(second)  # two models of one run: read it once
    baseline = replace(baseline, rows=_only(baseline.rows, first_model, first))
    candidate = replace(candidate, rows=_only(candidate.rows, second_model, second))
    if settings is None:
        settings = load_thresholds(thresholds).gate if thresholds else baseline.manifest.gate.stricter(candidate.manifest.gate)
    notes = (f"gate settings from {settings.source}",)
    bars = load_thresholds(thresholds) if thresholds else _recorded_thresholds(second)
    if not baseline.rows:
        decision = Verdict(Status.COMPARISON_IMPOSSIBLE, f"gate against {first.name}", (), notes=notes + (f"{first} evaluated nothing",))
    else:
        models = sorted({r.model for r in candidate.rows}) or sorted({r.model for r in baseline.rows})
        decision = decide_against_baseline(candidate.rows, baseline.rows, settings, first.name, models, notes=notes, thresholds=bars)
    lines = [f"# vlmcore comparison: `{first.name}` vs `{second.name}`"]
    lines += ["", "## Verdict (second run against the first)", ""] + verdict_lines(decision)
    pairs = [(f"{p.baseline_model} ({first.name})", f"{p.model} ({second.name})") for p in decision.pairings]  # baseline vs candidate
    lines += ["## Side by side", ""] + [line for table in comparison_tables(_labelled(baseline.rows, first.name)
                                                                            + _labelled(candidate.rows, second.name), pairs=pairs)
                                        for line in table.markdown()]
    return "\n".join(lines) + "\n", decision


#: what the terminal summary shows of each list before "... and N more (in the markdown file)"
SHOWN_GATE_LINES, SHOWN_FLIPS, SHOWN_CHECKS = 12, 5, 8


def terminal_summary(decision: Verdict) -> list[str]:
    """What ``vlmcore compare`` prints: the verdict, each model's status and decisive reasons, the
    model-level gate results (and any subgroup that did not hold), counts of new flips and failed
    checks with the first few; every table is in the markdown file, whose path follows."""
    lines = [f"vlmcore compare: {decision.headline()}"]
    for model in decision.models:
        lines.append(f"  {model.model}: {model.status}" + (f" - {model.reasons[0]}" if model.reasons else ""))
        lines += [f"      {reason}" for reason in model.reasons[1:3]]
    lines += [f"  note: {note}" for note in decision.notes]
    shown = [g for g in decision.gate if g.scope is Scope.MODEL or g.outcome.value != "ok"]
    lines += _capped([f"  {g.sentence}" for g in shown], SHOWN_GATE_LINES, "gate results")
    if len(shown) < len(decision.gate):
        lines.append(f"  ... and {len(decision.gate) - len(shown)} subgroup tests ok")
    if decision.new_flips:
        lines.append(f"  {len(decision.new_flips)} new flip(s) (answered as the base question before, differently now):")
        lines += _capped([f"    {f.model} {f.group_id}: {f.paraphrase!r} -> {f.answer} (base {f.base_answer})"
                          for f in decision.new_flips], SHOWN_FLIPS, "new flips")
    failed = [c.sentence for c in decision.checks if c.passed is False]
    if failed:
        lines.append(f"  {len(failed)} first-run check(s) did not hold:")
        lines += _capped([f"    {sentence}" for sentence in failed], SHOWN_CHECKS, "failed checks")
    return lines


def _capped(lines: list[str], limit: int, what: str) -> list[str]:
    if len(lines) <= limit:
        return lines
    return lines[:limit] + [f"    ... and {len(lines) - limit} more {what} (all of them in the markdown file)"]


def comparison_file(first: Path, second: Path, first_model: str | None = None, second_model: str | None = None) -> Path:
    """The default place of ``vlmcore compare``'s markdown: in the candidate's run folder, named after
    both sides, so comparing against several references keeps each file."""
    import re

    def name(run: Path, model: str | None) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", run.resolve().name + (f"-{model}" if model else "")).strip("-")

    return second / f"compare-{name(first, first_model)}-vs-{name(second, second_model)}.md"


def _recorded_thresholds(run_dir: Path) -> Thresholds:
    """The bars the candidate run was judged with (its summary.json), for the first-run checks it faces;
    the built-in ones for a run folder that recorded none."""
    import json

    try:
        recorded = json.loads((run_dir / "summary.json").read_text()).get("thresholds")
        return Thresholds() if recorded is None else Thresholds.from_description(recorded)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"{run_dir / 'summary.json'}: its thresholds cannot be read ({type(error).__name__}: {error})") from None


def _labelled(rows: list, run: str) -> list:
    """Rows renamed ``model (run)``, so one model in two runs shows as two columns."""
    return [replace(row, model=f"{row.model} ({run})") for row in rows]
