"""The suite as users run it: report files, recomputable summary, xdist, scripted verdicts."""

import csv

import numpy as np
import pytest

from tests.plugin.conftest import copy_phantom, latest_run, read_results, read_summary, run_suite, scripted_plugin

REPORT_FILES = {"results.jsonl", "summary.json", "report.md", "report.html"}


@pytest.fixture(scope="module")
def tiny_llava_run(tmp_path_factory):
    """One real tiny-model smoke run (LLaVA, the quickest family), shared by the tests below."""
    pytester_dir = tmp_path_factory.mktemp("smoke")
    import subprocess
    import sys

    from tests.plugin.conftest import BENCHMARKS

    report_dir = pytester_dir / "reports"
    result = subprocess.run([sys.executable, "-m", "pytest", str(BENCHMARKS), "-m", "smoke", "-k", "tiny-llava", "-q",
                             "-p", "no:cacheprovider", "--vlm-report-dir", str(report_dir)],
                            capture_output=True, text=True, cwd=pytester_dir, timeout=600)
    # random weights: a failed check, or answers too unreadable to judge (NOT EVALUATED, issue 26); never a crash
    assert result.returncode in (0, 1, 10), result.stdout[-3000:] + result.stderr[-3000:]
    return report_dir, result.stdout


@pytest.mark.xdist_group("tiny-llava-run")
def test_smoke_run_writes_every_report_file(tiny_llava_run):
    report_dir, stdout = tiny_llava_run
    run_dir = latest_run(report_dir)
    assert REPORT_FILES <= {p.name for p in run_dir.iterdir()}
    assert "verdict:" in stdout and "report.html" in stdout
    summary = read_summary(report_dir)
    assert set(summary["models"]) == {"tiny-llava"}
    assert summary["environment"]["software"]["torch"].startswith("2.")
    assert "fingerprint=" in summary["environment"]["models"]["tiny-llava"]


@pytest.mark.xdist_group("tiny-llava-run")
def test_summary_matches_a_recomputation_from_results(tiny_llava_run):
    report_dir, _ = tiny_llava_run
    rows = read_results(report_dir)
    trials = [r for r in rows if r["relation"] == "counterfactual"]  # counterfactual trials are rows too, not cases
    rows = [r for r in rows if r["relation"] != "counterfactual"]
    model = read_summary(report_dir)["models"]["tiny-llava"]
    invariant = [r for r in rows if r["relation"] == "invariant"]
    assert len(rows) == model["cases"] == 216 and len(trials) == model["probe_trials"] > 0
    assert model["consistency"]["value"] == pytest.approx(np.mean([r["answer"] == r["base_answer"] for r in invariant]), abs=1e-6)
    assert model["accuracy"]["value"] == pytest.approx(np.mean([r["answer"] == r["expected"] for r in rows]), abs=1e-6)
    assert model["js_divergence"]["value"] == pytest.approx(np.mean([r["metrics"]["js_to_base"] for r in invariant]), abs=1e-6)
    inverted = [r for r in rows if r["relation"] == "inverted"]
    assert model["inverted_flip_rate"]["value"] == pytest.approx(np.mean([r["answer"] != r["base_answer"] for r in inverted]), abs=1e-6)
    assert model["image_reliance"]["value"] == pytest.approx(np.mean([r["blank_answer"] == r["answer"] for r in rows]), abs=1e-6)
    followed = [(r["answer"] != r["probe"]["reference_answer"]) == (r["expected"] != r["probe"]["reference_expected"])
                if r["probe"]["kind"] != "lesion_occlusion" else r["answer"] == r["expected"] for r in trials
                if r["probe"]["kind"] in ("label_swap", "lesion_occlusion")]  # grounding's probes (mirror laterality: a diagnostic)
    assert model["grounding"]["value"] == pytest.approx(np.mean(followed), abs=1e-6)
    low, high = model["accuracy"]["ci95"]
    assert low <= model["accuracy"]["value"] <= high
    assert all(r["map_method"] == "sdpa-rows" and r["map_fallback"] is False for r in rows)


