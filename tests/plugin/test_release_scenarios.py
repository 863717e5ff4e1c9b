"""Release scenarios end to end (issue 25): ``pytest benchmarks`` with scripted models served through
the public ``pytest_vlmcore_make_adapter`` hook (``vlmcore.testing.study_adapter``, a
``ScriptedAdapter``), each scenario asserting the status and exit code it must give.

Several scenarios share one pytest run: each is a model key (``tiny-<family>``, asked for with
``--vlm-model`` and nothing else) whose adapter serves that scenario's answers, so one run
evaluates up to six candidates against one baseline; each model's verdict carries its own status
and exit code, and the run exits with the worst. The study: 60 patients, one film each, a base
question, 5 paraphrases and a negated control (seed 269: accuracy 0.719, pneumothorax 0.792,
consistency 0.903, close to the issue's 0.726 / 0.80 / 0.906).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.plugin.conftest import ANSWERS_PLUGIN as PLUGIN
from tests.plugin.conftest import BENCHMARKS, NO_PROBES, latest_run
from vlmcore.testing.releases import collapse_finding, collapse_strategy, grow, ignore_negation, regress_patients
from vlmcore.testing.study import StudyDesign, StudyModel, write_study
from vlmcore.verdict import exit_codes

pytestmark = pytest.mark.xdist_group("release-scenarios")
KEYS = ("tiny-medgemma", "tiny-llava", "tiny-blip2", "tiny-florence2", "tiny-qwen2_5_vl", "tiny-idefics3")
SEED = 269
LOOSE = """[thresholds]
accuracy = 0.0
[gate]
consistency_margin = 0.5
accuracy_margin = 0.5
inverted_flip_rate_margin = 0.5
grounding_margin = 0.5
subgroup_margin = 0.5
alpha = 0.5
min_paired_share = 0.1
min_clusters = 2
harm_patients = 1000
"""


class Releases:
    """The study, its scenario answer tables and datasets, written once for the module."""

    def __init__(self, root: Path):
        self.root = root
        (root / "plugin").mkdir()
        (root / "plugin" / "release_plugin.py").write_text(PLUGIN)
        self.model = StudyModel()
        self.base = self.model.draw(np.random.default_rng(SEED), StudyDesign(groups=60, negations=True))
        self.dataset = write_study(self.base, root / "study")
        self.reports = root / "reports"
        (root / "loose.toml").write_text(LOOSE)

    def answers(self, name: str, run) -> str:
        """``run``'s answers as a table (its dataset is the study's, or a grown one written beside it)."""
        write_study(run, self.root / name)
        return str(self.root / name / "answers.json")

    def pytest(self, models: dict[str, str], *args: str, dataset: Path | None = None, report_dir: Path | None = None):
        env = dict(os.environ, RELEASE_ANSWERS=json.dumps(models),
                   PYTHONPATH=os.pathsep.join([str(self.root / "plugin"), os.environ.get("PYTHONPATH", "")]))
        env.pop("CI", None)
        command = [sys.executable, "-m", "pytest", str(BENCHMARKS), "-p", "release_plugin", "-p", "no:cacheprovider", "-q",
                   "-k", "test_model", "--vlm-progress", "off", *NO_PROBES, "--vlm-model", ",".join(models),
                   "--vlm-dataset", str(dataset or self.dataset), "--vlm-report-dir", str(report_dir or self.reports), *args]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=self.root, timeout=600)
        return done, json.loads((latest_run(report_dir or self.reports) / "summary.json").read_text())


def statuses(summary: dict) -> dict[str, str]:
    return {m["model"]: m["status"] for m in summary["decision"]["models"]}


def reasons(summary: dict, model: str) -> str:
    return " ".join(next(m["reasons"] for m in summary["decision"]["models"] if m["model"] == model))


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    releases = Releases(tmp_path_factory.mktemp("releases"))
    good = releases.answers("good", releases.base)
    # the baseline is saved under a loose thresholds file: margins 0.5, alpha 0.5, no harm rule
    releases.first, releases.first_summary = releases.pytest({key: good for key in KEYS[:5]}, "--vlm-thresholds",
                                                             str(releases.root / "loose.toml"), "--vlm-save-baseline", "release")
    return releases


def test_the_baseline_run_passes_and_is_saved(releases):
    assert releases.first.returncode == 0, releases.first.stdout[-3000:]
    assert set(statuses(releases.first_summary).values()) == {"PASS"}
    assert (releases.reports / "baselines" / "release" / "manifest.json").is_file()
    assert releases.first.stdout.rstrip().splitlines()[-1].strip("= ") == "vlmcore verdict: PASS (exit code 0)"


def test_candidates_against_the_baseline_each_get_the_verdict_they_must(releases):
    """One run, five candidates: a subgroup collapse under a flat average, a strategy collapsing
    while others improve, a regression in 5 patients, negation lost since the baseline, and the
    unchanged model; the baseline's loose gate settings do not apply (the stricter do)."""
    base, rng = releases.base, lambda seed: np.random.default_rng(seed)
    collapse = collapse_finding(base, rng(1), "pneumothorax", 3, 2)
    strategy = collapse_strategy(base, rng(2), "register", 0.6, 20)
    five = regress_patients(base, rng(3), 5)
    candidates = {"tiny-medgemma": releases.answers("collapse", collapse), "tiny-llava": releases.answers("strategy", strategy),
                  "tiny-blip2": releases.answers("five", five), "tiny-florence2": releases.answers("negation", ignore_negation(base)),
                  "tiny-qwen2_5_vl": releases.answers("good", base)}
    done, summary = releases.pytest(candidates, "--vlm-baseline", "release")
    expected = {"tiny-medgemma": "FAIL", "tiny-llava": "FAIL", "tiny-blip2": "FAIL", "tiny-florence2": "FAIL", "tiny-qwen2_5_vl": "PASS"}
    assert statuses(summary) == expected, done.stdout[-4000:]
    assert {model: exit_codes.Status(s).exit_code for model, s in statuses(summary).items()} == \
        {"tiny-medgemma": 1, "tiny-llava": 1, "tiny-blip2": 1, "tiny-florence2": 1, "tiny-qwen2_5_vl": 0}
    assert done.returncode == 1 and done.stdout.rstrip().splitlines()[-1].strip("= ") == "vlmcore verdict: FAIL (exit code 1)"
    # the pneumothorax collapse: 0.792 -> 0.542 under a flat average (0.719 -> 0.703)
    assert (collapse.accuracy(), base.accuracy()) == (pytest.approx(0.703, abs=1e-3), pytest.approx(0.719, abs=1e-3))
    assert "HARM tiny-medgemma: accuracy (finding pneumothorax)" in reasons(summary, "tiny-medgemma")
    assert "REGRESSION tiny-llava: consistency (strategy register)" in reasons(summary, "tiny-llava")
    five_patients = reasons(summary, "tiny-blip2")
    assert "HARM tiny-blip2: consistency" in five_patients and "patients turned from right to wrong 5, the other way 0" in five_patients
    negation = reasons(summary, "tiny-florence2")
    assert "inverted_flip_rate (model): 0.000" in negation and "(new: the baseline passes it)" in negation
    notes = " ".join(summary["decision"]["notes"])
    assert "the baseline was saved with looser gate settings than this run's; the stricter apply" in notes
    assert "consistency_margin: 0.5 here, 0.02 applies" in notes
    assert summary["environment"]["models"]["tiny-medgemma"].startswith("scripted-collapse ")  # the hook's adapter, named
    assert "RANDOM WEIGHTS" not in summary["environment"]["models"]["tiny-medgemma"]


