"""The verdict as a release gate, end to end: ``pytest benchmarks`` on a scripted model with
the published MedGemma-4B study's behaviour (100 films x base + 5 paraphrases; consistency
0.904, 31 groups with a flip, accuracy 0.743), driven through ``pytest_vlmcore_make_adapter``
and ``vlmcore.testing``, with exit codes checked as CI reads them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.plugin.conftest import BENCHMARKS, NO_PROBES, latest_run
from vlmcore.testing.study import StudyModel, fix_groups, group_id, plant_flips, write_study

pytestmark = [pytest.mark.xdist_group("study-scenarios"), pytest.mark.slow]
SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and (test_model or test_group_consistency)"]
SEED = 309  # a draw close to the published figures: consistency 0.904, 31 groups with a flip, accuracy 0.743
PLUGIN = '''
import os
from vlmcore.testing.study import study_adapter



def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return study_adapter(os.environ["STUDY_ANSWERS"])
'''



class Study:
    """Datasets, answer tables and a saved baseline, built once for the module."""

    def __init__(self, root: Path):
        self.root = root
        (root / "plugin").mkdir()
        (root / "plugin" / "study_plugin.py").write_text(PLUGIN)
        self.model = StudyModel()
        self.run = self.model.draw(np.random.default_rng(SEED))
        self.dataset = write_study(self.run, root / "study")
        self.reports = root / "reports"

    def answers(self, name: str, run) -> Path:
        folder = self.root / f"answers-{name}"
        write_study(run, folder)
        return folder / "answers.json"

    def pytest(self, *args: str, answers: Path | None = None, dataset: Path | None = None, report_dir: Path | None = None):
        env = dict(os.environ, STUDY_ANSWERS=str(answers or self.dataset.parent / "answers.json"),
                   PYTHONPATH=os.pathsep.join([str(self.root / "plugin"), os.environ.get("PYTHONPATH", "")]))
        env.pop("CI", None)
        command = [sys.executable, "-m", "pytest", str(BENCHMARKS), "-p", "study_plugin", "-p", "no:cacheprovider", "-q",
                   "--vlm-dataset", str(dataset or self.dataset), "--vlm-report-dir", str(report_dir or self.reports), *SELECTION, *NO_PROBES, *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=self.root, timeout=300)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    study = Study(tmp_path_factory.mktemp("study"))
    study.first = study.pytest("--vlm-save-baseline", "release")
    return study


def _summary(report_dir: Path) -> dict:
    return json.loads((latest_run(report_dir) / "summary.json").read_text())


def test_published_study_model_passes_its_first_run_and_is_saved(study):
    assert study.run.consistency() == pytest.approx(0.904) and study.run.accuracy() == pytest.approx(0.7433, abs=1e-3)
    assert study.first.returncode == 0, study.first.stdout[-3000:]
    assert "verdict: PASS (exit code 0)" in study.first.stdout
    summary = _summary(study.reports)
    assert summary["models"]["tiny-medgemma"]["clusters"] == 100
    flipped = [c for c in summary["failed_cases"] if c["check"] == "test_group_consistency"]
    assert len(flipped) == 31 and all(c["outcome"] == "xfailed" for c in flipped)  # shown, not gating
    assert (study.reports / "baselines" / "release" / "manifest.json").is_file()


def test_same_model_against_its_baseline_exits_0(study):
    again = study.pytest("--vlm-baseline", "release")
    assert again.returncode == 0, again.stdout[-3000:]
    assert "ok tiny-medgemma: consistency 0.904 -> 0.904" in again.stdout
    assert "gate against baseline 'release'" in again.stdout


def test_three_flipping_groups_fixed_exits_0(study):
    better, fixed = fix_groups(study.run, np.random.default_rng(1), 3)
    result = study.pytest("--vlm-baseline", "release", answers=study.answers("fixed", better))
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"consistency 0.904 -> {better.consistency():.3f}" in result.stdout and better.consistency() > study.run.consistency()


def test_two_new_flips_in_15_consistent_groups_fail_with_those_groups_listed(study):
    worse, planted = plant_flips(study.run, np.random.default_rng(2), 15)
    result = study.pytest("--vlm-baseline", "release", answers=study.answers("worse", worse))
    assert result.returncode == 1, result.stdout[-3000:]
    assert "REGRESSION tiny-medgemma: consistency 0.904 -> 0.844" in result.stdout
    listed = {line.split()[3].rstrip(":") for line in result.stdout.splitlines() if line.startswith("  new flip ")}
    assert listed == {group_id(g) for g in planted}
    flips = _summary(study.reports)["decision"]["new_flips"]
    assert len(flips) == 30 and {f["group_id"] for f in flips} == listed
    assert all(f["base_question"].startswith("Is there") and f["paraphrase"] != f["base_question"] for f in flips)


def test_candidate_thresholds_cannot_loosen_the_baselines_gate(study, tmp_path):
    worse, _ = plant_flips(study.run, np.random.default_rng(2), 15)
    loose = tmp_path / "loose.toml"
    loose.write_text("[gate]\nconsistency_margin = 0.5\naccuracy_margin = 0.5\n")
    answers = study.answers("worse-loose", worse)
    kept = study.pytest("--vlm-baseline", "release", "--vlm-thresholds", str(loose), answers=answers)
    assert kept.returncode == 1
    assert "asks for other gate settings, not used" in kept.stdout and "consistency_margin: 0.5 here, 0.02 in" in kept.stdout
    overridden = study.pytest("--vlm-baseline", "release", "--vlm-thresholds", str(loose), "--vlm-gate-settings", "candidate", answers=answers)
    assert "gate settings OVERRIDDEN" in overridden.stdout
    # The gate itself obeys the override: the baseline's settings catch the 15 flips, the loose ones do
    # not. The candidate still faces the first-run checks (issue 25): 15 flips on the published study's
    # 0.905 take consistency under its 0.9 bar, so the exit code alone cannot tell the two apart.
    assert _gate_alarms(kept.stdout), kept.stdout[-2000:]
    assert not _gate_alarms(overridden.stdout), overridden.stdout[-2000:]
    assert overridden.returncode in (0, 1)


def _gate_alarms(stdout: str) -> list[str]:
    """The terminal summary's lines where the gate (not a first-run check) alarmed."""
    return [line for line in stdout.splitlines()
            if not line.startswith(("XFAIL", "XPASS", "PASSED", "FAILED")) and (" REGRESSION" in line or " HARM" in line)]


