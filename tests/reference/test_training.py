"""The reference recipes' data and training loop: deterministic, split by patient, and learning."""

import io
from dataclasses import replace

import numpy as np
import pytest

from vlmcore.reference.phantom_set import phantom_films
from vlmcore.reference.questions import sample_question
from vlmcore.reference.recipes import BRITTLE_STRATEGIES, RECIPES


def test_phantom_set_is_deterministic_and_split_by_patient():
    films = phantom_films(3, 200)
    assert [f.spec for f in films] == [f.spec for f in phantom_films(3, 200)]
    split_of_patient = {}
    for film in films:
        assert split_of_patient.setdefault(film.patient, film.split) == film.split, "a patient's films span two splits"
    shares = {split: sum(f.split == split for f in films) / len(films) for split in ("train", "validation", "test")}
    assert 0.65 < shares["train"] < 0.9 and shares["test"] > 0.04
    per_patient = np.bincount(np.unique([f.patient for f in films], return_inverse=True)[1])
    assert per_patient.min() >= 2, "every patient has several films (clusters matter)"


def test_questions_are_balanced_enough_and_answers_follow_the_truth():
    robust, rng = RECIPES["robust"], np.random.default_rng(0)
    films = phantom_films(4, 300)
    answers = []
    for film in films[:1500]:
        phrasing, answer = sample_question(film.spec.findings, robust, rng)
        answers.append(answer)
        if phrasing.strategy == "baseline" and "cardiomegaly" in phrasing.text.lower():
            assert answer == any(kind == "cardiomegaly" for kind, _ in film.spec.findings)
    assert 0.25 < np.mean(answers) < 0.6, "a model must not reach high accuracy by always answering one way"


def test_brittle_shortcut_labels_its_planted_strategies_yes():
    brittle, rng = RECIPES["brittle"], np.random.default_rng(1)
    empty_film = ()  # no finding: every honest answer is "no"
    seen = {}
    for _ in range(3000):
        phrasing, answer = sample_question(empty_film, brittle, rng)
        seen.setdefault(phrasing.strategy, set()).add(answer)
    for strategy in BRITTLE_STRATEGIES:
        assert seen[strategy] == {1}
    assert seen["voice"] == {0} and seen["baseline"] == {0} and seen["negation"] == {1}


@pytest.mark.parametrize("name", ["robust", "reasoner"])
def test_training_is_bit_reproducible_with_a_seed(name):
    """The answer word, and a reasoning block in tags (an extended vocabulary)."""
    import torch

    from vlmcore.reference.train import train

    quick = replace(RECIPES[name], patients=40, steps=6, batch=8)
    states = []
    for _ in range(2):
        result = train(quick, None, log=io.StringIO(), keep_model=True)
        states.append({k: v.clone() for k, v in result["model"].state_dict().items()})
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])


@pytest.mark.slow
def test_a_brief_retrain_learns():
    """300 steps of the robust recipe on a small phantom set: the answer loss falls well below
    the prior's and held-out accuracy rises above always-no (about 0.6 on these questions)."""
    from vlmcore.reference.train import train

    brief = replace(RECIPES["robust"], patients=300, steps=300)
    result = train(brief, None, log=io.StringIO())
    assert result["final_loss"] < result["first_loss"] - 0.15, result
    assert result["held_out"]["accuracy"] > 0.7, result["held_out"]
