"""The decision rules on small exact cases: first run, pairing, the gate, statuses and exit codes."""

from dataclasses import replace

import pytest

from tests.verdict.rows import group
from vlmcore.verdict import exit_codes
from vlmcore.verdict.decision import decide_against_baseline, decide_first_run
from vlmcore.verdict.first_run import first_run_checks
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.pairing import match_models, pair_model
from vlmcore.verdict.regression import RegressionResult, holm, paired_rate_test
from vlmcore.verdict.thresholds import Thresholds, load_thresholds


def _model(groups: int, flips_in: set[int] = frozenset(), **kwargs):
    return [r for g in range(groups) for r in group(f"p{g:02d}", ["no" if g in flips_in else "yes"] * 5, **kwargs)]


def test_first_run_alpha_is_split_half_model_half_subgroups():
    checks = first_run_checks(_model(40), load_thresholds(), "m")
    model_level = [c for c in checks if c.scope == "model"]
    subgroups = [c for c in checks if c.scope != "model"]
    assert {c.check for c in model_level} == {"consistency", "accuracy", "inverted_flip_rate",  # negation: issue 25 item 4
                                              "label_swap", "lesion_occlusion", "mirror_laterality"}  # issue 27
    assert sum(c.alpha for c in model_level) == pytest.approx(0.025) and sum(c.alpha for c in subgroups) == pytest.approx(0.025)
    assert {c.check for c in subgroups} == {"finding_consistency", "finding_accuracy", "strategy_consistency"}


def test_first_run_uses_the_per_finding_threshold_and_fails_only_when_ruled_out():
    thresholds = load_thresholds()  # pneumothorax accuracy must be at least 0.8
    healthy = decide_first_run(_model(40), thresholds)
    assert healthy.status == "PASS" and healthy.exit_code == 0
    finding = next(c for c in healthy.checks if c.check == "finding_accuracy")
    assert finding.threshold == 0.8 and finding.passed
    broken = decide_first_run(_model(40, flips_in=set(range(20))), thresholds)  # half the films: every paraphrase flips
    assert broken.status == "FAIL" and broken.exit_code == 1
    failed = {c.check for c in broken.checks if c.passed is False}
    assert "consistency" in failed and "FAIL m consistency (model): 0.500" in broken.models[0].reasons[0]
    slightly = decide_first_run(_model(40, flips_in={0, 1, 2, 3, 4}), thresholds)  # 0.875 < 0.9, but within noise
    assert slightly.status == "PASS"


def test_too_few_clusters_cannot_pass_and_an_unevaluated_model_is_named():
    few = decide_first_run(_model(6), load_thresholds(), models=["m", "absent"])
    statuses = {m.model: m.status for m in few.models}
    assert statuses == {"m": "NOT EVALUATED", "absent": "NOT EVALUATED"} and few.exit_code == 10
    assert "only 6 clusters" in few.models[1].reasons[0] and "no case produced a result" in few.models[0].reasons[0]
    failed_case = decide_first_run(_model(40), load_thresholds(), failed_cases={"m": 2})
    assert failed_case.status == "FAIL" and "2 gating pytest case(s) failed" in failed_case.models[0].reasons[0]


def test_worst_status_wins():
    assert exit_codes.worst(["PASS", "NOT EVALUATED"]) == "NOT EVALUATED"
    assert exit_codes.worst(["COMPARISON IMPOSSIBLE", "FAIL", "PASS"]) == "FAIL"
    assert [exit_codes.BY_STATUS[s] for s in exit_codes.SEVERITY] == [1, 11, 10, 0]


def test_pairing_excludes_changed_cases_and_names_what_changed():
    old = _model(10)
    new = [replace(r, expected="no") if r.case_id == "p03-p1" else r for r in _model(10)]
    new = [replace(r, question="Is it?") if r.case_id == "p04-p2" else r for r in new]
    new = [replace(r, image_sha="other") if r.case_id.startswith("p05") else r for r in new]
    pairing = pair_model(old, new, "m", "m")
    changed = dict(pairing.changed)
    assert changed["p03-p1"] == "expected 'yes' -> 'no'" and changed["p04-p2"].startswith("question 'p04-p2?' -> 'Is it?'")
    assert changed["p05-base"].startswith("film content sha-p05 -> other") and len(changed) == 8
    assert len(pairing.pairs) == 52 and pairing.impossible_reason(0.9) is not None
    assert pairing.impossible_reason(0.8) is None


