"""The release gate's rules under simulation (issue 25): same-quality reruns that must not alarm,
and the release scenarios that must fail, each through ``decide_against_baseline`` on 100
patients (one film each, base question + 5 paraphrases + a negated control).

Which rule alarmed is read from the verdict (``ALARMS``): the paired gate (REGRESSION or HARM,
overall and per subgroup), the harm rule alone, the first-run checks the candidate now faces
(a *new* failure), the checks on cases new since the baseline, and the whole verdict. Models:

- ``published``: the MedGemma-4B study's behaviour (consistency ~0.90, accuracy ~0.74; below the
  0.8 pneumothorax bar, so its first-run checks are not what its nulls measure);
- ``strong``: comfortably above every bar (consistency 0.95, accuracy 0.90 per finding): the whole
  verdict's false alarms;
- ``at thresholds``: exactly at every bar: the first-run and new-case rules' worst case.

Same-quality nulls include a share of the answers drawn again from the model's own propensities
(``StudyModel.redraw_answers``), as GPU numerics tip answers near the decision boundary.
``harm_choice`` re-judges the same simulated gate results with other harm-rule counts: how the
default (``GateSettings.harm_patients``) was chosen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from vlmcore.calibration.scenario import Readout, Scenario, Simulation, at_thresholds
from vlmcore.metrics.specs import Scope
from vlmcore.testing.releases import collapse_finding, collapse_strategy, grow, ignore_negation, regress_patients
from vlmcore.testing.study import FINDINGS, StudyDesign, StudyModel, fix_groups, plant_flips, study_rows
from vlmcore.verdict.decision import Verdict, decide_against_baseline, decide_first_run
from vlmcore.verdict.exit_codes import Status
from vlmcore.verdict.first_run import ALL_CASES, NEW_CASES
from vlmcore.verdict.regression import harm_count
from vlmcore.verdict.thresholds import Thresholds

ALARMS: dict[str, Callable[[Verdict], bool]] = {
    "verdict": lambda v: v.status is not Status.PASS,
    "gate rules": lambda v: any(g.failed for g in v.gate),
    "harm rule": lambda v: any(g.harm for g in v.gate),
    "first-run checks (new)": lambda v: any(c.failed and not c.pre_existing and c.population == ALL_CASES for c in v.checks),
    "new cases": lambda v: any(c.failed and c.population == NEW_CASES for c in v.checks),
    "cannot tell": lambda v: any(g.cannot_tell for g in v.gate),
}


def models(thresholds: Thresholds) -> dict[str, StudyModel]:
    study = StudyModel()
    return {"published": study, "strong": study.with_rates(0.95, {f: 0.90 for f in FINDINGS}, 0.5),
            "shaky": replace(study, base_flip_probability=0.08).with_rates(study.expected_consistency(), study.expected_accuracy(),
                                                                           study.blank_same),
            "at thresholds": at_thresholds(thresholds)}


def verdict_of(thresholds: Thresholds, model: StudyModel, design: StudyDesign, change, rng: np.random.Generator) -> Verdict:
    baseline = model.draw(rng, design)
    candidate = change(baseline, rng)
    return decide_against_baseline(study_rows(candidate), study_rows(baseline), thresholds.gate, "baseline", thresholds=thresholds)


def nulls(m: dict[str, StudyModel]) -> list[tuple[str, StudyModel, Callable]]:
    """(name, model, change): equal-quality candidates."""
    out = []
    for label in ("published", "strong"):
        model = m[label]
        out += [(f"{label}: deterministic rerun", model, lambda run, rng: run),
                (f"{label}: paraphrase-level redraw", model, lambda run, rng, model=model: model.redraw_paraphrases(run, rng)),
                (f"{label}: group-level redraw, 25% of groups", model, lambda run, rng, model=model: model.redraw_groups(run, rng, 0.25)),
                (f"{label}: another model of equal quality (all groups redrawn)", model,
                 lambda run, rng, model=model: model.redraw_groups(run, rng, 1.0)),
                (f"{label}: 5% of answers redrawn (GPU numerics)", model, lambda run, rng, model=model: model.redraw_answers(run, rng, 0.05)),
                (f"{label}: 10% of answers redrawn (GPU numerics)", model,
                 lambda run, rng, model=model: model.redraw_answers(run, rng, 0.10))]
    shaky = m["shaky"]
    out += [("shaky base answers: base-answer-level redraw", shaky, lambda run, rng: shaky.redraw_base(run, rng)),
            ("shaky base answers: 10% of answers redrawn", shaky, lambda run, rng: shaky.redraw_answers(run, rng, 0.10)),
            ("published: 3 flipping groups fixed (better)", m["published"], lambda run, rng: fix_groups(run, rng, 3)[0])]
    return out


def release_scenarios(thresholds: Thresholds, groups: int = 100) -> list[Simulation]:
    """Each (model, change) simulated once, read by every rule its lines name (``ALARMS``)."""
    m = models(thresholds)
    design = StudyDesign(groups=groups, negations=True)
    small = StudyDesign(groups=12, negations=True)

    def simulation(model, change, *readouts, use=design):
        return Simulation(lambda rng: verdict_of(thresholds, model, use, change, rng),
                          tuple(Readout(kind, name, target, ALARMS[alarm]) for kind, name, target, alarm in readouts))

    out = []
    for name, model, change in nulls(m):
        readouts = [("gate null", f"[gate rules] {name}", "pass", "gate rules")]
        if name.startswith("strong"):
            readouts.append(("gate null", f"[verdict] {name}", "pass", "verdict"))
        readouts.append(("null, info", f"[cannot tell] {name}", "pass", "cannot tell"))
        out.append(simulation(model, change, *readouts))
    at, strong, published = m["at thresholds"], m["strong"], m["published"]
    collapse = "pneumothorax collapse: 5 right groups turn wrong, 5 of others turn right"
    regression = "5-patient regression: 5 consistent patients lose 4 of 5 paraphrases"
    out += [
        simulation(at, lambda run, rng: at.redraw_answers(run, rng, 0.10),
                   ("gate null", "[first-run checks (new)] at thresholds, 10% of answers redrawn", "pass", "first-run checks (new)")),
        simulation(at, lambda run, rng: grow(run, rng, at, 15),
                   ("gate null", "[new cases] at thresholds, dataset grown by 15 groups of equal quality", "pass", "new cases")),
        simulation(strong, lambda run, rng: grow(run, rng, strong, groups * 15 // 100),
                   ("gate null", "[verdict] strong, dataset grown by 15% (old cases unchanged)", "pass", "verdict")),
        simulation(strong, lambda run, rng: collapse_finding(run, rng, "pneumothorax", 5, 5),
                   ("gate alternative", f"[verdict] {collapse}", "fail", "verdict"),
                   ("gate, info", "[gate rules] the same pneumothorax collapse, gate alone", "fail", "gate rules")),
        simulation(strong, lambda run, rng: collapse_finding(strong.redraw_answers(run, rng, 0.05), rng, "pneumothorax", 5, 5),
                   ("gate, info", "[verdict] the same pneumothorax collapse on top of 5% of answers redrawn", "fail", "verdict")),
        simulation(strong, lambda run, rng: collapse_strategy(run, rng, "register", 0.6, 15),
                   ("gate alternative", "[verdict] strategy 'register' departs in 60% of its groups, 15 other flips fixed", "fail",
                    "verdict")),
        simulation(published, lambda run, rng: regress_patients(run, rng, 5),
                   ("gate alternative", f"[verdict] {regression}", "fail", "verdict"),
                   ("gate, info", "[gate rules] the same 5-patient regression, gate alone", "fail", "gate rules")),
        simulation(published, lambda run, rng: regress_patients(published.redraw_answers(run, rng, 0.05), rng, 5),
                   ("gate alternative", "[gate rules] the same 5-patient regression on top of 5% of answers redrawn", "fail",
                    "gate rules")),
        simulation(published, lambda run, rng: regress_patients(run, rng, 4),
                   ("gate alternative", "[verdict] 4 of 12 patients regressed (12-patient set)", "fail", "verdict"), use=small),
        simulation(strong, lambda run, rng: grow(run, rng, strong, 10, "atelectasis", wrong=True),
                   ("gate alternative", "[verdict] new finding: 10 new groups of atelectasis, all wrong", "fail", "verdict")),
        simulation(strong, lambda run, rng: grow(run, rng, strong, 10, wrong=True),
                   ("gate alternative", "[verdict] dataset grown by 10 groups answered all wrong", "fail", "verdict")),
        simulation(strong, lambda run, rng: ignore_negation(run),
                   ("gate alternative", "[verdict] negation ignored since the baseline", "fail", "verdict")),
        simulation(published, lambda run, rng: plant_flips(run, rng, 15)[0],
                   ("gate, info", "[gate rules] 2 new flips in 15 consistent groups", "fail", "gate rules")),
    ]
    return out


def negation_first_run(thresholds: Thresholds, groups: int = 100) -> list[Scenario]:
    """The negation check on a first run: a model that ignores every negated question fails."""
    strong = models(thresholds)["strong"]
    design = StudyDesign(groups=groups, negations=True)

    def trial(rng: np.random.Generator) -> bool:
        return decide_first_run(study_rows(ignore_negation(strong.draw(rng, design))), thresholds).status is not Status.PASS

    return [Scenario("first run", "negation ignored: every negated question answered as its base question", "fail", trial)]


# -- how the harm rule was chosen ---------------------------------------------------------------
HARM_COUNTS = (3, 4, 5, 6, 7)
#: the harm rule's forms re-judged: "same in subgroups" (the count and "none turned better" everywhere, the
#: rule before the equal-quality null was measured) and "strict in subgroups" (the rule: a subgroup also
#: needs no patient improved at all, and counts a fifth of a small subgroup's patients)
HARM_FORMS = ("same in subgroups", "strict in subgroups")


def harm_alarm(verdict: Verdict, count: int, form: str = "strict in subgroups") -> bool:
    """Would the harm rule have fired with ``count`` in this ``form`` (the same results re-judged)?"""
    strict = form == "strict in subgroups"

    def fires(g) -> bool:
        subgroup = g.scope is not Scope.MODEL
        needed = harm_count(count, g.clusters, subgroup=subgroup and strict)
        return (g.beyond_margin and not g.regressed and not g.turned_better and len(g.turned_worse) >= needed
                and not (strict and subgroup and g.improved))

    return any(fires(g) for g in verdict.gate)


def harm_choice(thresholds: Thresholds, runs: int, seed: int, groups: int = 100) -> list[str]:
    """Per harm-rule form and count: the worst same-quality null's share of runs in which the gate
    alarmed (REGRESSION, or HARM re-judged), and the power of the gate for the regressions the harm
    rule exists for (5 patients, the same on 5% redrawn answers, a 5-group finding collapse)."""
    m = models(thresholds)
    design = StudyDesign(groups=groups, negations=True)
    published, strong = m["published"], m["strong"]
    cases = [(name, model, change) for name, model, change in nulls(m)]
    alternatives = [("5 patients", published, lambda run, rng: regress_patients(run, rng, 5)),
                    ("5 patients + 5% redrawn", published,
                     lambda run, rng: regress_patients(published.redraw_answers(run, rng, 0.05), rng, 5)),
                    ("finding collapse", strong, lambda run, rng: collapse_finding(run, rng, "pneumothorax", 5, 5))]
    shares: dict[str, dict[tuple[str, int], float]] = {}
    for index, (name, model, change) in enumerate(cases + alternatives):
        rng = np.random.default_rng([seed, 90_000 + index])
        verdicts = [verdict_of(thresholds, model, design, change, rng) for _ in range(runs)]
        regressed = [any(g.regressed for g in v.gate) for v in verdicts]
        shares[name] = {(form, count): sum(r or harm_alarm(v, count, form) for r, v in zip(regressed, verdicts)) / runs
                        for form in HARM_FORMS for count in HARM_COUNTS}
    lines = ["harm rule form, count | worst null: gate alarms (which) | power: " + " | ".join(n for n, *_ in alternatives)]
    for form in HARM_FORMS:
        for count in HARM_COUNTS:
            worst = max((name for name, *_ in cases), key=lambda n: shares[n][(form, count)])
            lines.append(f"{form}, {count} | {shares[worst][(form, count)]:6.1%} ({worst}) | "
                         + " | ".join(f"{shares[n][(form, count)]:6.1%}" for n, *_ in alternatives))
    return lines
