"""Adding a rate is one ``RateSpec``: declared once, it appears in every place that lists rates.

The rate here ("yes_rate": share of answers that are "yes", lower is better) is the kind of
addition the next issues make (a counterfactual probe, a negation check): a bar, a gate margin,
a gating model-level check and a diagnostic per-finding check, a per-group case.
"""

import json
from dataclasses import replace

import pytest

from tests.verdict.rows import group
from vlmcore.errors import ConfigError
from vlmcore.metrics.comparison import model_measures
from vlmcore.metrics.rates import RATES, register_rate, report_order
from vlmcore.metrics.specs import CheckSpec, RateSpec, Scope
from vlmcore.metrics.summary import summarise_model, summarise_run
from vlmcore.plugin.cases import first_run_cases
from vlmcore.plugin.terminal import headline_rates
from vlmcore.records import to_json
from vlmcore.report.comparison_section import paired_differences
from vlmcore.report.markdown import measures_table
from vlmcore.report.scorecard import scorecard
from vlmcore.verdict.decision import decide_against_baseline, decide_first_run
from vlmcore.verdict.gate_settings import GateSettings, default_metrics, gate_schema
from vlmcore.verdict.thresholds import defaults, finding_keys, load_thresholds, schema


@pytest.fixture
def yes_rate():
    spec = register_rate(RateSpec(
        "yes_rate", "answered yes", "share of cases answered yes", False, lambda r: True, lambda r: r.answer == "yes",
        bar=0.5, margin=0.05, gated=True, case="test_group_yes_rate",
        checks=(CheckSpec(Scope.MODEL), CheckSpec(Scope.FINDING, "finding_yes_rate", 0.6, gating=False))))
    yield spec
    del RATES["yes_rate"]


MAP = {"js_to_base": 0.0, "inside_body_ratio": 0.9, "border_fraction": 0.1, "border_ratio": 1.0}


def _rows(groups: int, answer: str = "yes", model: str = "m"):
    return [replace(r, metrics=MAP) for g in range(groups)
            for r in group(f"p{g:02d}", [answer] * 5, base=answer, expected=answer, model=model)]


def test_the_thresholds_file_takes_its_bars(yes_rate, tmp_path):
    assert defaults()["yes_rate"] == 0.5 and defaults()["finding_yes_rate"] == 0.6
    assert schema()["yes_rate"] == ("float", 0.0, 1.0) and "yes_rate" in finding_keys()
    path = tmp_path / "t.toml"
    path.write_text("[thresholds]\nyes_rate = 0.8\n[findings.pneumothorax]\nyes_rate = 0.5\n[gate]\nyes_rate_margin = 0.1\n")
    thresholds = load_thresholds(path)
    assert thresholds.get("yes_rate") == 0.8 and thresholds.get("yes_rate", "pneumothorax") == 0.5
    assert thresholds.gate.margin("yes_rate") == 0.1
    path.write_text("[thresholds]\nyes_rate = 2\n")
    with pytest.raises(ConfigError, match=r"\[thresholds\] yes_rate = 2"):
        load_thresholds(path)


def test_the_gate_takes_it_by_default_with_its_margin(yes_rate):
    assert "yes_rate" in default_metrics() and "yes_rate_margin" in gate_schema()
    assert GateSettings().to_json()["yes_rate_margin"] == 0.05
    baseline = _rows(20, "no")
    candidate = [r for g in range(20) for r in group(f"p{g:02d}", ["yes" if g < 12 else "no"] * 5, base="no", expected="no")]
    verdict = decide_against_baseline(candidate, baseline, GateSettings(), "release")
    gated = next(g for g in verdict.gate if g.rate == "yes_rate")
    assert gated.regressed and verdict.status == "FAIL" and "REGRESSION m: yes_rate" in " ".join(verdict.models[0].reasons)
    assert any(d.rate == "yes_rate" for d in paired_differences(baseline, candidate))


