"""Calibration of the counterfactual probes' rates (``vlmcore.grounding``): simulated trials
(``testing.grounding_study``) beside a study run, through the same decision functions.

- first run, per probe: a model exactly at the probe's bar should pass; one that ignores the film
  (0.5, the balanced design's chance) should fail (the mirror probe's check is a diagnostic, its
  lines say how often it would alarm);
- gate nulls: the trials drawn again at the same propensities (a rerun), and another model of equal
  grounding (new propensities), should not alarm (false alarms <= alpha + 1 point);
- gate alternatives, per gated probe (label swap, lesion occlusion): a planted drop of 0.10 on the same trials should alarm (power >=
  80%; planted as the accuracy alternative is). For information: the same drop planted on a rerun
  (trials drawn again at the same propensities first: changes both ways), and another model 0.10
  less grounded on that probe with every trial drawn afresh (two independent samples of 200
  trials: no pairing left to gain from).

100 patients by default (``--groups``), each carrying every probe's block of two trials.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from vlmcore.metrics.rates import GROUNDING_PROBES
from vlmcore.testing.grounding_study import PROBES, GroundingModel, grounding_rows, plant_drop
from vlmcore.testing.study import StudyDesign, StudyModel, study_rows
from vlmcore.verdict.decision import decide_against_baseline, decide_first_run
from vlmcore.verdict.thresholds import Thresholds

DROP = 0.10


def _first_run(thresholds: Thresholds, design: StudyDesign, grounding: GroundingModel, study: StudyModel, probe: str):
    def trial(rng: np.random.Generator) -> bool:
        rows = study_rows(study.draw(rng, design)) + grounding_rows(grounding.draw(rng, design.groups), design.groups)
        return any(c.passed is False for c in decide_first_run(rows, thresholds).checks if c.check == probe)  # its check did not hold

    return trial


def _gate(thresholds: Thresholds, design: StudyDesign, grounding: GroundingModel, change: Callable, study: StudyModel):
    def trial(rng: np.random.Generator) -> bool:
        run = study.draw(rng, design)
        before = grounding.draw(rng, design.groups)
        after = change(before, rng)
        old = study_rows(run) + grounding_rows(before, design.groups)
        new = study_rows(run) + grounding_rows(after, design.groups)
        return decide_against_baseline(new, old, thresholds.gate, "baseline").status != "PASS"

    return trial


def grounding_scenarios(thresholds: Thresholds, design: StudyDesign, scenario_type) -> list:
    study = StudyModel()
    robust = GroundingModel()  # the rates the trained robust reference model measured
    scenarios = []
    for probe in PROBES:
        bar = float(thresholds.get(probe))
        at_bar = robust.with_rates(**{probe: bar})
        scenarios.append(scenario_type("first run", f"{probe}: exactly at its bar {bar}", "pass",
                                       _first_run(thresholds, design, at_bar, study, probe)))
        scenarios.append(scenario_type("first run", f"{probe}: 0.5 (ignores the film)", "fail",
                                       _first_run(thresholds, design, robust.with_rates(**{probe: 0.5}), study, probe)))
    scenarios += [
        scenario_type("gate null", "grounding: every probe's trials drawn again (same propensities)", "pass",
                      _gate(thresholds, design, robust, lambda run, rng: robust.redraw(run, rng), study)),
        scenario_type("gate null", "grounding: another model of equal grounding (propensities drawn again)", "pass",
                      _gate(thresholds, design, robust, lambda run, rng: robust.draw(rng, design.groups), study)),
    ]
    for probe, rate in zip(PROBES, robust.rates):
        if probe not in GROUNDING_PROBES:  # a diagnostic: the gate does not take it by default
            continue
        weaker = robust.with_rates(**{probe: rate - DROP})
        scenarios += [
            scenario_type("gate alternative", f"{probe} {rate:.2f} -> {rate - DROP:.2f}: planted on the same trials", "fail",
                          _gate(thresholds, design, robust, lambda run, rng, p=probe: plant_drop(run, rng, p, DROP), study)),
            scenario_type("gate, info", f"{probe} {rate:.2f} -> {rate - DROP:.2f}: planted on a rerun (changes both ways)",
                          "fail", _gate(thresholds, design, robust,
                                        lambda run, rng, p=probe: plant_drop(robust.redraw(run, rng), rng, p, DROP), study)),
            scenario_type("gate, info", f"{probe} {rate:.2f} -> {rate - DROP:.2f}: another model, every trial drawn afresh", "fail",
                          _gate(thresholds, design, robust, lambda run, rng, w=weaker: w.draw(rng, design.groups), study)),
        ]
    return scenarios
