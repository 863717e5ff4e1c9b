"""A baseline is only ever replaced by a complete, passing run (issue 23 item 2; issue 25 item 8),
end to end through ``pytest benchmarks``: an interrupted, ``-x``-stopped, internal-error, FAIL or
NOT EVALUATED run leaves the previous baseline byte for byte; a forced save is marked as such."""

import json
import textwrap

import pytest

from tests.plugin.conftest import latest_run, read_summary, run_suite, scripted_plugin

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]
INTERRUPTING = '''
import os, signal
import numpy as np
from vlmcore.testing import ScriptedAdapter

CALLS = [0]
# a run started in the background by a shell without job control inherits SIGINT ignored, and Python
# then keeps it ignored: the Ctrl-C this plugin sends must reach pytest as it would at a terminal
signal.signal(signal.SIGINT, signal.default_int_handler)


def margin(question, image):
    CALLS[0] += 1
    if CALLS[0] == 150:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, a few groups into the run
    return 2.0 if float(np.mean(image)) < 120 else -2.0


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return ScriptedAdapter(margin, name="honest")
'''


def _lenient(tmp_path):
    """The scripted model reads the phantom films only roughly (accuracy ~0.4): judge consistency alone, on 6 patients."""
    path = tmp_path / "few.toml"
    path.write_text("[thresholds]\naccuracy = 0.0\n[verdict]\nmin_clusters = 2\n")
    return ["--vlm-thresholds", str(path)]


def _thresholds(tmp_path, text):
    path = tmp_path / "t.toml"
    path.write_text(text)
    return ["--vlm-thresholds", str(path)]


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def saved(pytester, tmp_path):
    """A good baseline 'rel' from a complete PASS run; returns its files' bytes."""
    plugin = scripted_plugin(pytester, "honest")
    result = run_suite(pytester, *SELECTION, *_lenient(tmp_path), "--vlm-report-dir", str(tmp_path / "r"), "--vlm-save-baseline", "rel",
                       plugin=plugin)
    assert result.ret == 0, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines([f"*baseline saved: {tmp_path / 'r' / 'baselines' / 'rel'}"])
    return _snapshot(tmp_path / "r" / "baselines" / "rel")


def test_ctrl_c_mid_run_keeps_the_previous_baseline(pytester, tmp_path, saved):
    pytester.makepyfile(interrupting=textwrap.dedent(INTERRUPTING))
    result = run_suite(pytester, *SELECTION, *_lenient(tmp_path), "--vlm-report-dir", str(tmp_path / "r"), "--vlm-save-baseline", "rel",
                       "--vlm-result-cache", "off", plugin="interrupting")
    assert result.ret == 2
    result.stdout.fnmatch_lines(["*baseline 'rel' not saved: the run was interrupted (exit 2); the previous baseline*is kept*"])
    assert _snapshot(tmp_path / "r" / "baselines" / "rel") == saved
    summary = read_summary(tmp_path / "r")  # the partial report says what it is
    assert summary["verdict"] == "NOT EVALUATED" and any("interrupted" in n for n in summary["decision"]["notes"])


