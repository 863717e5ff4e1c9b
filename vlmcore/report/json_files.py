"""``results.jsonl`` (one row per variant) and ``summary.json``."""

from __future__ import annotations

import json
import math
from pathlib import Path

from vlmcore.records import to_json
from vlmcore.report.atomic import write_atomic
from vlmcore.report.outcomes import Outcome
from vlmcore.report.run_report import RunReport


def write_results(report: RunReport, run_dir: Path) -> Path:
    path = run_dir / "results.jsonl"
    ordered = sorted(report.rows, key=lambda r: (r.model, r.group_id, r.case_id))
    write_atomic(path, "".join(json.dumps(row.to_json(), sort_keys=True) + "\n" for row in ordered))
    return path


def write_summary(report: RunReport, run_dir: Path) -> Path:
    path = run_dir / "summary.json"
    document = {
        "run_id": report.run_id, "verdict": report.verdict().value, "decision": report.decision.to_json(),
        "models": to_json(report.summary), "thresholds": report.thresholds.describe(), "environment": to_json(report.environment),
        "manifest": report.manifest.to_json(),
        "cases": {"passed": sum(c.outcome is Outcome.PASSED for c in report.cases), "failed": len(report.failed()),
                  "not_holding_diagnostics": len(report.diagnostics()), "skipped": len(report.skipped())},
        "failed_cases": to_json(sorted(report.not_holding(), key=lambda c: c.nodeid)),
        "flip_search": to_json(report.flips),
        "sections": to_json(report.sections),
        "metric_notes": {"js_divergence": "Jensen-Shannon divergence, log base 2, in [0, 1]; JS distance is its square root",
                         "ci95": "95% interval clustered by patient (by film without patient ids): Wilson score on the "
                                 "design-effect-adjusted sample size with a t quantile on clusters - 1 df; unreliable below 10 clusters",
                         "verdict": "see decision.rule; exit codes in the README"},
    }
    document, replaced = finite(document)
    document["non_finite_values_replaced"] = replaced  # NaN / infinity would make the file invalid JSON
    write_atomic(path, json.dumps(document, indent=1, sort_keys=True, allow_nan=False) + "\n")
    return path


def finite(value) -> tuple[object, int]:
    """``value`` with every NaN / infinity replaced by None (JSON has neither), and how many were."""
    if isinstance(value, float):
        return (value, 0) if math.isfinite(value) else (None, 1)
    if isinstance(value, dict):
        pairs = [(k, *finite(v)) for k, v in value.items()]
        return {k: v for k, v, _ in pairs}, sum(n for _, _, n in pairs)
    if isinstance(value, (list, tuple)):
        items = [finite(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


def write_manifest(report: RunReport, run_dir: Path) -> Path:
    path = run_dir / "manifest.json"
    write_atomic(path, json.dumps(report.manifest.to_json(), indent=1, sort_keys=True) + "\n")
    return path
