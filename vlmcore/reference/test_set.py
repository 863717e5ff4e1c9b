"""The bundled reference test set: held-out phantom films as PNGs and a paraphrase-group CSV.

``python -m vlmcore.reference.test_set`` writes ``fixtures/reference/test/`` from the test
split of the reference phantom set (patients no reference model was trained on). Each film
gets the groups the training script's held-out metrics use: a finding it has and one it
lacks, every strategy's first paraphrase, and the negation / laterality / finding controls
(a finding-swap control to a finding the reference models are not asked about is left out).
``ground_truth.json`` keeps each film's phantom spec, so masks can be re-rendered exactly
(the map-versus-truth measurement does so). Deterministic: the same bytes every time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image

from vlmcore import bundled
from vlmcore.phantoms.fixture_dataset import group_rows, write_dataset
from vlmcore.phantoms.questions import base_question
from vlmcore.reference.held_out import film_questions
from vlmcore.reference.phantom_set import Film, phantom_films
from vlmcore.reference.recipes import RECIPES

DEFAULT_OUT = bundled.reference_root() / "test"
PATIENTS = 80


def test_films(patients: int = PATIENTS) -> list[Film]:
    """The first ``patients`` test-split patients of the phantom set every recipe trains on."""
    recipe = RECIPES["robust"]
    films = [f for f in phantom_films(recipe.data_seed, recipe.patients) if f.split == "test"]
    chosen = list(dict.fromkeys(f.patient for f in films))[:patients]
    return [f for f in films if f.patient in chosen]


def build(out: Path = DEFAULT_OUT, patients: int = PATIENTS) -> Path:
    from vlmcore.data.findings import finding_of

    recipe = RECIPES["robust"]
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows, truths = [], {}
    for number, film in enumerate(test_films(patients)):
        truth = film.render()
        name = f"images/{film.name}.png"
        Image.fromarray(truth.image).save(out / name, optimize=True)
        truths[name] = {"patient": film.patient, "seed": film.spec.seed, "size": film.spec.size,
                        "findings": [{"kind": f.kind, "side": f.side, "box": list(f.box), "detail": f.detail} for f in truth.findings],
                        "spec_findings": [list(pair) for pair in film.spec.findings],
                        "cardiothoracic_ratio": truth.cardiothoracic_ratio}
        for kind, side in film_questions(film, number, recipe.kinds):
            group = group_rows(f"{film.name}-{kind}", name, truth, kind, base_question(kind, side), film.patient)
            rows += [row for row in group if finding_of(row["question"]) in recipe.kinds]
    return write_dataset(out, rows, truths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.reference.test_set", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--patients", type=int, default=PATIENTS)
    args = parser.parse_args(argv)
    print(f"wrote {build(args.out, args.patients)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
