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
REQUIRED = ("robust", "brittle", "blind", "degraded", "shortcut", "medgemma-robust")
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
    for name in ("robust", *REPLICAS, "medgemma-robust"):
        assert verdicts[keys[name]]["status"] == "PASS", verdicts[keys[name]]
    brittle = " ".join(verdicts[keys["brittle"]]["reasons"])
    assert verdicts[keys["brittle"]]["status"] == "FAIL"
    assert "strategy_consistency" in brittle and ("register" in brittle or "phrasing" in brittle), brittle
    blind = " ".join(verdicts[keys["blind"]]["reasons"])
    assert verdicts[keys["blind"]]["status"] == "FAIL" and "label_swap" in blind, blind  # issue 27: the blank film no longer gates


def test_shortcut_fails_on_grounding_and_nothing_else(first_run):
    """Issue 27: ``shortcut`` answers from the burned-in tags, so it is right and consistent on the
    tagged test films and follows a label swap (the other film's tags change too); only hiding the
    lesion (its answer stays) exposes it. Its every failed check is the lesion-occlusion probe; the
    film readers keep their answers when the tags are hidden and shortcut does not (diagnostic)."""
    done, run_dir, keys = first_run
    verdicts = _verdicts(run_dir)
    shortcut = verdicts[keys["shortcut"]]
    assert shortcut["status"] == "FAIL", shortcut
    summary = json.loads((run_dir / "summary.json").read_text())
    failed = [c for c in summary["decision"]["checks"] if c["model"] == keys["shortcut"] and c["gating"] and not c["passed"]]
    assert failed and {c["check"] for c in failed} == {"lesion_occlusion"}, [c["sentence"] for c in failed]
    failed_cases = [c for c in summary["failed_cases"] if c["model"] == keys["shortcut"]]
    assert {c["check"] for c in failed_cases} == {"test_lesion_occlusion"}, failed_cases
    models = summary["models"]
    for name in ("robust", *REPLICAS, "medgemma-robust"):
        assert models[keys[name]]["lesion_occlusion"]["ci95"][0] > models[keys["shortcut"]]["lesion_occlusion"]["ci95"][1], name
        assert models[keys[name]]["marker_reliance"]["value"] >= 0.9, (name, models[keys[name]]["marker_reliance"])
    assert models[keys["shortcut"]]["marker_reliance"]["value"] <= 0.2, models[keys["shortcut"]]["marker_reliance"]


@pytest.fixture(scope="module")
def calibrated_thresholds(first_run, tmp_path_factory):
    """``vlmcore margins`` on the two seed replicas (robust itself left out, so that a replica
    passing against robust is a check, not true by construction); its [gate] lines as a file."""
    _, run_dir, keys = first_run
    command = [sys.executable, "-m", "vlmcore", "margins", str(run_dir), "--models", ",".join(keys[name] for name in REPLICAS)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if done.returncode == 1:
        # Flagged values are named per test ("FLAG [gate.probes.lesion_occlusion] grounding_margin = 0.17 ..."), each
        # beyond the 0.10 bound, and no thresholds file is printed. Negation is the least stable property of these tiny
        # models: even the replicas retrained with robust's current recipe differ on the negated controls by about
        # the bound (inverted_flip_rate_margin 0.12: robust-seed1 0.979 vs robust-seed2 0.883, measured 2026-12-05; the
        # first weights also flagged consolidation accuracy and lesion occlusion). Accepted here only up to 0.25.
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
    """Why the margins are calibrated: with the default 0.02, robust-seed2 (same recipe, other seed)
    fails the gate on its negated controls (inverted flip rate 0.977 -> 0.883, p 1.5e-8, measured
    2026-12-05). A real difference, but retrain noise, not a regression. (robust-seed1, better than
    robust on every gated rate, passes even at the default margins; with the replicas' first weights
    it was robust-seed1 that failed, on accuracy.)"""
    _, run_dir, keys = first_run
    command = [sys.executable, "-m", "vlmcore", "compare", str(run_dir), str(run_dir), "--first-model", keys["robust"],
               "--second-model", keys["robust-seed2"]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == exit_codes.FAIL and "REGRESSION llava@robust-seed2: inverted_flip_rate" in done.stdout, \
        done.stdout[-2000:]


# The replicas' subgroup regressions against robust (robust-seed1: accuracy on cardiomegaly
# 0.983 -> 0.922, label swap 0.954 -> 0.898; robust-seed2: lesion occlusion 0.890 -> 0.750) were
# kept here as strict xfails while the replicas predated robust's retrain. Retrained with its recipe
# (2026-12-05), both pass the calibrated gate against robust, per finding and per probe family too.


@pytest.mark.parametrize("candidate, expected", [(name, exit_codes.PASS) for name in REPLICAS]
                         + [("brittle", exit_codes.FAIL), ("degraded", exit_codes.FAIL), ("blind", exit_codes.FAIL),
                            ("shortcut", exit_codes.FAIL)])
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
    most groups; docs/maps.md); at those bars robust fails few groups on attention JS. (The fixed
    0.15 failed the previous robust on 315 of 315 groups, issue 28; the retrained robust's answer
    rows are stable, mean group JS 0.014, and fail none at 0.15, while robust-seed1 fails 62: the
    bar is a property of the retrains, 2026-12-05.)"""
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