def test_a_baseline_of_10_groups_pairs_too_few_patients_to_gate(study, tmp_path):
    """A baseline of 10 of the 100 groups, saved whole (its files sealed together, as a smaller run
    would save them): every baseline case pairs (the paired share is the baseline's, issue 25: a grown
    dataset is not a broken comparison), but only 10 patients do, under the 30 a gate PASS needs, so
    the verdict is NOT EVALUATED (exit 10), never a pass. Truncating a saved baseline's file in place is
    refused outright (exit 4, tests/plugin/test_baseline_saves.py)."""
    truncated = tmp_path / "truncated"
    shutil.copytree(study.reports / "baselines" / "release", truncated)
    rows = (truncated / "results.jsonl").read_text().splitlines()
    keep = {group_id(g) for g in range(10)}
    (truncated / "results.jsonl").write_text("\n".join(r for r in rows if json.loads(r)["group_id"] in keep) + "\n")
    tampered = study.pytest("--vlm-baseline", str(truncated), report_dir=tmp_path / "reports")
    assert tampered.returncode == 4 and f"{truncated / 'results.jsonl'} does not match the digest" in tampered.stderr
    from vlmcore.verdict.baseline import sha256_of

    manifest = json.loads((truncated / "manifest.json").read_text())
    manifest["baseline"]["sha256"]["results.jsonl"] = sha256_of(truncated / "results.jsonl")  # re-sealed: a whole, smaller baseline
    (truncated / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    result = study.pytest("--vlm-baseline", str(truncated), report_dir=tmp_path / "reports")
    assert result.returncode == 10, result.stdout[-3000:]
    assert "verdict: NOT EVALUATED (exit code 10)" in result.stdout


@pytest.mark.parametrize("change, named", [("relabel", "expected 'yes' -> 'no'"), ("reword", "question 'Is there")])
def test_changed_dataset_reusing_case_ids_is_a_comparison_impossible(study, tmp_path, change, named):
    dataset = write_study(study.run, tmp_path / change, relabel=change == "relabel", reword=change == "reword")
    result = study.pytest("--vlm-baseline", str(study.reports / "baselines" / "release"), dataset=dataset,
                          answers=dataset.parent / "answers.json", report_dir=tmp_path / "reports")
    assert result.returncode == 11, result.stdout[-3000:]
    assert "only 0 cases pair" in result.stdout and "600 shared ids changed content" in result.stdout
    assert named in result.stdout


def test_nothing_evaluated_exits_non_zero_also_with_a_baseline_and_in_compare(study, tmp_path, monkeypatch):
    env_home = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(env_home))
    monkeypatch.setenv("HF_HUB_CACHE", str(env_home / "hub"))
    absent = study.pytest("--vlm-baseline", str(study.reports / "baselines" / "release"), "-m", "medgemma", "-k", "test_accuracy",
                          report_dir=tmp_path / "reports")
    assert absent.returncode == 10, absent.stdout[-2000:]
    assert "verdict: NOT EVALUATED (exit code 10)" in absent.stdout
    from vlmcore.cli import main

    empty = latest_run(tmp_path / "reports")
    assert main(["compare", str(study.reports / "baselines" / "release"), str(empty)]) == 10
