"""Per model, per finding, per strategy: the aggregates the first-run verdict is made of.

Each case is one check of ``vlmcore.verdict.first_run``: it fails only when the check's
one-sided confidence bound (clustered by patient, familywise-corrected across all of the
model's checks) rules out the threshold, and its message gives the value, the interval and
the bound. With ``--vlm-baseline`` the gate decides the verdict and these read as xfail when
they do not hold."""

import pytest


def _judge(vlm, model, check, subject=""):
    result = vlm.aggregate(model, check, subject)
    if result.passed is None:
        pytest.skip(f"{model} {check} {subject}: no applicable case")
    vlm.expect(result.passed, result.sentence, level="aggregate")


def test_consistency(vlm, vlm_model):
    _judge(vlm, vlm_model, "consistency")


def test_accuracy(vlm, vlm_model):
    _judge(vlm, vlm_model, "accuracy")


def test_image_reliance(vlm, vlm_model):
    """Share of answers unchanged with the film blanked, at most the threshold: the model uses the image."""
    _judge(vlm, vlm_model, "image_reliance")


def test_finding_consistency(vlm, vlm_model, vlm_finding):
    _judge(vlm, vlm_model, "finding_consistency", vlm_finding)


def test_finding_accuracy(vlm, vlm_model, vlm_finding):
    _judge(vlm, vlm_model, "finding_accuracy", vlm_finding)


def test_strategy_consistency(vlm, vlm_model, vlm_strategy):
    _judge(vlm, vlm_model, "strategy_consistency", vlm_strategy)
