"""The embedded default: the whole benchmark suite on the four tiny built-in models over the
bundled phantom dataset (``pytest benchmarks -m smoke``), writing a complete report.

The tiny models have random weights, so their verdict is FAIL: the point is to show the
whole pipeline and a real report, not a good model. The demo exits 0 when the suite ran
and the report was written, and non-zero when the run itself broke.
"""

from __future__ import annotations

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_demo(report_dir: Path, extra: list[str]) -> int:
    import pytest

    code = pytest.main([str(BENCHMARKS), "-m", "smoke", "-q", "--no-header", "-p", "no:cacheprovider",
                        "--report-dir", str(report_dir), "-o", "addopts=", "--tb=no", "-rN", *extra])
    latest = report_dir / "latest.txt"
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not latest.is_file():
        print(f"vlmcore demo: the suite did not complete (pytest exit code {int(code)})")
        return int(code) or 1
    run_dir = report_dir / latest.read_text().strip()
    print(f"\nvlmcore demo: report written to {run_dir}/ (report.html, report.md, summary.json, results.jsonl)")
    if code == pytest.ExitCode.TESTS_FAILED:
        print("vlmcore demo: verdict FAIL, as expected for random-weight tiny models; see report.md for why")
    return 0