@pytest.mark.parametrize("stop", [["-x"], ["--maxfail", "2"]], ids=["x", "maxfail"])
def test_a_run_stopped_by_x_or_maxfail_is_not_saved(pytester, tmp_path, saved, stop):
    plugin = scripted_plugin(pytester, "passive-flipper")  # flips some groups: failures under --vlm-case-checks gate
    result = run_suite(pytester, *SELECTION, *_lenient(tmp_path), *stop, "--vlm-case-checks", "gate", "--vlm-report-dir", str(tmp_path / "r"),
                       "--vlm-save-baseline", "rel", "--vlm-save-baseline-force", "even so", plugin=plugin)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*baseline 'rel' not saved: the run is incomplete (pytest stopped early (stopping after * failures)*"])
    assert _snapshot(tmp_path / "r" / "baselines" / "rel") == saved


def test_an_internal_error_is_not_saved(pytester, tmp_path, saved):
    plugin = scripted_plugin(pytester, "honest")
    pytester.makepyfile(crashing='''
        def pytest_runtest_logreport(report):
            if report.when == "call" and "phantom03" in report.nodeid:
                raise RuntimeError("a reporting plugin crashed")
    ''')
    result = run_suite(pytester, *SELECTION, *_lenient(tmp_path), "-p", "crashing", "--vlm-report-dir", str(tmp_path / "r"),
                       "--vlm-save-baseline", "rel", plugin=plugin)
    assert result.ret == 3
    assert "baseline 'rel' not saved: the run ended in an internal error (exit 3)" in result.stdout.str()
    assert _snapshot(tmp_path / "r" / "baselines" / "rel") == saved


def test_a_fail_run_is_not_saved_unless_forced_and_a_forced_save_says_so(pytester, tmp_path, saved):
    plugin = scripted_plugin(pytester, "honest")
    strict = _thresholds(tmp_path, "[verdict]\nmin_clusters = 2\n")  # accuracy 0.4 < 0.7 is ruled out: FAIL
    refused = run_suite(pytester, *SELECTION, *strict, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-save-baseline", "rel",
                        plugin=plugin)
    assert refused.ret == 1
    refused.stdout.fnmatch_lines(["*baseline 'rel' not saved: the verdict is FAIL, and only a PASS run becomes a baseline*"])
    assert _snapshot(tmp_path / "r" / "baselines" / "rel") == saved

    forced = run_suite(pytester, *SELECTION, *strict, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-save-baseline", "rel",
                       "--vlm-save-baseline-force", "known regression accepted", plugin=plugin)
    assert forced.ret == 1
    forced.stdout.fnmatch_lines(["*baseline saved: *rel (FORCED from a FAIL run: known regression accepted)"])
    seal = json.loads((tmp_path / "r" / "baselines" / "rel" / "manifest.json").read_text())["baseline"]
    assert seal["forced"] == "known regression accepted" and seal["verdict"] == "FAIL"
    assert "FORCED from a FAIL run" in (latest_run(tmp_path / "r") / "report.md").read_text()
    gate = run_suite(pytester, *SELECTION, *strict, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-baseline", "rel", plugin=plugin)
    gate.stdout.fnmatch_lines(["*note: baseline 'rel' was saved FORCED from a FAIL run*: known regression accepted"])


def test_a_not_evaluated_run_is_not_saved(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")  # 6 phantom patients: too few for a verdict
    result = run_suite(pytester, *SELECTION, *_thresholds(tmp_path, "[thresholds]\naccuracy = 0.0\n"), "--vlm-report-dir",
                       str(tmp_path / "r"), "--vlm-save-baseline", "rel", plugin=plugin)
    assert result.ret == 10
    result.stdout.fnmatch_lines(["*baseline 'rel' not saved: the verdict is NOT EVALUATED*--vlm-save-baseline-force REASON*"])
    assert not (tmp_path / "r" / "baselines" / "rel").exists()


def test_a_tampered_baseline_stops_the_gate_with_exit_4_naming_the_file(pytester, tmp_path, saved):
    results = tmp_path / "r" / "baselines" / "rel" / "results.jsonl"
    results.write_text(results.read_text().replace('"answer": "yes"', '"answer": "no"', 1))
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-baseline", "rel")
    assert result.ret == 4
    assert f"{results} does not match the digest in" in result.stderr.str()
    assert "passed" not in result.stdout.str()


@pytest.mark.parametrize("option", ["--vlm-save-baseline", "--vlm-baseline"])
def test_dot_dot_is_a_usage_error_and_writes_nothing_in_the_parent(pytester, tmp_path, option):
    before = sorted(p.name for p in pytester.path.parent.iterdir())
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), option, "..")
    assert result.ret == 4 and "baseline name '..'" in result.stderr.str()
    assert sorted(p.name for p in pytester.path.parent.iterdir()) == before
