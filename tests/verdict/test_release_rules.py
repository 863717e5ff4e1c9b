"""Issue 25's decision rules on small exact cases: the candidate's first-run checks (new and
pre-existing), new cases, subgroup gates with weighted Holm, per-finding margins, the harm rule,
CANNOT TELL, the stricter of two gate settings, a gate PASS's minimum patients, the negation
check, the low-power note and the probe-family scope field."""

from dataclasses import replace

import pytest

from tests.verdict.rows import group, row
from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import RATES, register_rate
from vlmcore.metrics.specs import RateSpec, Scope
from vlmcore.verdict.decision import decide_against_baseline, decide_first_run
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.regression import RegressionResult, holm, regression_tests
from vlmcore.verdict.pairing import pair_model
from vlmcore.verdict.thresholds import Thresholds, load_thresholds

FINDINGS = ("pneumothorax", "cardiomegaly", "nodule", "consolidation")


def _patient(p: int, *, finding: str | None = None, consistent: int = 5, correct: bool = True, negation: bool = True):
    """One patient: a base question and 5 paraphrases (``consistent`` of them agree), and a negated control."""
    finding = finding or FINDINGS[p % len(FINDINGS)]
    cluster = f"p{p:03d}"
    expected = "yes" if correct else "no"
    rows = group(cluster, ["yes"] * consistent + ["no"] * (5 - consistent), expected=expected, finding=finding)
    rows += [row(f"{cluster}-neg", cluster=cluster, relation="inverted", answer="no" if negation else "yes", base_answer="yes",
                 expected="no" if correct else "yes", finding=finding)]
    return rows


def _run(patients: int = 40, **changes):
    """``changes``: patient index -> keyword arguments of ``_patient``."""
    return [r for p in range(patients) for r in _patient(p, **changes.get(f"p{p}", {}))]


def test_a_regression_in_five_patients_fails_by_the_harm_rule_and_names_them():
    baseline = _run(100)
    worse = _run(100, **{f"p{p}": {"consistent": 1} for p in range(5)})
    verdict = decide_against_baseline(worse, baseline, GateSettings(), "release")
    gate = next(g for g in verdict.gate if g.rate == "consistency" and g.scope is Scope.MODEL)
    assert gate.p_value == pytest.approx(2 ** -5) and not gate.regressed  # the sign-flip test cannot reach its level
    assert gate.harm and str(gate.outcome) == "HARM" and set(gate.turned_worse) == {f"patient:p{p:03d}" for p in range(5)}
    assert verdict.status == "FAIL" and verdict.exit_code == 1
    assert "HARM m: consistency 1.000 -> 0.960" in verdict.models[0].reasons[0]
    one_better = _run(100, **{f"p{p}": {"consistent": 1} for p in range(5)}, p50={"consistent": 5})
    base_with_a_flipper = _run(100, p50={"consistent": 1})
    mixed = decide_against_baseline(one_better, base_with_a_flipper, GateSettings(), "release")
    assert not any(g.harm for g in mixed.gate)  # one patient turned the other way: not the harm rule's picture


def test_a_drop_the_gate_cannot_test_is_named_never_a_silent_pass():
    baseline = _run(100)
    three = _run(100, **{f"p{p}": {"consistent": 1} for p in range(3)})  # 3 patients: below the harm count, p = 1/8
    verdict = decide_against_baseline(three, baseline, GateSettings(), "release")
    gate = next(g for g in verdict.gate if g.rate == "consistency" and g.scope is Scope.MODEL)
    assert gate.cannot_tell and gate.smallest_p == pytest.approx(1 / 8) and gate.smallest_p > gate.first_level
    assert verdict.status == "PASS"
    caveat = verdict.models[0].reasons[-1]
    assert caveat.startswith("the gate cannot tell 1 drop(s)") and "smallest attainable p 0.125" in caveat
    assert "the gate cannot tell: the smallest p 3 changed patients can give is 0.125" in gate.sentence


def test_the_candidate_faces_the_first_run_checks_new_and_pre_existing_both_block():
    thresholds = load_thresholds()
    baseline = _run(40)
    ignoring = _run(40, **{f"p{p}": {"negation": False} for p in range(40)})  # every negated control answered as the base
    verdict = decide_against_baseline(ignoring, baseline, GateSettings(min_clusters=10), "release", thresholds=thresholds)
    failed = [c for c in verdict.checks if c.failed]
    assert [c.check for c in failed] == ["inverted_flip_rate"] and failed[0].pre_existing is False
    assert verdict.status == "FAIL" and "(new: the baseline passes it)" in " ".join(verdict.models[0].reasons)
    both = decide_against_baseline(ignoring, ignoring, GateSettings(min_clusters=10), "release", thresholds=thresholds)
    assert both.status == "FAIL" and "(pre-existing: the baseline fails it too)" in both.models[0].reasons[0]
    assert not any(g.failed for g in both.gate)  # no regression: it blocks as a first-run failure, named pre-existing


