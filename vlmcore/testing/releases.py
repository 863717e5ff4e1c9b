"""Planted release changes on a ``StudyAnswers`` run: the regressions a gate must catch and the
changes it must let through, for the calibration script and the end-to-end gate scenarios.

Each function returns a new run (the input is never changed). A change that touches whole
groups (``turn_groups``) flips the model's reading of the film: every answer of the group
flips, so accuracy moves and consistency does not; a change of single paraphrases
(``plant_flips`` in ``study``, ``collapse_strategy``) moves consistency.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vlmcore.testing.study import PARAPHRASES, StudyAnswers, StudyDesign, StudyModel


def turn_groups(run: StudyAnswers, groups, *, to_wrong: bool) -> StudyAnswers:
    """Flip every answer of ``groups`` (their latent reading too): a right group turns wrong, or back."""
    chosen = np.zeros(run.design.groups, dtype=bool)
    chosen[list(groups)] = True
    right = run.latent == run.expected
    chosen &= right if to_wrong else ~right
    return replace(run, answers=run.answers ^ chosen[:, None], latent=run.latent ^ chosen)


def collapse_finding(run: StudyAnswers, rng: np.random.Generator, finding: str, groups: int, improve_others: int = 0) -> StudyAnswers:
    """``groups`` groups of ``finding`` that were right turn wrong; ``improve_others`` wrong groups of
    other findings turn right (a collapse under a flat average)."""
    of_finding = np.array([f == finding for f in run.finding])
    right = run.latent == run.expected
    worse = rng.choice(np.flatnonzero(of_finding & right), size=min(groups, int(np.sum(of_finding & right))), replace=False)
    better_pool = np.flatnonzero(~of_finding & ~right)
    better = rng.choice(better_pool, size=min(improve_others, len(better_pool)), replace=False)
    return turn_groups(turn_groups(run, worse, to_wrong=True), better, to_wrong=False)


def collapse_strategy(run: StudyAnswers, rng: np.random.Generator, strategy: str, share: float, fix_others: int = 0) -> StudyAnswers:
    """In ``share`` of the groups that ask ``strategy``, its paraphrase departs from the base answer;
    ``fix_others`` inconsistent paraphrases of other strategies come back (others improve)."""
    answers = run.answers.copy()
    for g, strategies in enumerate(run.strategies):
        if strategy in strategies and rng.random() < share:
            column = 1 + strategies.index(strategy)
            answers[g, column] = ~answers[g, 0]
    others = [(g, 1 + q) for g, strategies in enumerate(run.strategies) for q, s in enumerate(strategies)
              if s != strategy and answers[g, 1 + q] != answers[g, 0]]
    for index in rng.permutation(len(others))[:fix_others]:
        g, column = others[index]
        answers[g, column] = answers[g, 0]
    return replace(run, answers=answers)


def regress_patients(run: StudyAnswers, rng: np.random.Generator, patients: int, lost: int = 4) -> StudyAnswers:
    """``patients`` fully consistent groups (one film per patient) lose ``lost`` of their 5
    paraphrases' agreement: a regression confined to a few patients."""
    consistent = np.flatnonzero(np.all(run.answers[:, 1:] == run.answers[:, :1], axis=1))
    chosen = rng.choice(consistent, size=min(patients, len(consistent)), replace=False)
    answers = run.answers.copy()
    for g in chosen:
        columns = 1 + rng.choice(PARAPHRASES, size=lost, replace=False)
        answers[g, columns] = ~answers[g, columns]
    return replace(run, answers=answers)


def ignore_negation(run: StudyAnswers) -> StudyAnswers:
    """Every negated question answered as its base question."""
    if run.negation is None:
        raise ValueError("the run was drawn without negated controls (StudyDesign(negations=True))")
    return replace(run, negation=np.zeros_like(run.negation))


def grow(run: StudyAnswers, rng: np.random.Generator, model: StudyModel, groups: int, finding: str | None = None,
         wrong: bool = False) -> StudyAnswers:
    """The dataset grown by ``groups`` new groups (new films and patients, appended), of ``finding``
    (default: the design's findings in turn), answered by ``model``, or all wrong with ``wrong``."""
    findings = (finding,) if finding else run.design.findings
    extra = model.draw(rng, StudyDesign(groups=groups, films_per_patient=run.design.films_per_patient, findings=findings,
                                        negations=run.negation is not None))
    if wrong:
        latent = ~extra.expected
        extra = replace(extra, latent=latent, answers=np.repeat(latent[:, None], PARAPHRASES + 1, axis=1),
                        unstable=np.zeros(groups, dtype=bool),
                        negation=None if extra.negation is None else np.ones(groups, dtype=bool))
    join = lambda a, b: None if a is None else np.concatenate([a, b])
    design = replace(run.design, groups=run.design.groups + groups,
                     findings=tuple(dict.fromkeys(run.design.findings + findings)))
    return StudyAnswers(design, np.concatenate([run.expected, extra.expected]), run.finding + extra.finding,
                        run.strategies + extra.strategies, np.concatenate([run.answers, extra.answers]),
                        np.concatenate([run.blank, extra.blank]), np.concatenate([run.latent, extra.latent]),
                        np.concatenate([run.unstable, extra.unstable]), join(run.negation, extra.negation))

