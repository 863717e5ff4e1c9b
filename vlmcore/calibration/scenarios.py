"""The simulated scenarios: each draws one run (or one baseline + candidate pair) from a
``StudyModel`` and asks the same decision functions the suite uses whether it would alarm.

- first run: ``decide_first_run`` on a model exactly at every threshold (should pass) and on
  one 0.05 worse (should fail);
- gate, null: equal-quality reruns (deterministic; paraphrase-, base-answer- and group-level
  redraws) that should not alarm;
- gate, alternatives: planted consistency and accuracy drops that should;
- intervals: how often the 95% interval holds the true rate, by number of patients.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vlmcore.calibration.release_scenarios import negation_first_run, release_scenarios
from vlmcore.calibration.scenario import Scenario, Simulation, at_thresholds
from vlmcore.metrics.clusters import tally
from vlmcore.metrics.intervals import rate_interval
from vlmcore.testing.study import StudyDesign, StudyModel, fix_groups, plant_flips, plant_wrong_answers, study_rows
from vlmcore.verdict.decision import decide_against_baseline, decide_first_run
from vlmcore.verdict.thresholds import Thresholds, load_thresholds

__all__ = ["Scenario", "all_scenarios", "at_thresholds"]


def first_run_scenarios(thresholds: Thresholds, design: StudyDesign) -> list[Scenario]:
    design = replace(design, negations=True)  # every model-level check, the negation check included, at its bar

    def alarms(model: StudyModel):
        return lambda rng: decide_first_run(study_rows(model.draw(rng, design)), thresholds).status != "PASS"

    return [
        Scenario("first run", "exactly at every threshold", "pass", alarms(at_thresholds(thresholds))),
        Scenario("first run", "0.05 worse than every threshold", "fail", alarms(at_thresholds(thresholds, 0.05))),
        Scenario("first run, info", "only consistency 0.05 below", "fail", alarms(at_thresholds(thresholds, 0.05, "consistency"))),
        Scenario("first run, info", "only accuracy 0.05 below (accuracy is a per-film quantity)", "fail",
                 alarms(at_thresholds(thresholds, 0.05, "accuracy"))),
        Scenario("first run", "published study (0.905 / 0.74)", "pass", alarms(StudyModel())),
    ]


def per_case_mcnemar_alarms(baseline: list, candidate: list, settings) -> bool:
    """The rule this gate replaced, for comparison only: each case an independent pair,
    McNemar's exact test per rate, no correction across rates."""
    from scipy.stats import binomtest

    from vlmcore.metrics.rates import RATES

    for name in ("consistency", "accuracy"):
        rate = RATES[name]
        pairs = [(o, n) for o, n in zip(baseline, candidate) if rate.applies(o)]
        worse = sum(rate.success(o) and not rate.success(n) for o, n in pairs)
        better = sum(rate.success(n) and not rate.success(o) for o, n in pairs)
        p = binomtest(worse, worse + better, 0.5, alternative="greater").pvalue if worse + better else 1.0
        if (worse - better) / len(pairs) > settings.margins[name] and p < settings.alpha:
            return True
    return False


def _gate(thresholds: Thresholds, design: StudyDesign, model: StudyModel, change, old_rule: bool = False):
    def trial(rng: np.random.Generator) -> bool:
        baseline = model.draw(rng, design)
        candidate = change(baseline, rng)
        old, new = study_rows(baseline), study_rows(candidate)
        if old_rule:
            return per_case_mcnemar_alarms(old, new, thresholds.gate)
        return decide_against_baseline(new, old, thresholds.gate, "baseline", thresholds=thresholds).status != "PASS"

    return trial