def test_grown_datasets_gate_what_they_share_and_judge_what_is_new(releases):
    """One grown dataset (15% more groups of the same findings, then 10 groups of a new finding):
    the unchanged model gates its shared cases (exit 0, not 11); new cases answered wrong fail
    (the shared ones unchanged)."""
    base, rng = releases.base, lambda seed: np.random.default_rng(seed)
    grown = grow(grow(base, rng(4), releases.model, 9), rng(5), releases.model, 10, "atelectasis")  # 60 -> 69 -> 79 groups
    right = grow(grow(base, rng(4), releases.model, 9), rng(5), releases.model, 10, "atelectasis")
    wrong_new = grow(grow(base, rng(4), releases.model, 9, wrong=True), rng(5), releases.model, 10, "atelectasis")
    new_finding_wrong = grow(grow(base, rng(4), releases.model, 9), rng(5), releases.model, 10, "atelectasis", wrong=True)
    dataset = write_study(grown, releases.root / "grown")
    candidates = {"tiny-medgemma": releases.answers("grown-right", right), "tiny-llava": releases.answers("grown-wrong", wrong_new),
                  "tiny-blip2": releases.answers("grown-new-finding", new_finding_wrong)}
    done, summary = releases.pytest(candidates, "--vlm-baseline", "release", dataset=dataset)
    assert statuses(summary) == {"tiny-medgemma": "PASS", "tiny-llava": "FAIL", "tiny-blip2": "FAIL"}, done.stdout[-4000:]
    assert done.returncode == 1
    assert "and 133 new cases" in reasons(summary, "tiny-medgemma")  # 19 groups x 7 cases judged by the first-run checks
    assert "FAIL tiny-llava accuracy (model, new cases): 0.376" in reasons(summary, "tiny-llava")  # 9 of the 19 new groups wrong
    assert "finding_accuracy (finding atelectasis): 0.000" in reasons(summary, "tiny-blip2")
    only_grown = {"tiny-medgemma": releases.answers("grown-15", grow(base, rng(4), releases.model, 9))}
    fifteen = write_study(grow(base, rng(4), releases.model, 9), releases.root / "grown-15-dataset")
    done, summary = releases.pytest(only_grown, "--vlm-baseline", "release", dataset=fifteen)
    assert done.returncode == 0 and statuses(summary) == {"tiny-medgemma": "PASS"}, done.stdout[-3000:]


