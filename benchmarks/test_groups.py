"""Per paraphrase group: the answer holds across paraphrases, is right, and looks at the same place.

Diagnostics: they show *where* a model is brittle. A group that does not hold is reported
as xfail with the measured value (and, with a baseline, whether it is new); the verdict
comes from the model-level aggregates (test_model.py) or the gate. ``--vlm-case-checks gate``
makes every one of these gating ("no flip allowed")."""

import numpy as np
import pytest


def test_group_consistency(vlm, vlm_threshold, vlm_model, vlm_group):
    evaluation = vlm.engine(vlm_model).group(vlm_group)
    invariant = [r for r in evaluation.of("invariant") if r.verified_paraphrase]
    unverified = [r for r in evaluation.of("invariant") if not r.verified_paraphrase]
    if not invariant:
        pytest.skip(f"{vlm_group} has no verified meaning-preserving paraphrases ({len(unverified)} not verified)")
    threshold = vlm_threshold("consistency", evaluation.group.finding)
    rate = sum(r.consistent for r in invariant) / len(invariant)
    flipped = "; ".join(f"[{r.strategy}] {r.question!r} -> {r.answer}" for r in invariant if not r.consistent)
    not_counted = [f"{r.question!r} ({r.paraphrase_check})" for r in unverified if not r.consistent]
    if not_counted:
        flipped += f"; not counted, paraphrase not verified: {'; '.join(not_counted)}"
    known = vlm.baseline_status(vlm_model, vlm_group)
    vlm.expect(rate >= threshold, f"consistency {rate:.2f} < {threshold}: base {evaluation.base.question!r} -> "
               f"{evaluation.base.answer}; flipped: {flipped}" + (f" ({known})" if known else ""), level="case")


def test_group_accuracy(vlm, vlm_threshold, vlm_model, vlm_group):
    evaluation = vlm.engine(vlm_model).group(vlm_group)
    threshold = vlm_threshold("accuracy", evaluation.group.finding)
    rate = sum(r.correct for r in evaluation.rows) / len(evaluation.rows)
    wrong = "; ".join(f"{r.question!r} -> {r.answer} (expected {r.expected})" for r in evaluation.rows if not r.correct)
    vlm.expect(rate >= threshold, f"accuracy {rate:.2f} < {threshold}; wrong: {wrong}", level="case")


def test_group_attention_js(vlm, vlm_threshold, vlm_model, vlm_group):
    """Mean JS divergence of each paraphrase's map to the base question's map: the same
    definition as the summary's ``js_divergence``, so a group and its model read alike."""
    evaluation = vlm.engine(vlm_model).group(vlm_group)
    invariant = evaluation.of("invariant")
    if not invariant:
        pytest.skip(f"{vlm_group} has no paraphrase maps to compare")
    threshold = vlm_threshold("js_divergence", evaluation.group.finding)
    mean = float(np.mean([r.metrics["js_to_base"] for r in invariant]))
    flipped = {r.case_id: r.metrics["js_to_base"] for r in invariant if not r.consistent}
    vlm.expect(mean <= threshold, f"mean JS divergence to the base map {mean:.3f} > {threshold} (base 2); JS to base of "
               f"flipped variants: {flipped}", level="case")


def test_inverted_answer_flips(vlm, vlm_model, vlm_inverted):
    row = vlm.case_row(vlm_model, vlm_inverted)
    vlm.expect(row.answer != row.base_answer, f"{row.question!r} answered {row.answer}, the same as the base question: "
               "the model ignores the negation/laterality", level="case")