def gate_scenarios(thresholds: Thresholds, design: StudyDesign) -> list[Scenario]:
    study = StudyModel()
    strong = study.with_rates(0.92, study.expected_accuracy(), study.blank_same)
    planted = round(0.04 * design.groups * 5 / 2)  # groups with 2 new flips each: an expected drop of 0.04 in consistency
    # base questions that depart from the film's reading more often, so that base redraws actually happen
    shaky_base = replace(study, base_flip_probability=0.08).with_rates(study.expected_consistency(), study.expected_accuracy(),
                                                                        study.blank_same)
    null = lambda name, change, model=study: Scenario("gate null", name, "pass", _gate(thresholds, design, model, change))
    alternative = lambda name, model, change: Scenario("gate alternative", name, "fail",
                                                       _gate(thresholds, design, model, change))
    old = lambda name, change, model=study: Scenario("old rule, null", name, "pass",
                                                    _gate(thresholds, design, model, change, old_rule=True))
    return [
        old("paraphrase-level redraw", lambda run, rng: study.redraw_paraphrases(run, rng)),
        old("base-answer-level redraw (base departs in 8% of flip-prone groups)",
            lambda run, rng: shaky_base.redraw_base(run, rng), shaky_base),
        old("group-level redraw, 25% of groups", lambda run, rng: study.redraw_groups(run, rng, 0.25)),
        null("deterministic rerun", lambda run, rng: run),
        null("paraphrase-level redraw", lambda run, rng: study.redraw_paraphrases(run, rng)),
        null("base-answer-level redraw (base departs in 8% of flip-prone groups)",
             lambda run, rng: shaky_base.redraw_base(run, rng), shaky_base),
        null("group-level redraw, 25% of groups", lambda run, rng: study.redraw_groups(run, rng, 0.25)),
        null("group-level redraw, all groups (another model of equal quality)", lambda run, rng: study.redraw_groups(run, rng, 1.0)),
        null("3 flipping groups fixed (better)", lambda run, rng: fix_groups(run, rng, 3)[0]),
        alternative(f"consistency 0.92 -> 0.88: 2 new flips in {planted} groups", strong,
                    lambda run, rng: plant_flips(run, rng, planted)[0]),
        Scenario("gate, info", f"consistency 0.92 -> 0.88, {planted} groups, on top of a paraphrase-level redraw", "fail",
                 _gate(thresholds, design, strong, lambda run, rng: plant_flips(strong.redraw_paraphrases(run, rng), rng, planted)[0])),
        alternative("accuracy 0.74 -> 0.70: 5.4% of correct answers turned wrong", study,
                    lambda run, rng: plant_wrong_answers(run, rng, 0.054)),
        alternative("2 new flips in 15 consistent groups (the must-show scenario)", study,
                    lambda run, rng: plant_flips(run, rng, 15)[0]),
    ]


def coverage_scenarios(patients: tuple[int, ...]) -> list[Scenario]:
    study = StudyModel()
    truths = {"consistency": study.expected_consistency(), "accuracy": study.expected_accuracy()}

    def covers(count: int, rate: str, films_per_patient: int):
        design = StudyDesign(groups=count * films_per_patient, films_per_patient=films_per_patient)

        def trial(rng: np.random.Generator) -> bool:
            interval = rate_interval(tally(study_rows(study.draw(rng, design)), rate))
            return interval.low <= truths[rate] <= interval.high

        return trial

    return [Scenario("coverage" if count >= 30 else "coverage, info", f"{rate}, {count} patients x {films} film(s)", "cover",
                     covers(count, rate, films)) for count in patients for films in (1, 2) for rate in ("consistency", "accuracy")]


def all_scenarios(thresholds_path: str | None = None, groups: int = 100, patients=(3, 10, 30, 100)) -> list[Scenario | Simulation]:
    """Every scenario, each a ``Scenario`` (one rule) or a ``Simulation`` (several rules read off the same runs)."""
    thresholds = load_thresholds(thresholds_path)
    design = StudyDesign(groups=groups)
    from vlmcore.calibration.grounding import grounding_scenarios

    return (first_run_scenarios(thresholds, design) + negation_first_run(thresholds, groups) + gate_scenarios(thresholds, design)
            + grounding_scenarios(thresholds, design, Scenario) + release_scenarios(thresholds, groups) + coverage_scenarios(patients))
