"""Two runs side by side (old vs new checkpoint, or MedGemma vs LLaVA), with the gate's
verdict when both ran the same model on the same cases."""

from __future__ import annotations

import json
from pathlib import Path

from vlmcore.plugin.baseline import read_rows
from vlmcore.plugin.gate import compare_runs
from vlmcore.plugin.thresholds import load_thresholds

HEADLINE = ("consistency", "flip_rate", "accuracy", "js_divergence", "inverted_flip_rate", "image_reliance")


def _value(summary: dict, model: str, name: str) -> str:
    entry = summary["models"].get(model, {}).get(name)
    return "-" if not entry or entry["value"] is None else f"{entry['value']:.3f}"


def compare_run_dirs(first: Path, second: Path, thresholds: str | None = None) -> tuple[str, bool]:
    """Markdown comparing two run folders, and whether the gate passed (True if no paired model)."""
    one, two = (json.loads((d / "summary.json").read_text()) for d in (first, second))
    lines = [f"# vlmcore comparison: `{first.name}` vs `{second.name}`", "",
             "| model | metric | " + first.name + " | " + second.name + " |", "| --- | --- | --- | --- |"]
    for model in sorted(set(one["models"]) | set(two["models"])):
        for name in HEADLINE:
            lines.append(f"| {model} | {name} | {_value(one, model, name)} | {_value(two, model, name)} |")
    gate = compare_runs(read_rows(first / "results.jsonl"), read_rows(second / "results.jsonl"), load_thresholds(thresholds).gate)
    lines += ["", "## Gate (second run against the first)", ""]
    lines += [f"- {g.sentence}" for g in gate] or ["- no model ran on the same cases in both runs: nothing to gate"]
    for g in gate:
        if not g.passed:
            lines.append(f"  - worse ({g.model}, {g.check}): " + ", ".join(g.worse))
    return "\n".join(lines) + "\n", all(g.passed for g in gate)
