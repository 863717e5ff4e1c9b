"""Write every report file for one run into ``<report-dir>/<run-id>/``."""

from __future__ import annotations

import os
from pathlib import Path

from vlmcore.report.atomic import ReportWriteError, append_text, write_atomic
from vlmcore.report.html import render_html
from vlmcore.report.json_files import write_manifest, write_results, write_summary
from vlmcore.report.markdown import render_markdown
from vlmcore.report.run_report import RunReport
from vlmcore.report.sections import compute_sections
from vlmcore.report.verdict_section import NEW_FLIPS_FILE


def _write_overlays(report: RunReport, folder: Path) -> None:
    """Every flipped pair's overlay as a JPEG (the page embeds only a few: its size budget)."""
    import base64
    import re

    if not report.overlays:
        return
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise ReportWriteError(f"cannot create {folder}: {error.strerror or error}") from None
    for key, encoded in report.overlays.items():
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", key.replace("/", "__")) + ".jpg"
        write_atomic(folder / name, base64.b64decode(encoded))


def _write_new_flips(report: RunReport, run_dir: Path) -> None:
    """Every new flip, one JSON object a line: the pages list the first few and point here."""
    import json

    from vlmcore.records import to_json

    flips = report.decision.new_flips
    if flips:
        write_atomic(run_dir / NEW_FLIPS_FILE, "".join(json.dumps(to_json(f), sort_keys=True) + "\n" for f in flips))


def write_report(report: RunReport, report_dir: Path) -> Path:
    """Every file atomically (``atomic.write_atomic``); raises ``ReportWriteError`` naming the path."""
    run_dir = report_dir / report.run_id
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportWriteError(f"cannot create {run_dir}: {error.strerror or error}") from None
    write_results(report, run_dir)
    write_summary(report, run_dir)
    write_manifest(report, run_dir)
    _write_new_flips(report, run_dir)
    sections = compute_sections(report)  # once, for both pages
    markdown = render_markdown(report, sections)
    write_atomic(run_dir / "report.md", markdown)
    write_atomic(run_dir / "report.html", render_html(report, sections))
    _write_overlays(report, run_dir / "overlays")
    write_atomic(report_dir / "latest.txt", report.run_id + "\n")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        append_text(Path(step_summary), markdown)
    return run_dir
