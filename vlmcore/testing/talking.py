"""Scripted models that *talk*, with the published study's answers: for testing answer modes.

``talking_study_adapter(answers_file, style)`` serves the answers of ``write_study``'s table (as
``study_adapter`` does) in the words of one output style real models have:

- ``direct``: "Yes." at the first token (p(yes) + p(no) high there);
- ``preamble``: "Based on the chest X-ray, the answer is yes." (an instruction-tuned model);
- ``think``: "<think> ... </think> <answer> yes </answer>" (MedVLM-R1, R1-style reasoning);
- ``gemma``: "<unused94>thought ...<unused95>Yes." (MedGemma's thinking mode);
- ``cut-off``: reasoning longer than any budget, the answer never reached;
- ``report``: a report sentence ("There is a small pleural effusion." / "No pleural effusion.").

Every style but ``direct`` starts with a token that is not yes / no: the first-token score
carries little mass and its p(yes) vs p(no) is *first-token noise*: the study's answer, flipped
for ``noise`` of the questions (a deterministic share, by question and film), as a preamble's first
token leans but does not decide. The generated text always carries the study's answer.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

STYLES = ("direct", "preamble", "think", "gemma", "cut-off", "report")
REASONING = {"think": "think", "cut-off": "think", "gemma": "gemma"}


FINDING_NAMES = ("pleural effusion", "pneumothorax", "cardiomegaly", "nodule", "consolidation")


def _said(answer: str, style: str, question: str) -> str:
    finding = next((name for name in FINDING_NAMES if name in question.lower()), "the finding asked about")
    if style == "direct":
        return f"{answer.capitalize()}."
    if style == "preamble":
        return f"Based on the chest X-ray, the answer is {answer}."
    if style == "think":
        return f"<think> I look at the film for {finding} and weigh what I see. </think> <answer> {answer} </answer>"
    if style == "gemma":
        return f"<unused94>thought The film was reviewed for {finding}; the lungs and heart were checked.<unused95>{answer.capitalize()}."
    if style == "cut-off":
        return "<think> " + " ".join(["the film is reviewed region by region"] * 40) + f" </think> <answer> {answer} </answer>"
    if style == "report":
        return f"There is a small {finding}." if answer == "yes" else f"No {finding}."
    raise ValueError(f"unknown style {style!r}; known: {STYLES}")


def _share(question: str, image: np.ndarray) -> float:
    """A deterministic number in [0, 1) per (question, film)."""
    digest = hashlib.sha256(question.encode() + np.ascontiguousarray(image).tobytes()[:4096]).hexdigest()
    return int(digest[:8], 16) / 16**8


def talking_study_adapter(answers_file: str | Path, style: str, *, noise: float = 0.06, name: str | None = None):
    """A ``ScriptedAdapter`` answering from ``answers.json`` in ``style`` (a blank film: "no")."""
    from vlmcore.models.requests import image_hash
    from vlmcore.testing.scripted import ScriptedAdapter

    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; known: {STYLES}")
    text = Path(answers_file).read_text()
    table = json.loads(text)

    def answer(question: str, image: np.ndarray) -> str:
        if image.min() == image.max():  # the blank film of the image-reliance pass
            return "no"
        key = image_hash(image)
        return table.get(f"{key}|{question}") or table[f"{key}|*"]

    def margin(question: str, image: np.ndarray) -> float:
        sign = 1.0 if answer(question, image) == "yes" else -1.0
        if style == "direct":
            return 3.0 * sign
        return -0.4 * sign if _share(question, image) < noise else 0.4 * sign  # a first token that leans, and sometimes wrongly

    mass = 0.95 if style == "direct" else 0.02
    fingerprint = f"talking-{style}-{noise}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return ScriptedAdapter(margin, name=name or f"study-{style}", fingerprint=fingerprint, mass=mass,
                           text=lambda question, image: _said(answer(question, image), style, question),
                           reasoning=REASONING.get(style, "plain"))
