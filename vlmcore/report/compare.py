"""Two runs side by side (old vs new checkpoint, or MedGemma vs LLaVA), with the gate's verdict:
the first run is the baseline, its stored gate settings apply, and the decision comes from the
same functions as ``pytest benchmarks --vlm-baseline`` (same exit codes). The side-by-side tables are
the comparison view's, computed from the rows of the models compared."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.report.comparison_section import comparison_tables
from vlmcore.report.verdict_section import verdict_lines
from vlmcore.verdict.baseline import read_run
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
                     second_model: str | None = None, settings=None) -> tuple[str, Verdict]:
    """Markdown comparing two run folders, and the gate's verdict on the second against the first.

    ``thresholds``: a thresholds file whose ``[gate]`` overrides the first run's stored settings.
    ``first_model`` / ``second_model``: compare one model of each run (they may be the same run
    folder: a new checkpoint against the release model evaluated beside it).
    """
    baseline = read_run(first)
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