def test_models_pair_by_key_or_by_family_when_each_run_has_one():
    assert match_models({"medgemma@v1"}, {"medgemma@v2"})[0] == [("medgemma@v1", "medgemma@v2")]
    assert match_models({"tiny-medgemma"}, {"tiny-llava"}) == ([], ["tiny-llava"], "")
    assert match_models({"a", "b"}, {"b", "c"}) == ([("b", "b")], ["c"], "")


def test_paired_test_counts_clusters_not_cases():
    old = _model(20)
    base_flip = [replace(r, base_answer="no", answer="no" if r.relation == "base" else r.answer) if r.cluster == "patient:p00" else r
                 for r in old]  # one film's base answer changes: all its 5 paraphrases become inconsistent
    result = paired_rate_test(pair_model(old, base_flip, "m", "m"), "consistency", 0.02)
    assert len(result.worse) == 5 and result.changed_clusters == 1 and result.p_value == pytest.approx(0.5)
    spread = [replace(r, answer="no") if r.relation == "invariant" and r.case_id.endswith("p0") and int(r.cluster[-2:]) < 10 else r
              for r in old]  # one paraphrase worse in each of 10 films
    result = paired_rate_test(pair_model(old, spread, "m", "m"), "consistency", 0.02)
    assert result.p_value == pytest.approx(2 ** -10) and result.drop == pytest.approx(0.1)


def test_holm_steps_down_and_the_margin_decides_relevance():
    def result(p: float, drop: float) -> RegressionResult:
        return RegressionResult("m", "consistency", 0.9, 0.9 - drop, 0.02, p, 0.0, False, 10, 3, 50, (), ())

    decided = holm([result(0.04, 0.05), result(0.01, 0.05), result(0.2, 0.05)], alpha=0.05)
    assert [d.holm_alpha for d in decided] == [pytest.approx(0.025), pytest.approx(0.05 / 3), 0.0]
    assert [d.regressed for d in decided] == [False, True, False]  # 0.04 > 0.025: the sequence stops there
    small = holm([result(0.001, 0.01)], alpha=0.05)[0]
    assert small.holm_alpha == 0.05 and not small.regressed  # significant, but within the margin


def test_gate_verdicts_and_exit_codes():
    settings = GateSettings(min_clusters=10)  # 20 patients: below the default 30 a gate PASS needs (issue 25 item 7)
    base = _model(20)
    same = decide_against_baseline(base, base, settings, "release")
    assert same.status == "PASS" and same.exit_code == 0 and same.gate
    worse = [replace(r, answer="no") if r.relation == "invariant" and int(r.cluster[-2:]) < 8 else r for r in base]
    failed = decide_against_baseline(worse, base, settings, "release")
    assert failed.status == "FAIL" and "REGRESSION m: consistency 1.000 -> 0.600" in failed.models[0].reasons[0]
    assert {f.group_id for f in failed.new_flips} == {f"g-p{g:02d}" for g in range(8)}
    # the candidate holds a sliver of the baseline's cases (the baseline's share is what must pair since issue 25 item 5)
    truncated = decide_against_baseline(base[:12], base, settings, "release")
    assert truncated.status == "COMPARISON IMPOSSIBLE" and truncated.exit_code == 11
    nothing = decide_against_baseline([], base, settings, "release", models=["m"])
    assert nothing.status == "NOT EVALUATED" and nothing.exit_code == 10


def test_thresholds_object_defaults_match_the_shipped_file():
    shipped = load_thresholds()
    assert shipped.values == Thresholds().values and shipped.gate.to_json() == GateSettings(source="x").to_json()
    assert shipped.verdict_alpha == 0.05 and shipped.min_clusters == 10
