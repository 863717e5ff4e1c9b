"""The verdict and the gate on the shipped reference set, end to end, as a user meets them:
``pytest benchmarks`` on the checkpoint folders over the bundled held-out test set (exit code
and summary.json), then ``vlmcore compare`` between models of that run (exit codes)."""

import json
import re
import subprocess
import sys

import pytest

from vlmcore.demo import BENCHMARKS, MODELS, TEST_SET, model_key, reference_models
from vlmcore.verdict import exit_codes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("reference-verdicts")]
REQUIRED = ("robust", "brittle", "blind", "degraded")
REPLICAS = sorted(f.name for f in reference_models() if f.name.startswith("robust-seed"))
NAMES = REQUIRED + tuple(REPLICAS)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    folders = [f for f in reference_models() if f.name in NAMES]
    if {f.name for f in folders} != set(NAMES):
        pytest.fail(f"the reference set under {MODELS} is incomplete: {[f.name for f in folders]}")
    reports = tmp_path_factory.mktemp("reference-reports")
    # only the aggregate cases: the verdict reads every group's rows either way; maps and flip
    # searches are the demo's job
    command = [sys.executable, "-m", "pytest", str(BENCHMARKS), "-m", "not smoke", "-k", "test_model", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "--vlm-model", ",".join(str(f) for f in folders), "--vlm-dataset", str(TEST_SET),
               "--vlm-report-dir", str(reports)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    run_dir = reports / (reports / "latest.txt").read_text().strip()
    return done, run_dir, {f.name: model_key(f) for f in folders}


def _verdicts(run_dir):
    return {m["model"]: m for m in json.loads((run_dir / "summary.json").read_text())["decision"]["models"]}


def test_first_run_verdicts_tell_the_story(first_run):
    done, run_dir, keys = first_run
    assert done.returncode == exit_codes.FAIL, done.stdout[-3000:]
    verdicts = _verdicts(run_dir)
    for name in ("robust", *REPLICAS):
        assert verdicts[keys[name]]["status"] == "PASS", verdicts[keys[name]]
    brittle = " ".join(verdicts[keys["brittle"]]["reasons"])
    assert verdicts[keys["brittle"]]["status"] == "FAIL"
    assert "strategy_consistency" in brittle and ("register" in brittle or "phrasing" in brittle), brittle
    blind = " ".join(verdicts[keys["blind"]]["reasons"])
    assert verdicts[keys["blind"]]["status"] == "FAIL" and "label_swap" in blind, blind  # issue 27: the blank film no longer gates


@pytest.fixture(scope="module")
def calibrated_thresholds(first_run, tmp_path_factory):
    """``vlmcore margins`` on the two seed replicas (robust itself left out, so that a replica
    passing against robust is a check, not true by construction); its [gate] lines as a file."""
    _, run_dir, keys = first_run
    command = [sys.executable, "-m", "vlmcore", "margins", str(run_dir), "--models", ",".join(keys[name] for name in REPLICAS)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode == 1:
        # Flagged values are named per test ("FLAG [gate.probes.lesion_occlusion] grounding_margin = 0.17 ..."), each
        # beyond the 0.10 bound, and no thresholds file is printed. The shipped replicas differ by more than that on the
        # negated controls and on lesion occlusion (they predate both gating) and on consolidation accuracy (measured
        # 2026-12-05: inverted_flip_rate 0.22, [gate.probes.lesion_occlusion] 0.17, [gate.findings.consolidation] 0.11);
        # retraining them (refmodels) is what removes the flags. Accepted here only up to 0.25: wider is no retrain.
        flags = [re.search(r"^FLAG \[gate[.\w]*\] (\w+)_margin = ([0-9.]+) is beyond the sanity bound 0.1", line)
                 for line in done.stdout.splitlines() if line.startswith("FLAG ")]
        assert flags and all(f and float(f.group(2)) > 0.10 for f in flags), done.stdout
        assert "Paste into" not in done.stdout
        done = subprocess.run(command + ["--max-margin", "0.25"], capture_output=True, text=True, timeout=300, check=True)
    assert done.returncode == 0, done.stdout + done.stderr
    path = tmp_path_factory.mktemp("margins") / "thresholds.toml"
    path.write_text(done.stdout[done.stdout.index("[gate]\n"):])
    return path


def test_the_default_margin_calls_a_retrain_a_regression(first_run):
    """Why the margins are calibrated: with the default 0.02, robust-seed1 (same recipe, other seed)
    fails the gate on accuracy. A real difference (p < 0.05), but retrain noise, not a regression."""
    _, run_dir, keys = first_run
    command = [sys.executable, "-m", "vlmcore", "compare", str(run_dir), str(run_dir), "--first-model", keys["robust"],
               "--second-model", keys["robust-seed1"]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == exit_codes.FAIL and "REGRESSION llava@robust-seed1: accuracy" in done.stdout, done.stdout[-2000:]


@pytest.mark.parametrize("candidate, expected", [(name, exit_codes.PASS) for name in REPLICAS]
                         + [("brittle", exit_codes.FAIL), ("degraded", exit_codes.FAIL), ("blind", exit_codes.FAIL)])
def test_gate_against_robust(first_run, calibrated_thresholds, candidate, expected):
    _, run_dir, keys = first_run
    command = [sys.executable, "-m", "vlmcore", "compare", str(run_dir), str(run_dir), "--first-model", keys["robust"],
               "--second-model", keys[candidate], "--thresholds", str(calibrated_thresholds)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == expected, done.stdout[-3000:] + done.stderr[-2000:]


def test_shipped_diagnostic_bars_come_from_the_replicas_and_robust_passes_most_groups(first_run):
    """fixtures/reference/thresholds.toml holds what ``vlmcore.verdict.diagnostic_bars`` reads off
    the three healthy retrains of the robust recipe in this very run (robust and its seed
    replicas: two replicas alone gave a group-JS bar that robust, the third retrain, failed on
    most groups; docs/maps.md); at those bars robust fails few groups on attention JS, where the
    fixed 0.15 failed every one (issue 28: 315 of 315)."""
    import numpy as np

    from vlmcore.demo import THRESHOLDS
    from vlmcore.verdict.baseline import read_run
    from vlmcore.verdict.diagnostic_bars import replica_bars
    from vlmcore.verdict.thresholds import load_thresholds

    _, run_dir, keys = first_run
    rows = read_run(run_dir).rows
    shipped = load_thresholds(THRESHOLDS)
    for bar in replica_bars(rows, [keys[name] for name in ("robust", *REPLICAS)]):
        assert shipped.get(bar.measure) == pytest.approx(bar.bar), (bar, shipped.get(bar.measure))
    groups = {}
    for row in rows:
        if row.model == keys["robust"] and row.relation == "invariant":
            groups.setdefault(row.group_id, []).append(row.metrics["js_to_base"])
    means = [float(np.mean(v)) for v in groups.values()]
    failing = sum(m > shipped.get("js_divergence") for m in means)
    assert failing <= 0.1 * len(means), (failing, len(means))
    assert sum(m > 0.15 for m in means) > 0.9 * len(means)
