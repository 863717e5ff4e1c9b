"""The bundled fixture dataset: phantom films x base questions x paraphrase groups x controls.

Regenerate with ``python -m vlmcore.phantoms.fixture_dataset`` (deterministic: the same
bytes every time). Written in the generic schema, with expected answers from the phantoms'
ground truth, plus ``ground_truth.json`` (sides, boxes, cardiothoracic ratio).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from PIL import Image

from vlmcore import bundled
from vlmcore.paraphrase import meaning_controls, normalise_question, paraphrases
from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom
from vlmcore.phantoms.questions import PHRASES
from vlmcore.phantoms.questions import base_question as _question
from vlmcore.phantoms.questions import expected_answer as _answer
from vlmcore.phantoms.truth import PhantomTruth

DEFAULT_OUT = bundled.phantom_dataset().parent
SIZE = 224
#: (findings, patient) per film; two films per patient, so clustering by patient matters
FILMS = [
    ((), "p01"), ((("cardiomegaly", None),), "p01"),
    ((("pleural_effusion", "right"),), "p02"), ((("pleural_effusion", "left"),), "p02"),
    ((("pneumothorax", "right"),), "p03"), ((("pneumothorax", "left"),), "p03"),
    ((("consolidation", "right"),), "p04"), ((("nodule", "left"),), "p04"),
    ((("cardiomegaly", None), ("pleural_effusion", "left")), "p05"), ((), "p05"),
    ((("pneumothorax", "right"), ("consolidation", "left")), "p06"), ((("nodule", "right"),), "p06"),
]
PER_STRATEGY = 1
COLUMNS = ["group_id", "case_id", "image", "question", "answer", "role", "relation", "strategy", "finding", "patient_id", "study_id", "split"]


def _base_questions(truth: PhantomTruth, index: int) -> list[tuple[str, str]]:
    """One question about a finding the film has (with its side) and one it lacks."""
    present = [f for f in truth.findings]
    absent_kinds = [k for k in PHRASES if not truth.has(k)]
    questions = []
    if present:
        finding = present[0]
        questions.append((finding.kind, _question(finding.kind, finding.side)))
    absent = absent_kinds[index % len(absent_kinds)]
    questions.append((absent, _question(absent, None if absent == "cardiomegaly" else ("right", "left")[index % 2])))
    return questions


def group_rows(group_id: str, image: str, truth: PhantomTruth, kind: str, question: str, patient: str,
               per_strategy: int = PER_STRATEGY) -> list[dict]:
    """The rows of one paraphrase group: base, each strategy's first ``per_strategy`` paraphrases, controls."""
    base_answer = _answer(truth, question)
    common = {"group_id": group_id, "image": image, "finding": kind, "patient_id": patient, "study_id": image.split("/")[-1][:-4],
              "split": "test"}
    rows = [dict(common, case_id=f"{group_id}-base", question=normalise_question(question), answer=base_answer, role="base",
                 relation="", strategy="baseline")]
    for label, produced in paraphrases(question).items():
        for number, paraphrase in enumerate(produced[:per_strategy]):
            rows.append(dict(common, case_id=f"{group_id}-{label}{number}", question=paraphrase.text, answer=base_answer,
                             role="variant", relation="invariant", strategy=label))
    for control in meaning_controls(question):
        answer = _answer(truth, control.text)
        relation = "inverted" if control.relation == "inverted" or (control.detail == "laterality-swap" and answer != base_answer) else "different"
        rows.append(dict(common, case_id=f"{group_id}-{control.detail.split(':')[0]}", question=control.text, answer=answer,
                         role="variant", relation=relation, strategy="control"))
    return rows


def build(out: Path = DEFAULT_OUT) -> Path:
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows, truths = [], {}
    for index, (findings, patient) in enumerate(FILMS):
        truth = render_phantom(PhantomSpec(seed=100 + index, size=SIZE, findings=findings))
        name = f"images/phantom{index:02d}.png"
        Image.fromarray(truth.image).save(out / name, optimize=True)
        truths[name] = {"findings": [{"kind": f.kind, "side": f.side, "box": list(f.box), "detail": f.detail} for f in truth.findings],
                        "cardiothoracic_ratio": truth.cardiothoracic_ratio, "seed": truth.seed, "size": SIZE}
        for number, (kind, question) in enumerate(_base_questions(truth, index)):
            rows += group_rows(f"phantom{index:02d}-{kind}", name, truth, kind, question, patient)
    return write_dataset(out, rows, truths)


def write_dataset(out: Path, rows: list[dict], truths: dict) -> Path:
    """``dataset.csv`` (generic schema) and ``ground_truth.json`` in ``out``; stable bytes."""
    with (out / "dataset.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (out / "ground_truth.json").write_text(json.dumps(truths, indent=1, sort_keys=True) + "\n")
    return out / "dataset.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    path = build(parser.parse_args(argv).out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
