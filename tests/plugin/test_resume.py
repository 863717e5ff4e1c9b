"""Kill the smoke benchmark with SIGKILL mid-run, rerun: the report equals an uninterrupted
run's, and no result row is lost or duplicated."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from tests.plugin.conftest import BENCHMARKS, SCRIPTED_PLUGIN, read_results, read_summary

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and not flip_search"]


def _command(report_dir, cache):
    return [sys.executable, "-m", "pytest", str(BENCHMARKS), *SELECTION, "-q", "-p", "no:cacheprovider", "-p", "scripted_slow",
            "--vlm-report-dir", str(report_dir), "--vlm-result-cache", str(cache)]


def _stored(cache) -> int:
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(cache, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_sigkill_mid_run_then_rerun_gives_the_same_report(tmp_path):
    (tmp_path / "scripted_slow.py").write_text(textwrap.dedent(SCRIPTED_PLUGIN.format(behaviour="slow")))
    env = dict(os.environ, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    whole = subprocess.run(_command(tmp_path / "whole", tmp_path / "whole.sqlite"), cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=600)
    assert whole.returncode in (0, 1), whole.stdout[-2000:]
    total = _stored(tmp_path / "whole.sqlite")
    assert total > 0

    cache = tmp_path / "killed.sqlite"
    process = subprocess.Popen(_command(tmp_path / "killed", cache), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _stored(cache) < total // 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = _stored(cache)
    assert 0 < partial < total, f"the kill must land mid-run ({partial} of {total} results stored)"
    assert not (tmp_path / "killed" / "latest.txt").exists(), "a killed run writes no report"

    rerun = subprocess.run(_command(tmp_path / "killed", cache), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == whole.returncode
    assert _stored(cache) == total
    rows = read_results(tmp_path / "killed")
    assert rows == read_results(tmp_path / "whole")
    assert len({(r["model"], r["case_id"]) for r in rows}) == len(rows)
    first, second = read_summary(tmp_path / "whole"), read_summary(tmp_path / "killed")
    assert first["models"] == second["models"] and first["failed_cases"] == second["failed_cases"]
    assert json.dumps(first["cases"]) == json.dumps(second["cases"])
