"""Faults and hostile configuration, as a user meets them: exit codes, clear messages naming
the path or key, nothing written under a final name, nothing lost without an event."""

import contextlib
import sqlite3
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.plugin.conftest import latest_run, read_summary, run_suite, scripted_plugin

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False):
    """A small RAM file system (root only): a full disk or a read-only folder, for real."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'mount failed'}): the full-disk check needs one")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.mark.parametrize("args, message", [
    (["-m", "medgemma", "--vlm-model", "medgemma", "--vlm-model-path", "/nonexistent"], "--vlm-model-path /nonexistent: no such folder"),
    (["-m", "medgemma", "--vlm-model", "medgemma", "--vlm-dtype", "float16"], "MedGemma (Gemma3) must not run in float16"),
    (["-m", "llava", "--vlm-model", "llava", "--vlm-quantization", "4bit", "--vlm-device", "cpu"], "--vlm-quantization 4bit needs CUDA"),
], ids=["nonexistent-path", "medgemma-float16", "4bit-on-cpu"])
def test_impossible_model_settings_are_usage_errors_before_any_load(pytester, args, message):
    result = run_suite(pytester, *args)
    assert result.ret == 4 and message in result.stderr.str()
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()


def test_a_quoted_boolean_threshold_is_a_usage_error(pytester, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[thresholds]\nallow_fallback_maps = "false"\n')
    result = run_suite(pytester, *SELECTION, "--vlm-thresholds", str(bad))
    assert result.ret == 4 and "allow_fallback_maps = 'false': must be true or false (unquoted)" in result.stderr.str()


def test_a_report_dir_that_is_a_file_fails_at_start(pytester, tmp_path):
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(blocker))
    assert result.ret == 4 and f"--vlm-report-dir {blocker}: not a writable folder" in result.stderr.str()


def test_a_read_only_or_full_report_dir_fails_at_start(pytester, tmp_path):
    with tmpfs(tmp_path / "ro", "4m", read_only=True) as folder:
        result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(folder / "reports"))
        assert result.ret == 4 and "not a writable folder (Read-only file system)" in result.stderr.str()
    with tmpfs(tmp_path / "small", "1m") as folder:
        result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(folder))
        assert result.ret == 4 and "MB free, this run's report needs about" in result.stderr.str()
        assert [p.name for p in folder.iterdir()] == []  # the probe left nothing behind


def test_a_full_disk_while_writing_leaves_no_truncated_file(tmp_path):
    """The report writer itself, on a disk too small for it: a named error, no file under a final name."""
    from tests.report.test_html_in_chromium import _report
    from vlmcore.report.atomic import ReportWriteError
    from vlmcore.report.write import write_report

    report = _report()
    with tmpfs(tmp_path / "full", "8k") as folder:
        with pytest.raises(ReportWriteError, match=r"cannot write .*(results.jsonl|summary.json|report.md|report.html).*No space left"):
            write_report(report, folder)
        written = [p for p in folder.rglob("*") if p.is_file()]
        assert all(p.stat().st_size > 0 for p in written), written  # nothing truncated under any name
        assert not [p for p in written if p.name.endswith(".tmp")]  # temporary files cleaned up
        assert not (folder / "latest.txt").exists()  # nothing points at the incomplete run


def test_a_corrupt_result_cache_is_moved_aside_and_rebuilt(pytester, tmp_path):
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    plugin = scripted_plugin(pytester, "honest")
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-result-cache", str(cache), plugin=plugin)
    assert result.ret in (0, 1, 10) and "error" not in result.stdout.str().lower().split("vlmcore")[0]
    events = read_summary(tmp_path / "r")["environment"]["events"]
    assert any("was corrupt: moved aside to" in e for e in events)
    moved = list(tmp_path.glob("cache.sqlite.corrupt-*"))
    assert moved and moved[0].read_bytes().startswith(b"this is not a database")
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] > 0


def test_a_malformed_cached_value_is_recomputed_not_dropped(pytester, tmp_path):
    cache = tmp_path / "cache.sqlite"
    plugin = scripted_plugin(pytester, "honest")
    first = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "a"), "--vlm-result-cache", str(cache), plugin=plugin)
    groups = read_summary(tmp_path / "a")["models"]["tiny-medgemma"]["groups"]
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE results SET value = '{\"p_yes\": 0.5}' WHERE rowid = (SELECT MIN(rowid) FROM results)")
        db.execute("UPDATE results SET value = 'not json' WHERE rowid = (SELECT MAX(rowid) FROM results)")
    again = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "b"), "--vlm-result-cache", str(cache), plugin=plugin)
    assert again.ret == first.ret
    summary = read_summary(tmp_path / "b")
    assert summary["models"]["tiny-medgemma"]["groups"] == groups
    assert any("malformed cached result" in e for e in summary["environment"]["events"])


def test_a_model_that_fails_to_load_is_tried_once(pytester, tmp_path):
    calls = tmp_path / "calls.txt"
    pytester.makepyfile(broken_model=textwrap.dedent(f'''
        def pytest_vlmcore_make_adapter(spec, run):
            if spec.key == "tiny-medgemma":
                with open({str(calls)!r}, "a") as handle:
                    handle.write("load\\n")
                raise RuntimeError("safetensors header is corrupt")
    '''))
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), plugin="broken_model")
    outcomes = result.parseoutcomes()
    assert calls.read_text() == "load\n"
    assert outcomes.get("failed", 0) == 22 and result.ret == 10  # failed, and nothing evaluated: NOT EVALUATED
    assert result.stdout.str().count("tiny-medgemma failed to load (tried once") >= 22
    assert "RuntimeError: safetensors header is corrupt" in result.stdout.str()


KILL_ONCE = '''
import os, signal
import numpy as np
from vlmcore.testing import ScriptedAdapter

MARK = {mark!r}


def margin(question, image):
    if "phantom05" not in question and float(np.mean(image)) != 128.0 and not os.path.exists(MARK) and "{target}" in question:
        open(MARK, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does to a worker
    return 2.0 if float(np.mean(image)) < 120 else -2.0


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return ScriptedAdapter(margin, name="killed-once")
'''


def test_a_worker_killed_mid_run_is_named_and_the_run_cannot_pass(pytester, tmp_path):
    pytester.makepyfile(kill_once=textwrap.dedent(KILL_ONCE.format(mark=str(tmp_path / "killed"), target="nodule")))
    few = tmp_path / "few.toml"
    few.write_text("[thresholds]\naccuracy = 0.0\nconsistency = 0.0\nfinding_consistency = 0.0\nstrategy_consistency = 0.0\n"
                   "label_swap = 0.0\nlesion_occlusion = 0.0\nmirror_laterality = 0.0\n[verdict]\nmin_clusters = 2\n")  # would PASS if nothing were lost
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and (test_model or test_group_consistency)", "-n", "2",
                       "--vlm-thresholds", str(few), "--vlm-report-dir", str(tmp_path / "r"), plugin="kill_once")
    assert (tmp_path / "killed").exists()  # the worker really was killed
    assert result.ret != 0
    summary = read_summary(tmp_path / "r")
    lost = [e for e in summary["environment"]["events"] if e.startswith("worker gw")]
    assert lost and "was lost" in lost[0] and "cannot PASS" in lost[0]
    assert summary["verdict"] != "PASS"
    report = (latest_run(tmp_path / "r") / "report.md").read_text()
    assert "was lost" in report
    assert not (tmp_path / "r" / ".partial").exists() or not any((tmp_path / "r" / ".partial").iterdir())


def test_run_ids_are_unique_within_one_second():
    from types import SimpleNamespace

    from vlmcore.plugin.session import shared_run_id

    ids = {shared_run_id(SimpleNamespace(stash=pytest.Stash())) for _ in range(50)}
    assert len(ids) == 50