def test_yes_always_model_fails_grounding(pytester, tmp_path):
    """On 100 films a model that says yes whatever the image is ruled out by the label swap (it
    scores the balanced design's 0.5); on the 6-patient phantom set nothing about grounding can be
    ruled out, and the run fails on what can be ruled out there: its accuracy. (Before issue 27 the
    blank film's image reliance failed it; a yes-always model with a "no" on the blank film passed.)"""
    import numpy as np

    from vlmcore.testing.study import StudyModel, write_study

    dataset = write_study(StudyModel().draw(np.random.default_rng(0)), tmp_path / "study")
    plugin = scripted_plugin(pytester, "yes-always")
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_model and label_swap", "--vlm-dataset", str(dataset),
                       "--vlm-report-dir", str(tmp_path / "a"), plugin=plugin)
    result.assert_outcomes(failed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*FAIL tiny-medgemma label_swap (model): 0.500, 95% CI*required >= 0.7 (100 clusters*"])
    few = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_model and label_swap", "--vlm-report-dir",
                    str(tmp_path / "b"), plugin=plugin)
    few.assert_outcomes(passed=1)
    assert few.ret == 1
    few.stdout.fnmatch_lines(["*FAIL tiny-medgemma accuracy (model)*unreliable: only 6 cluster(s))"])


def _dataset_with_voice_in_two_groups(tmp_path):
    """Four groups; only two of them carry passive paraphrases (voice, and combined built on voice)."""
    folder = copy_phantom(tmp_path)
    with (folder / "dataset.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    keep_voice = {"phantom02-pleural_effusion", "phantom05-pneumothorax"}
    groups = keep_voice | {"phantom03-nodule", "phantom04-cardiomegaly"}
    kept = [r for r in rows if r["group_id"] in groups and (r["strategy"] not in ("voice", "combined") or r["group_id"] in keep_voice)]
    path = folder / "voice.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    return path, keep_voice, groups


def test_strategy_flipper_fails_exactly_the_groups_with_that_strategy(pytester, tmp_path):
    dataset, voice_groups, all_groups = _dataset_with_voice_in_two_groups(tmp_path)
    plugin = scripted_plugin(pytester, "passive-flipper")
    shown = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_group_consistency", "--vlm-dataset", str(dataset),
                      "--vlm-report-dir", str(tmp_path / "r"), "-rx", plugin=plugin)
    xfailed = {line.split("tiny-medgemma-")[1].split("]")[0] for line in shown.outlines if line.startswith("XFAIL")}
    assert xfailed == voice_groups  # diagnostics: shown with the measured value, not gating
    shown.assert_outcomes(xfailed=2, passed=len(all_groups) - 2)
    gating = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_group_consistency", "--vlm-dataset", str(dataset),
                       "--vlm-report-dir", str(tmp_path / "g"), "--vlm-case-checks", "gate", plugin=plugin)
    failed = {line.split("tiny-medgemma-")[1].split("]")[0] for line in gating.outlines if line.startswith("FAILED")}
    assert failed == voice_groups and gating.ret == 1
    gating.assert_outcomes(failed=2, passed=len(all_groups) - 2)


def test_xdist_gives_the_same_summary_as_serial(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "passive-flipper")
    selection = ["-m", "smoke", "-k", "tiny-medgemma and not flip_search"]
    serial = run_suite(pytester, *selection, "--vlm-report-dir", str(tmp_path / "serial"), plugin=plugin)
    parallel = run_suite(pytester, *selection, "-n", "2", "--vlm-report-dir", str(tmp_path / "parallel"), plugin=plugin)
    assert serial.ret == parallel.ret
    one, two = read_summary(tmp_path / "serial"), read_summary(tmp_path / "parallel")
    assert one["models"] == two["models"]
    assert one["cases"] == two["cases"] and one["failed_cases"] == two["failed_cases"]
    assert read_results(tmp_path / "serial") == read_results(tmp_path / "parallel")