def test_first_run_checks_and_their_cases(yes_rate):
    verdict = decide_first_run(_rows(30), load_thresholds())
    checks = {(c.check, c.subject): c for c in verdict.checks}
    model_level, per_finding = checks[("yes_rate", "")], checks[("finding_yes_rate", "pneumothorax")]
    assert model_level.passed is False and model_level.gating and verdict.status == "FAIL"
    assert per_finding.passed is False and not per_finding.gating  # diagnostic: reported, not deciding
    assert any("FAIL m yes_rate (model)" in reason for reason in verdict.models[0].reasons)
    assert not any("finding_yes_rate" in reason for reason in verdict.models[0].reasons)
    cases = first_run_cases()
    assert {"test_yes_rate", "test_finding_yes_rate"} <= set(cases)
    assert "vlm_finding" in cases["test_finding_yes_rate"].__code__.co_varnames
    order = report_order()
    assert order.index("test_yes_rate") < order.index("test_group_yes_rate") < order.index("test_finding_yes_rate")
    assert "yes_rate" in headline_rates()


def test_summary_scorecard_comparison_and_report(yes_rate):
    rows = _rows(12) + _rows(12, "no", model="n")
    summaries = summarise_run(rows)
    assert summaries["m"].estimate("yes_rate").value == 1.0 and summaries["n"].estimate("yes_rate").value == 0.0
    assert json.loads(json.dumps(to_json(summaries["m"])))["yes_rate"]["value"] == 1.0  # summary.json
    verdict = decide_first_run(rows, load_thresholds())
    card = {line.metric: line for line in scorecard(verdict, summaries, load_thresholds())["m"]}
    assert card["yes_rate"].result == "FAIL" and card["yes_rate"].direction == "lower is better"
    assert any(m.key == "yes_rate" and m.value == 1.0 for m in model_measures(_rows(12)))

    class Report:
        summary = summaries
        decision = verdict

    class Sections:
        comparison = []

    measures = "\n".join(measures_table(Report(), Sections()).markdown())
    assert "answered yes" in measures  # a judged rate is named in the Measures note; an unjudged one has its row


def test_without_the_spec_nothing_knows_the_rate():
    assert "yes_rate" not in RATES and "yes_rate" not in defaults() and "yes_rate" not in default_metrics()
    assert "yes_rate" not in summarise_model(_rows(3)).estimates


def test_a_subgroup_gate_is_one_field_of_the_spec_and_finds_a_collapse_under_a_flat_average(monkeypatch):
    """One finding of ten loses consistency in 10 of its 20 patients: 0.02 overall (not beyond the
    0.02 margin), 0.2 in that finding. A model-level gate passes it; with ``gate_scopes`` including
    findings (the default for consistency since issue 25), the same weighted Holm family catches it
    (the subgroup tests share half of alpha: 0.0025 each, and 10 patients all worse give p 2^-10)."""
    findings = [f"finding{index}" for index in range(10)]
    baseline = [r for f in findings for p in range(20) for r in group(f"{f}-p{p:02d}", ["yes"] * 5, finding=f)]
    collapsed = [r for f in findings for p in range(20)
                 for r in group(f"{f}-p{p:02d}", ["no", "no", "yes", "yes", "yes"] if f == "finding3" and p < 10 else ["yes"] * 5, finding=f)]
    settings = GateSettings(metrics=("consistency",))
    monkeypatch.setitem(RATES, "consistency", replace(RATES["consistency"], gate_scopes=(Scope.MODEL,)))
    flat = decide_against_baseline(collapsed, baseline, settings, "release")
    assert flat.status == "PASS" and [g.where for g in flat.gate] == ["consistency"]
    monkeypatch.setitem(RATES, "consistency", replace(RATES["consistency"], gate_scopes=(Scope.MODEL, Scope.FINDING)))
    by_finding = decide_against_baseline(collapsed, baseline, settings, "release")
    regressed = [g for g in by_finding.gate if g.regressed]
    assert [g.where for g in regressed] == ["consistency (finding finding3)"] and by_finding.status == "FAIL"
    assert len(by_finding.gate) == 11 and regressed[0].drop == pytest.approx(0.2)
    assert "REGRESSION m: consistency (finding finding3) 1.000 -> 0.800" in by_finding.models[0].reasons[0]
