"""The must-show behaviours, through the engine and the first-run verdict, on the bundled phantom
test set (80 patients): scripted models whose grounding is known by construction."""

import pytest

from tests.grounding.scripted_models import (TEST_SET, by_label, ignores_the_lesion, noisy_reader, question_only, reads_the_film,
                                             side_blind)
from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.grounding import plan_for
from vlmcore.metrics.summary import summarise_model
from vlmcore.testing import ScriptedAdapter
from vlmcore.verdict.decision import decide_first_run
from vlmcore.verdict.thresholds import load_thresholds

GROUNDING = ("label_swap", "lesion_occlusion", "mirror_laterality", "grounding")  # the probes' rates and their union


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(TEST_SET)


@pytest.fixture(scope="module")
def plan(dataset):
    return plan_for(dataset)


@pytest.fixture(scope="module")
def run(dataset, plan):
    """Each named model's rows (cases and counterfactual trials), evaluated once."""
    done = {}

    def rows(name: str, margin):
        if name not in done:
            engine = Engine(ScriptedAdapter(margin, name=name), dataset, model_key=name, grounding=plan)
            done[name] = [row for evaluation in engine.all_groups() for row in evaluation.rows + evaluation.probes]
        return done[name]

    return rows


def _checks(rows, model):
    verdict = decide_first_run(rows, load_thresholds())
    return verdict, {check.check: check for check in verdict.checks if check.model == model}


def test_opposite_answers_on_the_blank_film_change_nothing_that_gates(run):
    says_yes, says_no = run("blank-yes", noisy_reader("yes")), run("blank-no", noisy_reader("no"))
    yes_summary, no_summary = summarise_model(says_yes), summarise_model(says_no)
    assert yes_summary.estimate("blank_yes_rate").value == 1.0 and no_summary.estimate("blank_yes_rate").value == 0.0
    assert yes_summary.estimate("image_reliance").value != no_summary.estimate("image_reliance").value
    for name in GROUNDING:
        assert yes_summary.estimate(name) == no_summary.estimate(name), name
    yes_verdict, _ = _checks(says_yes, "blank-yes")
    no_verdict, _ = _checks(says_no, "blank-no")
    assert yes_verdict.status == no_verdict.status
    strip = lambda verdict, model: [(c.check, c.passed, c.value, c.bound) for c in verdict.checks]
    assert strip(yes_verdict, "blank-yes") == strip(no_verdict, "blank-no")


def test_a_model_answering_from_the_question_alone_fails_grounding(run):
    rows = run("question-only", question_only)
    verdict, checks = _checks(rows, "question-only")
    assert verdict.status == "FAIL"
    for name in ("label_swap", "lesion_occlusion", "mirror_laterality"):
        assert checks[name].value == pytest.approx(0.5, abs=0.06), (name, checks[name].sentence)
        assert checks[name].passed is False, checks[name].sentence
    assert any("label_swap" in reason for reason in verdict.models[0].reasons)


def test_a_model_blind_to_sides_fails_the_mirror_probe(run):
    verdict, checks = _checks(run("side-blind", side_blind), "side-blind")
    assert checks["mirror_laterality"].passed is False, checks["mirror_laterality"].sentence
    assert not checks["mirror_laterality"].gating and "did not hold (diagnostic)" in checks["mirror_laterality"].sentence
    assert checks["mirror_laterality"].value == pytest.approx(0.5, abs=0.02)  # the swap arm never changes, the keep arm always holds
    assert checks["label_swap"].passed is True  # it does read the film: only its sides are wrong


def test_a_model_answering_each_film_by_its_label_follows_the_swap(run):
    rows = run("by-label", by_label)
    swaps = [r for r in rows if r.probe is not None and r.probe.kind == "label_swap"]
    assert len(swaps) == 630
    assert sum(r.follows_film for r in swaps) / len(swaps) >= 0.95
    _, checks = _checks(rows, "by-label")
    assert checks["label_swap"].value >= 0.95 and checks["mirror_laterality"].value >= 0.95