def test_new_cases_are_judged_and_a_grown_dataset_still_gates_what_it_shares():
    thresholds = load_thresholds()
    baseline = _run(40)
    grown = baseline + [r for p in range(40, 46) for r in _patient(p)]  # 15% more, old cases unchanged
    kept = decide_against_baseline(grown, baseline, GateSettings(min_clusters=10), "release", thresholds=thresholds)
    assert kept.status == "PASS", kept.models
    assert {c.population for c in kept.checks} == {"all cases", "new cases"} and kept.pairings[0].summary()["unpaired"] == 42
    wrong = baseline + [r for p in range(40, 50) for r in _patient(p, correct=False)]  # 10 new groups, every answer wrong
    failed = decide_against_baseline(wrong, baseline, GateSettings(min_clusters=10), "release", thresholds=thresholds)
    new_failures = [c for c in failed.checks if c.failed and c.population == "new cases"]
    assert failed.status == "FAIL" and "accuracy" in {c.check for c in new_failures}
    assert "accuracy (model, new cases): 0.000" in " ".join(failed.models[0].reasons)


def test_a_gate_pass_needs_thirty_patients_and_a_first_run_under_thirty_says_it_is_weak():
    baseline = _run(20)
    verdict = decide_against_baseline(baseline, baseline, GateSettings(), "release")
    assert verdict.status == "NOT EVALUATED" and "only 20 clusters paired; a verdict needs at least 30 ([gate] min_clusters)" \
        in verdict.models[0].reasons[0]
    first = decide_first_run(_run(20), load_thresholds())
    assert first.status == "PASS"
    low = next(note for note in first.notes if note.startswith("low power: m was evaluated on 20 clusters"))
    assert "consistency below 0." in low and "(bar 0.9)" in low and low in first.models[0].reasons


def test_per_finding_margins_and_the_stricter_of_two_settings(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[gate]\nconsistency_margin = 0.5\nalpha = 0.2\nmin_clusters = 5\n"
                    "[gate.findings.pneumothorax]\naccuracy_margin = 0.01\n")
    loose = load_thresholds(path).gate
    assert loose.margin("accuracy", Scope.FINDING, "pneumothorax") == 0.01 and loose.margin("accuracy", Scope.FINDING, "nodule") == 0.05
    merged = loose.stricter(GateSettings())
    assert merged.margin("consistency") == 0.02 and merged.alpha == 0.05 and merged.min_clusters == 30
    assert merged.margin("accuracy", Scope.FINDING, "pneumothorax") == 0.01  # the stricter one's own, kept
    assert "consistency_margin: 0.5 here, 0.02 applies" in loose.looser_than(GateSettings())
    assert GateSettings.from_json(merged.to_json(), "saved").to_json() == merged.to_json()  # stored with a baseline, read back
    typo = tmp_path / "typo.toml"
    typo.write_text("[gate.findings.pneumothorx]\naccuracy_margin = 0.01\n")
    with pytest.raises(ConfigError, match=r"\[gate.findings.pneumothorx\] names no known finding; did you mean 'pneumothorax'"):
        load_thresholds(typo)


def test_subgroup_tests_share_half_of_alpha_and_a_finding_margin_decides():
    baseline = _run(120)
    # pneumothorax (30 patients): 12 lose one answer each; 0.96 -> 0.88 in the finding, 0.02 of 0.04 overall
    worse = _run(120, **{f"p{p}": {"consistent": 4} for p in range(0, 48, 4)})
    settings = GateSettings(metrics=("consistency",), finding_margins={"pneumothorax": {"consistency": 0.1}})
    lenient = regression_tests([pair_model(baseline, worse, "m", "m")], settings)
    finding = next(g for g in lenient if g.subject == "pneumothorax")
    assert finding.margin == 0.1 and not finding.regressed
    assert sum(g.weight for g in lenient if g.scope is Scope.MODEL) == pytest.approx(0.5)
    strict = regression_tests([pair_model(baseline, worse, "m", "m")], replace(settings, finding_margins={}))
    assert next(g for g in strict if g.subject == "pneumothorax").regressed  # p = 2^-12 at its level 0.05 / 2 / 5


