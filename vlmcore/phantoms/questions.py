"""Questions about a phantom and their answers from its ground truth.

One template for the base question (``is there pleural effusion in the right lung?``) and one
rule for the answer: the finding named, on the side named (if any), negated when the question
says "no". Shared by the bundled fixture set, the reference training data and its test set,
so the questions a model was trained on and the ones it is tested with are the same kind.
"""

from __future__ import annotations

from vlmcore.phantoms.truth import PhantomTruth

PHRASES = {"cardiomegaly": "cardiomegaly", "pleural_effusion": "pleural effusion", "pneumothorax": "pneumothorax",
           "consolidation": "consolidation", "nodule": "a nodule"}


def base_question(kind: str, side: str | None) -> str:
    where = f" in the {side} lung" if side else ""
    return f"is there {PHRASES[kind]}{where}?"


def expected_answer(truth: PhantomTruth, question: str) -> str:
    """Ground truth for a question in any phrasing: its finding, and its side when it names one."""
    from vlmcore.data.findings import finding_of

    kind = finding_of(question)
    text = question.lower()
    side = "right" if "right" in text else "left" if "left" in text else None
    negated = " no " in f" {text} "
    present = truth.has(kind, side)
    return "no" if present == negated else "yes"
