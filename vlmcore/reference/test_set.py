"""The bundled reference test set: held-out phantom films as PNGs and a paraphrase-group CSV.

``python -m vlmcore.reference.test_set`` writes ``fixtures/reference/test/`` from the test
split of the reference phantom set (patients no reference model was trained on). Each film
gets the groups the training script's held-out metrics use: a finding it has and one it
lacks, every strategy's first paraphrase, and the negation / laterality / finding controls
(a finding-swap control to a finding the reference models are not asked about is left out).

Every film carries the burned-in corner tags that encode its findings
(``vlmcore.phantoms.marker``): the ``shortcut`` model was trained where the tags predict the
label, and reads them here too; the other current recipes saw uninformative tags on half their
training films and are measured not to be moved by them (``vlmcore.reference.cues``, in each
model card; checkpoints trained before the tags: ``vlmcore.reference.checkpoint.stale_reason``).

``ground_truth.json`` keeps, per film, what the grounding probes need: each finding's box and
mask (run-length, ``vlmcore.data.mask_runs``), the tags' boxes
(``marker_boxes``: ``(x, y, w, h)`` pixels, the patient's right tag then the left), and the
phantom spec, so the film re-renders exactly (``render_entry``). Deterministic: the same bytes
every time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image

from vlmcore import bundled
from vlmcore.data.mask_runs import mask_runs
from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom
from vlmcore.phantoms.fixture_dataset import group_rows, write_dataset
from vlmcore.phantoms.questions import base_question
from vlmcore.phantoms.truth import PhantomTruth
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
    return [f.shown(tag=True) for f in films if f.patient in chosen]


def spec_of(entry: dict) -> PhantomSpec:
    """The phantom spec of one ``ground_truth.json`` entry."""
    findings = tuple((kind, side) for kind, side in entry["spec_findings"])
    return PhantomSpec(seed=entry["seed"], size=entry["size"], findings=findings, tag=entry.get("tag", False))


def render_entry(entry: dict) -> PhantomTruth:
    """The film of one ``ground_truth.json`` entry, re-rendered exactly (masks included)."""
    return render_phantom(spec_of(entry))


def build(out: Path = DEFAULT_OUT, patients: int = PATIENTS) -> Path:
    from vlmcore.data.findings import finding_of

    recipe = RECIPES["robust"]
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows, truths = [], {}
    for number, film in enumerate(test_films(patients)):
        truth = film.render()
        name = f"images/{film.name}.png"
        Image.fromarray(truth.image).save(out / name, optimize=True)
        truths[name] = {"patient": film.patient, "seed": film.spec.seed, "size": film.spec.size, "tag": film.spec.tag,
                        "findings": [{"kind": f.kind, "side": f.side, "box": list(f.box), "detail": f.detail,
                                      "mask_runs": mask_runs(f.mask)} for f in truth.findings],
                        "spec_findings": [list(pair) for pair in film.spec.findings],
                        "marker_boxes": [list(box) for box in truth.marker_boxes],
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
