"""Answer modes end to end (issue 26): models that answer the way real ones do, run through
``pytest benchmarks`` with the published MedGemma-4B study's answers (``vlmcore.testing.talking``),
each with the verdict and exit code it must give.

The case the last review found: a model whose generated answers are the study's (consistency
0.904) but whose first token is a preamble's (p(yes) + p(no) = 0.02, its p(yes) vs p(no) the answer
flipped for 6% of questions). Read at the first token it FAILED (consistency ~0.80); under ``auto``
it earns the study's own verdict, under ``score`` it is NOT EVALUATED, never FAIL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.plugin.conftest import BENCHMARKS, NO_PROBES, latest_run
from vlmcore.testing.study import StudyDesign, StudyModel, write_study

pytestmark = [pytest.mark.xdist_group("talking-study")]
SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and (test_model or test_group_consistency)"]
SEED = 309  # the draw the study scenarios use: consistency 0.904, accuracy 0.743
PLUGIN = '''
import os
from vlmcore.testing.talking import talking_study_adapter



def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return talking_study_adapter(os.environ["STUDY_ANSWERS"], os.environ["TALKING_STYLE"])
'''



class Talking:
    def __init__(self, root: Path, groups: int = 100):
        self.root = root
        (root / "plugin").mkdir()
        (root / "plugin" / "talking_plugin.py").write_text(PLUGIN)
        self.run = StudyModel().draw(np.random.default_rng(SEED), StudyDesign(groups=groups))
        self.dataset = write_study(self.run, root / "study")

    def pytest(self, style: str, *args: str, thresholds: str = "", name: str = ""):
        report_dir = self.root / f"reports-{style}-{name}"
        extra = []
        if thresholds:
            path = self.root / f"thresholds-{style}-{name}.toml"
            path.write_text(thresholds)
            extra = ["--vlm-thresholds", str(path)]
        env = dict(os.environ, STUDY_ANSWERS=str(self.dataset.parent / "answers.json"), TALKING_STYLE=style,
                   PYTHONPATH=os.pathsep.join([str(self.root / "plugin"), os.environ.get("PYTHONPATH", "")]))
        env.pop("CI", None)
        command = [sys.executable, "-m", "pytest", str(BENCHMARKS), "-p", "talking_plugin", "-p", "no:cacheprovider", "-q",
                   "--vlm-dataset", str(self.dataset), "--vlm-report-dir", str(report_dir), *SELECTION, *extra, *NO_PROBES, *args]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=self.root, timeout=600)
        return done, report_dir

    @staticmethod
    def summary(report_dir: Path) -> dict:
        return json.loads((latest_run(report_dir) / "summary.json").read_text())

    @staticmethod
    def rows(report_dir: Path) -> list[dict]:
        return [json.loads(line) for line in (latest_run(report_dir) / "results.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def talking(tmp_path_factory):
    return Talking(tmp_path_factory.mktemp("talking"))


def _model(summary: dict) -> dict:
    return summary["models"]["tiny-medgemma"]


def test_first_token_noise_is_never_a_fail_and_auto_reads_the_true_answers(talking):
    """The review's case, three ways on one model: read at the first token with the low-mass bound
    switched off it FAILS on noise (what the suite used to say); under ``score`` it is NOT EVALUATED
    with the reason and the way out; under ``auto`` it PASSES on its own answers (0.904)."""
    unguarded, report = talking.pytest("preamble", "--vlm-answer-mode", "score", thresholds="[answers]\nmax_low_mass_share = 1.0\n",
                                       name="unguarded")
    noise = _model(talking.summary(report))["consistency"]["value"]
    assert unguarded.returncode == 1 and noise < 0.85, unguarded.stdout[-2000:]

    scored, report = talking.pytest("preamble", "--vlm-answer-mode", "score", name="score")
    assert scored.returncode == 10, scored.stdout[-3000:]
    assert "NOT EVALUATED" in scored.stdout and "max_low_mass_share" in scored.stdout and "--vlm-answer-mode auto" in scored.stdout
    assert talking.summary(report)["verdict"] == "NOT EVALUATED"

    auto, report = talking.pytest("preamble", name="auto")
    assert auto.returncode == 0, auto.stdout[-3000:]
    model = _model(talking.summary(report))
    assert model["consistency"]["value"] == pytest.approx(talking.run.consistency(), abs=1e-5)  # 0.904, the study's own (summary.json rounds to 6 places)
    assert model["accuracy"]["value"] == pytest.approx(talking.run.accuracy(), abs=1e-5)  # summary.json rounds to 6 places
    assert model["generated_share"] == 1.0 and model["low_mass_share"] == 1.0
    rows = talking.rows(report)
    assert {r["answer_mode"] for r in rows} == {"generate"} and {r["parse_path"] for r in rows} == {"generate:explicit-answer"}
    assert all(r["generated_text"].startswith("Based on the chest X-ray, the answer is ") for r in rows)
    print(f"first-token noise: consistency {noise:.3f} (FAIL when judged); auto: {model['consistency']['value']:.3f} (PASS)")


@pytest.mark.parametrize("style", ["think", "gemma", "report"])
def test_reasoning_and_report_styles_earn_the_studys_verdict(talking, style):
    done, report = talking.pytest(style, name="auto")
    assert done.returncode == 0, done.stdout[-3000:]
    model = _model(talking.summary(report))
    assert model["consistency"]["value"] == pytest.approx(talking.run.consistency(), abs=1e-5)  # summary.json rounds to 6 places
    assert model["accuracy"]["value"] == pytest.approx(talking.run.accuracy(), abs=1e-5)  # summary.json rounds to 6 places
    rows = talking.rows(report)
    assert {r["reasoning"] for r in rows} == {"plain" if style == "report" else style}
    assert all(r["generation_finished"] for r in rows) and model["no_answer_share"]["value"] == 0.0


def test_answer_maps_are_read_where_the_answer_was_emitted_never_at_the_preamble(talking):
    """The scripted model's first-token map is an attention sink (all mass in one corner cell, the
    same for every question: JS 0 between paraphrases, 'very stable'); at the position that emits
    the answer it looks at the film. Every row's map is the answer's, and says where it was read."""
    done, report = talking.pytest("preamble", name="auto")  # the run above, read from the store
    rows = talking.rows(report)
    # "Based on the chest X - ray , the answer is" are tokens 0-10: the answer word is token 11
    assert all(r["map_at_answer"] and r["map_query"] == f"emits the answer: generated token 11 ({r['answer']!r})" for r in rows)
    invariant = [r for r in rows if r["relation"] == "invariant"]
    # a sink gives JS exactly 0 for every pair; the answer's maps move with the wording (the scripted
    # map's spread follows the question's length mod 5: paraphrases of the same length mod 5 share it)
    moved = sum(r["metrics"]["js_to_base"] > 0 for r in invariant)
    assert moved > 0.5 * len(invariant), (moved, len(invariant))
    assert all(r["metrics"]["border_fraction"] < 0.5 for r in rows)  # a corner sink would put ~all its mass on the border
    assert all(r["metrics"]["answer_position_mass"] == 0.95 for r in rows)


def test_cut_off_reasoning_is_no_answer_and_not_evaluated(talking):
    """A reasoner whose thinking outruns the budget: every answer is 'none' (counted apart from
    wrong answers), and a verdict is never drawn from them."""
    done, report = talking.pytest("cut-off", thresholds="[answers]\nreasoning_max_new_tokens = 64\n", name="budget64")
    assert done.returncode == 10, done.stdout[-3000:]
    assert "cut off by the token budget" in done.stdout and "reasoning_max_new_tokens" in done.stdout
    model = _model(talking.summary(report))
    assert model["no_answer_share"]["value"] == 1.0 and model["accuracy"]["value"] == 0.0
    assert model["consistency"]["value"] is None  # no pair had both sides read: nothing compared
    rows = talking.rows(report)
    assert {r["parse_path"] for r in rows} == {"generate:reasoning-cut-off"} and not any(r["generation_finished"] for r in rows)
    assert not any(r["map_at_answer"] for r in rows)
    assert all(r["map_query"].startswith("first token (not the answer: no answer was read)") for r in rows)
    enough, report = talking.pytest("cut-off", name="default-budget")  # 512 tokens: the reasoning ends, the answer is read
    assert enough.returncode == 0, enough.stdout[-3000:]
    assert _model(talking.summary(report))["consistency"]["value"] == pytest.approx(talking.run.consistency(), abs=1e-5)  # summary.json rounds to 6 places


def test_a_model_that_answers_at_the_first_token_costs_no_generation(talking):
    done, report = talking.pytest("direct", name="auto")
    assert done.returncode == 0, done.stdout[-3000:]
    rows = talking.rows(report)
    assert {r["answer_mode"] for r in rows} == {"score"} and {r["map_query"] for r in rows} == {"answer"}
    assert _model(talking.summary(report))["generated_share"] == 0.0


def test_answer_position_maps_localise_as_well_as_a_direct_answerers_side_by_side(talking):
    """Issue 26's must-show, on one measure (``border_fraction``, the map's mass on the film's
    border, and ``inside_body_ratio`` beside it): the preamble and reasoning models' maps, read
    where their answers were emitted, localise exactly as the same model answering at the first
    token does; the preamble's first-token map (read in ``score`` mode: a corner sink) does not."""
    def per_case(style: str, *args: str, name: str = "auto", thresholds: str = "") -> dict:
        done, report = talking.pytest(style, *args, name=name, thresholds=thresholds)  # the runs above, read from their stores
        return {r["case_id"]: r["metrics"] for r in talking.rows(report)}

    direct = per_case("direct")
    shown = {style: per_case(style) for style in ("preamble", "think", "gemma")}
    first_token = per_case("preamble", "--vlm-answer-mode", "score", name="unguarded",
                           thresholds="[answers]\nmax_low_mass_share = 1.0\n")
    mean = lambda values, key: float(np.mean([m[key] for m in values.values()]))
    for key in ("border_fraction", "inside_body_ratio"):
        print(f"{key}: direct {mean(direct, key):.3f} | "
              + " | ".join(f"{style} at the answer {mean(v, key):.3f}" for style, v in shown.items())
              + f" | preamble at its first token {mean(first_token, key):.3f}")
    for style, values in shown.items():
        assert values.keys() == direct.keys()
        for key in ("border_fraction", "inside_body_ratio"):
            assert all(values[c][key] == pytest.approx(direct[c][key], rel=1e-6) for c in direct), (style, key)
    assert mean(first_token, "border_fraction") > 0.9 > 0.5 > mean(direct, "border_fraction")  # the sink sits in a corner