def test_a_model_that_ignores_the_lesion_fails_grounding_and_one_that_reads_it_passes(run):
    """Both know every patient (same answers on every dataset film); only one loses the finding when
    its lesion is hidden. The lesion-occlusion probe alone tells them apart, and it gates."""
    reader, ignorer = run("reads-the-film", reads_the_film), run("ignores-the-lesion", ignores_the_lesion)
    same = lambda rows: [(r.case_id, r.answer) for r in rows if r.probe is None]
    assert same(reader) == same(ignorer)
    verdict, checks = _checks(reader, "reads-the-film")
    assert verdict.status == "PASS", verdict.models[0].reasons
    assert checks["label_swap"].value == 1.0 and checks["lesion_occlusion"].value == 1.0
    verdict, checks = _checks(ignorer, "ignores-the-lesion")
    assert verdict.status == "FAIL"
    assert checks["label_swap"].passed is True and checks["accuracy"].passed is True and checks["consistency"].passed is True
    assert checks["lesion_occlusion"].value == pytest.approx(0.5) and checks["lesion_occlusion"].passed is False
    assert checks["lesion_occlusion"].gating
    assert [reason for reason in verdict.models[0].reasons if "lesion_occlusion" in reason], verdict.models[0].reasons
    assert summarise_model(ignorer).estimate("grounding").value < summarise_model(reader).estimate("grounding").value


def test_the_gate_calls_losing_the_lesion_a_grounding_regression(run):
    """A release that keeps every answer on every real film but stops reading the lesion: the gate
    (paired by patient) fails it on grounding, over both probes and in the lesion-occlusion family."""
    from dataclasses import replace

    from vlmcore.verdict.decision import decide_against_baseline
    from vlmcore.verdict.gate_settings import GateSettings

    as_model = lambda rows: [replace(r, model="release") for r in rows]
    baseline, candidate = as_model(run("reads-the-film", reads_the_film)), as_model(run("ignores-the-lesion", ignores_the_lesion))
    verdict = decide_against_baseline(candidate, baseline, GateSettings(), "baseline")
    assert verdict.status == "FAIL"
    failed = {g.where for g in verdict.gate if g.failed}
    assert {"grounding", "grounding (probe lesion_occlusion)"} <= failed, failed
    assert not {g.where for g in verdict.gate if g.failed and g.rate != "grounding"}  # nothing else moved
    same = decide_against_baseline(baseline, baseline, GateSettings(), "baseline")
    assert same.status == "PASS", same.models[0].reasons


def _talks_first(margin):
    """The same model answering after a preamble: its first token is the preamble's (low yes/no mass,
    and its p(yes) there says the opposite), only the generated text carries the answer."""
    said = lambda q, i: "yes" if margin(q, i) > 0 else "no"
    return ScriptedAdapter(lambda q, i: -margin(q, i), name="talks-first", mass=0.02,
                           text=lambda q, i: f"Based on the film, the answer is {said(q, i)}.")


def test_a_model_that_talks_first_is_probed_on_what_it_says(dataset, plan, run):
    """Under the default answer mode (auto) the counterfactual trials are answered as the cases are:
    generated and read. Judged by their first token, a preamble model 'ignored' every counterfactual
    film (label swap 0.5 on the trained ``verbose`` reference model, found in the demo, 2026-12-05)."""
    engine = Engine(_talks_first(reads_the_film), dataset, model_key="talks-first", grounding=plan)
    rows = [row for evaluation in engine.all_groups() for row in evaluation.rows + evaluation.probes]
    trials = [r for r in rows if r.probe is not None]
    assert trials and all(r.answer_mode == "generate" and r.parse_path.startswith("generate:") for r in trials)
    assert all(r.generated_text.startswith("Based on the film") for r in trials)
    direct = {r.case_id: r.answer for r in run("reads-the-film", reads_the_film)}
    assert {r.case_id: r.answer for r in rows} == direct  # every case and every trial: the direct answerer's answers
    verdict, checks = _checks(rows, "talks-first")
    assert verdict.status == "PASS", verdict.models[0].reasons
    assert checks["label_swap"].value == 1.0 and checks["lesion_occlusion"].value == 1.0
