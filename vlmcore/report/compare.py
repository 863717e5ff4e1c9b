"""Two runs side by side (old vs new checkpoint, or MedGemma vs LLaVA), with the gate's
verdict: the first run is the baseline, its stored gate settings apply, and the decision
comes from the same functions as ``pytest benchmarks --baseline`` (same exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

from vlmcore.report.verdict_section import cell, verdict_lines
from vlmcore.verdict.baseline import read_run
from vlmcore.verdict.decision import Verdict, decide_against_baseline
from vlmcore.verdict.thresholds import load_thresholds

HEADLINE = ("consistency", "flip_rate", "accuracy", "js_divergence", "inverted_flip_rate", "image_reliance")


def _value(summary: dict, model: str, name: str) -> str:
    entry = summary["models"].get(model, {}).get(name)
    return "-" if not entry or entry["value"] is None else f"{entry['value']:.3f}"


def compare_run_dirs(first: Path, second: Path, thresholds: str | None = None) -> tuple[str, Verdict]:
    """Markdown comparing two run folders, and the gate's verdict on the second against the first.

    ``thresholds``: a thresholds file whose ``[gate]`` overrides the first run's stored settings.
    """
    baseline, candidate = read_run(first), read_run(second)
    one, two = (json.loads((d / "summary.json").read_text()) for d in (first, second))
    settings = load_thresholds(thresholds).gate if thresholds else baseline.manifest.gate
    notes = (f"gate settings from {settings.source}",)
    if not baseline.rows:
        decision = Verdict("COMPARISON IMPOSSIBLE", f"gate against {first.name}", (), notes=notes + (f"{first} evaluated nothing",))
    else:
        models = sorted({r.model for r in candidate.rows}) or sorted({r.model for r in baseline.rows})
        decision = decide_against_baseline(candidate.rows, baseline.rows, settings, first.name, models, notes=notes)
    lines = [f"# vlmcore comparison: `{first.name}` vs `{second.name}`", "",
             "| model | metric | " + first.name + " | " + second.name + " |", "| --- | --- | --- | --- |"]
    for model in sorted(set(one["models"]) | set(two["models"])):
        lines += [f"| {cell(model)} | {name} | {_value(one, model, name)} | {_value(two, model, name)} |" for name in HEADLINE]
    lines += ["", "## Verdict (second run against the first)", ""] + verdict_lines(decision)
    return "\n".join(lines) + "\n", decision
