"""``results.jsonl`` (one row per variant) and ``summary.json``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from vlmcore.report.run_report import RunReport


def write_results(report: RunReport, run_dir: Path) -> Path:
    path = run_dir / "results.jsonl"
    ordered = sorted(report.rows, key=lambda r: (r.model, r.group_id, r.case_id))
    path.write_text("".join(json.dumps(row.to_json(), sort_keys=True) + "\n" for row in ordered))
    return path


def write_summary(report: RunReport, run_dir: Path) -> Path:
    path = run_dir / "summary.json"
    document = {
        "run_id": report.run_id, "verdict": report.verdict(), "models": report.summary, "thresholds": report.thresholds,
        "environment": report.environment,
        "cases": {"passed": sum(c.outcome == "passed" for c in report.cases), "failed": len(report.failed()),
                  "skipped": sum(c.outcome == "skipped" for c in report.cases)},
        "failed_cases": [c.to_json() for c in sorted(report.failed(), key=lambda c: c.nodeid)],
        "gate": [asdict(g) for g in report.gate], "flip_search": report.flips,
        "metric_notes": {"js_divergence": "Jensen-Shannon divergence, log base 2, in [0, 1]; JS distance is its square root",
                         "ci95": "95% bootstrap percentile interval, patients resampled with replacement (1000 resamples)"},
    }
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return path
