"""Write every report file for one run into ``<report-dir>/<run-id>/``."""

from __future__ import annotations

import os
from pathlib import Path

from vlmcore.report.html import render_html
from vlmcore.report.json_files import write_manifest, write_results, write_summary
from vlmcore.report.markdown import render_markdown
from vlmcore.report.run_report import RunReport


def write_report(report: RunReport, report_dir: Path) -> Path:
    run_dir = report_dir / report.run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    write_results(report, run_dir)
    write_summary(report, run_dir)
    write_manifest(report, run_dir)
    markdown = render_markdown(report)
    (run_dir / "report.md").write_text(markdown)
    (run_dir / "report.html").write_text(render_html(report))
    (report_dir / "latest.txt").write_text(report.run_id + "\n")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a") as handle:
            handle.write(markdown)
    return run_dir
