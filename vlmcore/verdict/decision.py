"""The verdict, decided in one place from the rows a run produced.

- Without a baseline (first run): the aggregate checks of ``first_run`` decide; fewer than
  ``[verdict] min_clusters`` patients cannot PASS, fewer than ``low_power_clusters`` carry a
  low-power warning naming how far below its bar each rate must fall before its check fails.
- With a baseline: the candidate faces three things, and fails on any of them:
  1. the paired regression gate of ``regression`` on the cases that pair (``pairing``), with,
     value by value, the stricter of the baseline's and this run's gate settings: REGRESSION
     or HARM fails; CANNOT TELL is named (never a silent pass);
  2. every first-run check over all its cases, each marked *new* (the baseline's rows pass it)
     or *pre-existing* (they fail it too). Both block: a gate that ships a model below a bar
     because the last one was below it too would switch the bar off; a known failure is
     accepted by lowering that bar in the thresholds file, where a reviewer sees it;
  3. every first-run check over its *new* cases alone (ids the baseline lacks, or whose content
     changed), so cases added to the dataset are judged, not ignored.
  A PASS needs at least ``[gate] min_clusters`` paired patients.
- Either way: a selected model with no result is NOT EVALUATED, and a gating pytest case
  that failed (an aggregate case, a fallback map, an error) makes the run FAIL.
- Either way: a model whose answers were not read (first-token noise, nothing to read in
  its generated texts; ``unread_answers``) is NOT EVALUATED, whatever its checks said.

The verdict names its rule and the numbers that decided it, so the terminal line, report.md,
report.html and summary.json all say *why*. ``vlmcore compare`` calls the same functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import cluster_unit
from vlmcore.metrics.rates import RATES
from vlmcore.metrics.specs import Scope
from vlmcore.records import to_json
from vlmcore.verdict import exit_codes
from vlmcore.verdict.exit_codes import Status
from vlmcore.verdict.first_run import NEW_CASES, AggregateCheck, first_run_checks, mark_pre_existing
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.pairing import Pairing, match_models, pair_model
from vlmcore.verdict.regression import RegressionResult, regression_tests
from vlmcore.verdict.thresholds import Thresholds
from vlmcore.verdict.unread_answers import unread_answers

FIRST_RUN_RULE = ("first run: every model-level, per-finding and per-strategy aggregate must not be ruled out by its "
                  "one-sided confidence bound (clustered; weighted Bonferroni over all checks, familywise alpha {alpha})")
GATE_RULE = ("gate against baseline {name!r}: no gated rate, overall or in a subgroup, may drop by more than its margin with a "
             "significant cluster sign-flip test (weighted Holm across rates, subgroups and models, familywise alpha {alpha}) "
             "or with {harm} patients turned from right to wrong and none the other way (harm rule); and every first-run check "
             "holds, over all cases and over the cases new since the baseline")


@dataclass(frozen=True)
class ModelVerdict:
    model: str
    status: Status
    reasons: tuple[str, ...]  # the decisive sentences (failures first), or why all passed

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))


@dataclass(frozen=True)
class NewFlip:
    """A paraphrase answered as its base question in the baseline and differently now."""

    model: str
    group_id: str
    case_id: str
    strategy: str
    base_question: str
    base_answer: str
    paraphrase: str
    answer: str


@dataclass(frozen=True)
class Verdict:
    status: Status
    rule: str
    models: tuple[ModelVerdict, ...]
    checks: tuple[AggregateCheck, ...] = ()
    gate: tuple[RegressionResult, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    notes: tuple[str, ...] = ()
    new_flips: tuple[NewFlip, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))

    @property
    def exit_code(self) -> int:
        return self.status.exit_code

    @property
    def reasons(self) -> list[str]:
        return [f"{m.model}: {m.status} - {reason}" for m in self.models for reason in m.reasons]

    def headline(self) -> str:
        decisive = next((m.reasons[0] for m in self.models if m.status == self.status and m.reasons), "")
        return f"{self.status} ({self.rule})" + (f": {decisive}" if decisive else "")

    def to_json(self) -> dict:
        return {"status": self.status.value, "exit_code": self.exit_code, "rule": self.rule, "models": to_json(self.models),
                "checks": [c.to_json() for c in self.checks], "gate": [g.to_json() for g in self.gate],
                "pairings": [p.summary() for p in self.pairings], "notes": list(self.notes), "new_flips": to_json(self.new_flips)}


def _by_model(rows: list[VariantRow]) -> dict[str, list[VariantRow]]:
    grouped: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        grouped[row.model].append(row)
    return grouped


def _unevaluated(models: list[str], rows: dict, failed_cases: dict[str, int]) -> list[ModelVerdict]:
    verdicts = []
    for model in models:
        if model not in rows:
            extra = f"; {failed_cases[model]} case(s) errored" if failed_cases.get(model) else ""
            verdicts.append(ModelVerdict(model, Status.NOT_EVALUATED, (f"no case produced a result (weights absent or every case skipped{extra})",)))
    return verdicts


def _passed_or_too_few(model: str, clusters: int, min_clusters: int, reason: str, what: str, setting: str = "[verdict] min_clusters"
                       ) -> ModelVerdict:
    """A model with no failure passes only with enough clusters: with a handful of patients
    every interval is wide, nothing can be ruled out, and a PASS would mean nothing."""
    if clusters < min_clusters:
        return ModelVerdict(model, Status.NOT_EVALUATED, (f"only {clusters} clusters {what}; a verdict needs at least {min_clusters} "
                                                     f"({setting}): nothing failed, but too little was measured to pass",))
    return ModelVerdict(model, Status.PASS, (reason,))


def low_power_note(model: str, clusters: int, checks: list[AggregateCheck], thresholds: Thresholds) -> str:
    """On a first run with fewer than ``low_power_clusters`` patients: how far below its bar each
    model-level rate must fall before its check fails."""
    if clusters >= thresholds.low_power_clusters:
        return ""
    def shown(check: AggregateCheck) -> str:
        edge = 0.0 if check.higher_is_better else 1.0
        if abs(check.fails_below - edge) < 5e-4:
            return f"{check.check} cannot fail (bar {check.threshold})"
        return f"{check.check} {'below' if check.higher_is_better else 'above'} {check.fails_below:.3f} (bar {check.threshold})"

    shown = [shown(c) for c in checks if c.model == model and c.scope == "model" and c.fails_below is not None]
    return (f"low power: {model} was evaluated on {clusters} clusters (fewer than {thresholds.low_power_clusters}, "
            f"[verdict] low_power_clusters); a check fails only when its rate is far from its bar: " + "; ".join(shown))


def _case_failures(model: str, failed_cases: dict[str, int]) -> list[str]:
    count = failed_cases.get(model, 0)
    return [f"{count} gating pytest case(s) failed (see the failed checks)"] if count else []


def decide_first_run(rows: list[VariantRow], thresholds: Thresholds, models: list[str] | None = None,
                     failed_cases: dict[str, int] | None = None) -> Verdict:
    """``models``: every model the run selected (a model without rows is NOT EVALUATED)."""
    failed_cases = failed_cases or {}
    by_model = _by_model(rows)
    models = sorted(set(models or []) | set(by_model))
    verdicts, checks, notes = _unevaluated(models, by_model, failed_cases), [], ()
    for model in sorted(by_model):
        results = first_run_checks(by_model[model], thresholds, model)
        checks += results
        clusters = len({r.cluster for r in by_model[model]})
        low_power = low_power_note(model, clusters, results, thresholds)
        notes += (low_power,) if low_power else ()
        failures = [c.sentence for c in results if c.failed] + _case_failures(model, failed_cases)
        if failures:
            verdicts.append(ModelVerdict(model, Status.FAIL, tuple(failures)))
            continue
        passed = sum(bool(c.passed) for c in results if c.gating)
        verdict = _passed_or_too_few(model, clusters, thresholds.min_clusters, f"all {passed} aggregate checks passed "
                                     f"({clusters} clusters by {cluster_unit(by_model[model])})", "evaluated")
        verdicts.append(replace(verdict, reasons=verdict.reasons + ((low_power,) if low_power and verdict.status is Status.PASS else ())))
    verdicts = _answers_not_read(verdicts, unread_answers(rows, thresholds.answers, float(thresholds.get("min_answer_mass"))))
    verdicts.sort(key=lambda v: v.model)
    status = exit_codes.worst(v.status for v in verdicts)
    return Verdict(status, FIRST_RUN_RULE.format(alpha=thresholds.verdict_alpha), tuple(verdicts), tuple(checks), notes=notes)


def _answers_not_read(verdicts: list[ModelVerdict], reasons: dict[str, str]) -> list[ModelVerdict]:
    """Models whose answers were not read are NOT EVALUATED; what their checks said follows as context."""
    changed = []
    for verdict in verdicts:
        if verdict.model in reasons and verdict.status in (Status.PASS, Status.FAIL):
            context = tuple(f"(not decided by: {reason})" for reason in verdict.reasons[:2])
            verdict = ModelVerdict(verdict.model, Status.NOT_EVALUATED, (reasons[verdict.model],) + context)
        changed.append(verdict)
    return changed


def new_flips(pairing: Pairing, worse: set[str]) -> list[NewFlip]:
    """Paraphrases that agreed with their base question in the baseline and disagree now."""
    bases = {new.group_id: new for _, new in pairing.pairs if new.relation == "base"}
    flips = []
    for _, new in pairing.pairs:
        if new.case_id in worse:
            base = bases.get(new.group_id)
            flips.append(NewFlip(new.model, new.group_id, new.case_id, new.strategy, base.question if base else "",
                                 new.base_answer, new.question, new.answer))
    return flips


def candidate_checks(pairing: Pairing, rows: list[VariantRow], baseline_rows: list[VariantRow], thresholds: Thresholds
                     ) -> list[AggregateCheck]:
    """The first-run checks a candidate faces beside the gate: over all its cases (each marked new
    or pre-existing against the baseline's own rows) and over its cases the baseline lacks."""
    model = pairing.model
    checks = mark_pre_existing(first_run_checks(rows, thresholds, model), first_run_checks(baseline_rows, thresholds, model))
    if pairing.unpaired:
        checks += first_run_checks(list(pairing.unpaired), thresholds, model, NEW_CASES)
    return checks


def _model_against_baseline(pairing: Pairing, gate: list[RegressionResult], checks: list[AggregateCheck], settings: GateSettings,
                            failed_cases: dict[str, int]) -> ModelVerdict:
    model = pairing.model
    failures = [g.sentence for g in gate if g.failed]
    failures += [c.sentence for c in checks if c.failed and not c.pre_existing]
    failures += [c.sentence for c in checks if c.failed and c.pre_existing]
    failures += _case_failures(model, failed_cases)
    if failures:
        return ModelVerdict(model, Status.FAIL, tuple(failures))
    clusters = len({new.cluster for _, new in pairing.pairs})
    untestable = [g for g in gate if g.cannot_tell]
    caveat = ((f"the gate cannot tell {len(untestable)} drop(s) beyond their margin from chance: "
               + "; ".join(f"{g.where} worse by {g.drop:.3f} in {g.changed_clusters} changed patients (smallest attainable p "
                           f"{g.smallest_p:.3g} > level {g.first_level:.3g})" for g in untestable[:6]),) if untestable else ())
    new_cases = f" and {len(pairing.unpaired)} new cases" if pairing.unpaired else ""
    judged = sum(c.passed is not None for c in checks)
    verdict = _passed_or_too_few(model, clusters, settings.min_clusters,
                                 f"no regression in {len([g for g in gate if g.scope is Scope.MODEL])} rates and "
                                 f"{len([g for g in gate if g.scope is not Scope.MODEL])} subgroup tests over {len(pairing.pairs)} "
                                 f"paired cases in {clusters} clusters; all {judged} first-run checks hold over all cases{new_cases}",
                                 "paired", "[gate] min_clusters")
    return replace(verdict, reasons=verdict.reasons + caveat)


def decide_against_baseline(rows: list[VariantRow], baseline_rows: list[VariantRow], settings: GateSettings, name: str,
                            models: list[str] | None = None, failed_cases: dict[str, int] | None = None,
                            notes: tuple[str, ...] = (), thresholds: Thresholds | None = None) -> Verdict:
    """``thresholds``: the bars of the first-run checks the candidate faces and its ``[answers]``
    bounds (default: the built-in ones)."""
    thresholds = thresholds or Thresholds()
    failed_cases = failed_cases or {}
    by_model, saved = _by_model(rows), _by_model(baseline_rows)
    models = sorted(set(models or []) | set(by_model))
    verdicts = _unevaluated(models, by_model, failed_cases)
    matched, unmatched, note = match_models(set(saved), set(by_model))
    notes = notes + settings.notes + ((note,) if note else ())
    for model in unmatched:
        verdicts.append(ModelVerdict(model, Status.COMPARISON_IMPOSSIBLE, (f"the baseline has no results for {model} "
                                                                      f"(it holds {sorted(saved)})",)))
    pairings, impossible = [], {}
    for old, new in matched:
        pairing = pair_model(saved[old], by_model[new], old, new)
        pairings.append(pairing)
        reason = pairing.impossible_reason(settings.min_paired_share)
        if reason:
            impossible[new] = reason
        elif pairing.changed:
            notes += (f"{new}: {len(pairing.changed)} case(s) changed since the baseline and were left out of the paired gate "
                      "(judged with the new cases): "
                      + ", ".join(f"{c} ({why})" for c, why in pairing.changed[:10]) + (" ..." if len(pairing.changed) > 10 else ""),)
    gate = regression_tests([p for p in pairings if p.model not in impossible], settings)
    flips, checks = [], []
    for pairing, (old, new) in zip(pairings, matched):
        model = pairing.model
        if model in impossible:
            verdicts.append(ModelVerdict(model, Status.COMPARISON_IMPOSSIBLE, (impossible[model],)))
            continue
        results = [g for g in gate if g.model == model]
        mine = candidate_checks(pairing, by_model[new], saved[old], thresholds)
        checks += mine
        untested = [name for name in settings.metrics if not any(g.rate == name for g in results)]
        if untested:
            notes += (f"{model}: no paired case for gated rate(s) {untested} (the baseline or this run has none, e.g. a "
                      "baseline saved before the counterfactual probes): not tested",)
        worse = {c for g in results if RATES[g.rate].new_flips and g.scope is Scope.MODEL for c in g.worse}
        flips += new_flips(pairing, worse)
        verdicts.append(_model_against_baseline(pairing, results, mine, settings, failed_cases))
    verdicts = _answers_not_read(verdicts, unread_answers(rows, thresholds.answers, float(thresholds.get("min_answer_mass"))))
    verdicts.sort(key=lambda v: v.model)
    status = exit_codes.worst(v.status for v in verdicts)
    return Verdict(status, GATE_RULE.format(name=name, alpha=settings.alpha, harm=f"at least {settings.harm_patients}"),
                   tuple(verdicts), tuple(checks), tuple(gate), tuple(pairings), notes, tuple(flips))


def incomplete(verdict: Verdict, reasons: list[str]) -> Verdict:
    """The run lost part of its work (a worker died): it can still FAIL on what it measured,
    but it cannot PASS; every model reads NOT EVALUATED at best, with the reasons."""
    if not reasons:
        return verdict
    models = tuple(m if m.status is not Status.PASS else ModelVerdict(m.model, Status.NOT_EVALUATED, tuple(reasons) + m.reasons)
                   for m in verdict.models)
    status = exit_codes.worst([m.status for m in models] + [Status.NOT_EVALUATED])
    return replace(verdict, status=status, models=models, notes=verdict.notes + tuple(reasons))


def stopped(verdict: Verdict, reasons: dict[str, str]) -> Verdict:
    """Models stopped mid-run because their outputs could not be measured (non-finite scores) are
    NOT EVALUATED whatever their other rows say: what they answered before is not trusted either."""
    if not reasons:
        return verdict
    known = {m.model for m in verdict.models}
    models = tuple(ModelVerdict(m.model, Status.NOT_EVALUATED, (reasons[m.model],) + m.reasons) if m.model in reasons else m
                   for m in verdict.models)
    models += tuple(ModelVerdict(model, Status.NOT_EVALUATED, (reason,)) for model, reason in sorted(reasons.items())
                    if model not in known)
    status = exit_codes.worst(m.status for m in models)
    return replace(verdict, status=status, models=models, notes=verdict.notes + tuple(reasons[m] for m in sorted(reasons)))