def test_a_first_run_catches_ignored_negation_and_runs_only_the_models_asked_for(releases, tmp_path):
    """``--vlm-model`` without ``-m``: exactly the two models named run (not the other tiny builds,
    not the real families); the one that ignores every negation fails its first run."""
    candidates = {"tiny-medgemma": releases.answers("negation", ignore_negation(releases.base)),
                  "tiny-llava": releases.answers("good", releases.base)}
    done, summary = releases.pytest(candidates, report_dir=tmp_path / "first")
    assert statuses(summary) == {"tiny-medgemma": "FAIL", "tiny-llava": "PASS"}, done.stdout[-3000:]
    assert set(summary["models"]) == {"tiny-medgemma", "tiny-llava"} and done.returncode == 1
    assert reasons(summary, "tiny-medgemma").startswith("FAIL tiny-medgemma inverted_flip_rate (model): 0.000")


def test_four_of_twelve_patients_regressed_fails(releases, tmp_path):
    """12 patients: too few for a gate PASS (30), yet 4 of them turned from right to wrong fail."""
    small = StudyModel().draw(np.random.default_rng(11), StudyDesign(groups=12, negations=True))
    dataset = write_study(small, tmp_path / "small")
    reports = tmp_path / "reports"
    good = releases.answers("small-good", small)
    done, summary = releases.pytest({"tiny-medgemma": good, "tiny-llava": good}, "--vlm-save-baseline", "small", dataset=dataset,
                                    report_dir=reports)
    assert done.returncode == 0, done.stdout[-3000:]  # a first run on 12 patients: PASS, with a low-power warning
    assert any(note.startswith("low power: tiny-medgemma was evaluated on 12 clusters") for note in summary["decision"]["notes"])
    worse = regress_patients(small, np.random.default_rng(6), 4)
    done, summary = releases.pytest({"tiny-medgemma": releases.answers("small-worse", worse), "tiny-llava": good},
                                    "--vlm-baseline", "small", dataset=dataset, report_dir=reports)
    assert statuses(summary) == {"tiny-medgemma": "FAIL", "tiny-llava": "NOT EVALUATED"}, done.stdout[-3000:]
    assert done.returncode == 1 and "patients turned from right to wrong 4, the other way 0" in reasons(summary, "tiny-medgemma")
    assert "only 12 clusters paired; a verdict needs at least 30 ([gate] min_clusters)" in reasons(summary, "tiny-llava")