def test_weighted_holm_levels():
    def result(p: float) -> RegressionResult:
        return RegressionResult("m", "consistency", 0.9, 0.8, 0.02, p, 0.0, False, 10, 3, 50, (), ())

    decided = holm([result(0.02), result(0.004)], alpha=0.05, weights=[3.0, 1.0])  # by p / weight: 0.004 / 1 first, then 0.02 / 3
    assert decided[1].holm_alpha == pytest.approx(0.0125) and decided[1].regressed  # 0.05 * 1 / 4
    assert decided[0].holm_alpha == pytest.approx(0.05) and decided[0].regressed  # then 0.05 * 3 / 3
    unweighted = holm([result(0.02), result(0.004)], alpha=0.05)
    assert unweighted[1].holm_alpha == pytest.approx(0.025) and unweighted[0].holm_alpha == pytest.approx(0.05)
    assert [d.first_level for d in decided] == [pytest.approx(0.0375), pytest.approx(0.0125)]


def test_a_probe_family_scope_is_a_spec_field(monkeypatch):
    """The grounding probes' rates set ``probe_family``; ``Scope.PROBE`` then gates them per family."""
    with pytest.raises(ValueError, match="probe_family"):
        RateSpec("probe_rate", "probe", "x", True, lambda r: True, lambda r: True, gate_scopes=(Scope.MODEL, Scope.PROBE))
    spec = RateSpec("probe_follows_film", "answers follow the film", "share of probe answers that follow the film", True,
                    lambda r: r.relation == "inverted", lambda r: r.answer != r.base_answer, gate_scopes=(Scope.MODEL, Scope.PROBE),
                    probe_family=lambda r: "mirror" if r.finding == "pneumothorax" else "label swap")
    monkeypatch.setitem(RATES, spec.name, spec)
    baseline = _run(80)
    mirror_broken = _run(80, **{f"p{p}": {"negation": False} for p in range(0, 80, 4)})
    results = regression_tests([pair_model(baseline, mirror_broken, "m", "m")], GateSettings(metrics=("probe_follows_film",)))
    assert [(g.where, g.regressed) for g in results] == [("probe_follows_film", True), ("probe_follows_film (probe label swap)", False),
                                                         ("probe_follows_film (probe mirror)", True)]
    assert register_rate  # the public way a plugin declares one


def test_the_negation_check_fails_a_model_that_ignores_every_negation():
    verdict = decide_first_run(_run(40, **{f"p{p}": {"negation": False} for p in range(40)}), load_thresholds())
    assert verdict.status == "FAIL" and verdict.models[0].reasons[0].startswith("FAIL m inverted_flip_rate (model): 0.000")
    assert Thresholds().get("inverted_flip_rate") == 0.75


def test_in_a_subgroup_the_harm_rule_needs_no_patient_improved_and_a_fifth_of_its_patients():
    """The subgroup form (chosen against another model of equal quality, docs/verdict.md): five
    pneumothorax patients turned from right to wrong are HARM in that finding only while no other
    pneumothorax patient improved at all; the model-level form still allows small improvements."""
    collapsed = {f"p{p}": {"consistent": 1} for p in range(0, 20, 4)}  # 5 of the 25 pneumothorax patients
    baseline = _run(100, p20={"consistent": 4})
    alone = decide_against_baseline(_run(100, **collapsed, p20={"consistent": 4}), baseline, GateSettings(), "release")
    finding = next(g for g in alone.gate if g.rate == "consistency" and g.subject == "pneumothorax")
    assert finding.harm_needed == 5 and finding.harm and not finding.improved  # 25 patients: a fifth is 5
    one_better = decide_against_baseline(_run(100, **collapsed, p20={"consistent": 5}), baseline, GateSettings(), "release")
    finding = next(g for g in one_better.gate if g.rate == "consistency" and g.subject == "pneumothorax")
    assert finding.improved == ("patient:p020",) and not finding.turned_better and not finding.harm
    model = next(g for g in one_better.gate if g.rate == "consistency" and g.scope is Scope.MODEL)
    assert model.harm and one_better.status == "FAIL"  # one case better is no turn: the model-level form fires
    small = next(g for g in decide_against_baseline(_run(80, **collapsed), _run(80), GateSettings(), "release").gate
                 if g.rate == "consistency" and g.subject == "pneumothorax")
    assert small.clusters == 20 and small.harm_needed == 4 and small.harm  # a fifth of 20
