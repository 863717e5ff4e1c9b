"""The embedded default: the whole benchmark suite on the four tiny built-in models over the
bundled phantom dataset (``pytest benchmarks -m smoke``), writing a complete report.

The tiny models have random weights, so their verdict is FAIL (or NOT EVALUATED: 6 patients
are too few to pass anything): the point is to show the whole pipeline and a real report,
not a good model. The demo exits 0 when the suite ran to a verdict and the report was
written, and non-zero when the run itself broke.
"""

from __future__ import annotations

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run_demo(report_dir: Path, extra: list[str]) -> int:
    import pytest

    code = pytest.main([str(BENCHMARKS), "-m", "smoke", "-q", "--no-header", "-p", "no:cacheprovider",
                        "--report-dir", str(report_dir), "-o", "addopts=", "--tb=no", "-rN", *extra])
    from vlmcore.verdict import exit_codes

    latest = report_dir / "latest.txt"
    if int(code) not in exit_codes.BY_STATUS.values() or not latest.is_file():
        print(f"vlmcore demo: the suite did not complete (pytest exit code {int(code)})")
        return int(code) or 1
    run_dir = report_dir / latest.read_text().strip()
    print(f"\nvlmcore demo: report written to {run_dir}/ (report.html, report.md, summary.json, results.jsonl)")
    if int(code) != exit_codes.PASS:
        print(f"vlmcore demo: verdict exit code {int(code)} (FAIL expected for random-weight tiny models on 6 patients); "
              "see the top of report.md for the rule and the numbers that decided it")
    return 0
