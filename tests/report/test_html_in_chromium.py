"""The HTML report opens in headless Chromium without console errors and shows the verdict."""

import shutil
import subprocess

import pytest

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.summary import summarise_run
from vlmcore.verdict.decision import decide_first_run
from vlmcore.verdict.manifest import RunManifest
from vlmcore.verdict.thresholds import load_thresholds
from vlmcore.report.html import render_html
from vlmcore.report.run_report import CaseOutcome, RunReport


def _report() -> RunReport:
    rows = []
    for group in range(3):
        for index, (relation, answer) in enumerate([("base", "yes"), ("invariant", "yes"), ("invariant", "no"), ("inverted", "no")]):
            rows.append(VariantRow(
                model="m", case_id=f"g{group}-{index}", group_id=f"g{group}", question=f"q{index}?", relation=relation,
                strategy="baseline" if relation == "base" else "voice", finding="pneumothorax", patient_id=f"p{group}", image="a.png",
                expected="yes" if relation != "inverted" else "no", answer=answer, base_answer="yes", p_yes=0.7, margin=0.8,
                mass=0.5, parse_path="score", map_method="sdpa-rows", map_fallback=False, map_grid=(4, 4), blank_answer="yes",
                metrics={"inside_body_ratio": 0.9, "border_fraction": 0.1, "js_to_base": 0.02 * index}))
    cases = [CaseOutcome("b::t[m-g0]", "test_group_consistency", "m", "g0", "failed", "consistency 0.50 < 0.9")]
    thresholds = load_thresholds()
    return RunReport("r1", rows, summarise_run(rows), cases, thresholds.describe(), {"software": {}},
                     decide_first_run(rows, thresholds, ["m"], {"m": 1}), RunManifest("r1", "d.csv", "fp", thresholds.gate))


def test_html_report_renders_in_headless_chromium(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); the report's HTML check needs it")
    page = tmp_path / "report.html"
    page.write_text(render_html(_report()))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    shot = tmp_path / "shot.png"
    result = subprocess.run([browser, *flags, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    assert shot.is_file() and shot.stat().st_size > 10_000
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "Verdict" in dom and "FAIL" in dom and "consistency 0.50" in dom
