"""Which fill keeps an occluded film in distribution? Measured on the bundled phantom test set.

    python -m vlmcore.grounding.occlusion_study [--model FOLDER] [--limit N]

Phantoms know their own counterfactual: each film is re-rendered with the asked finding not painted
(the random stream unchanged, so anatomy, texture and noise are the film's own), the film the lesion
occlusion is meant to approximate. For every fill method (``films.METHODS``) and every yes-labelled
group with a known lesion place, it prints, side by side:

- ``lesion MAE``: mean absolute grey-level difference inside the hidden region between the occluded
  film and the lesion-free render (lower: closer to the true counterfactual);
- ``control MAE``: the same between the control-occluded film and the original, inside the control
  region (healthy tissue filled in: lower is less of an artefact);
- ``as lesion-free``: share of lesion-occluded films the model answers as it answers the true
  lesion-free render (higher: the occluder removes the finding as nature would);
- ``control kept``: share of control-occluded films answered as the original (higher: the fill
  itself does not move the answer).

A script, not a timed test: it prints what it measured (docs/grounding.md quotes it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from pathlib import Path

import numpy as np

from vlmcore.data.mask_runs import mask_from_runs
from vlmcore.grounding.films import METHODS, control_region, fill, grow, halo

REPO = Path(__file__).resolve().parents[2]
TEST_SET = REPO / "fixtures" / "reference" / "test"


@contextlib.contextmanager
def _unpainted(kind: str):
    """Findings of ``kind`` drawn (their masks, their random draws) but not painted: the film without them."""
    from vlmcore.phantoms import findings

    real = findings._DRAWERS[kind]

    def draw(canvas, side):
        before = canvas.image.copy()
        truth = real(canvas, side)
        canvas.image = before
        return truth

    findings._DRAWERS[kind] = draw
    try:
        yield
    finally:
        findings._DRAWERS[kind] = real


def lesion_free(film, kind: str) -> np.ndarray:
    """The film rendered again without ``kind`` (cardiomegaly: a normal heart; others: not painted)."""
    from dataclasses import replace

    from vlmcore.phantoms.anatomy import render_phantom

    if kind == "cardiomegaly":
        return render_phantom(replace(film.spec, findings=tuple(f for f in film.spec.findings if f[0] != kind))).image
    with _unpainted(kind):
        return render_phantom(film.spec).image


def cases(limit: int | None):
    """(group's base question, film, rendered film, lesion mask) for yes-labelled groups, dataset order."""
    from vlmcore.data import load_dataset
    from vlmcore.data.images import load_image
    from vlmcore.grounding.laterality import side_of
    from vlmcore.reference.test_set import test_films

    films = {f"images/{film.name}.png": film for film in test_films()}
    truth = json.loads((TEST_SET / "ground_truth.json").read_text())
    found = []
    for group in load_dataset(TEST_SET / "dataset.csv").groups:
        if group.base.expected_answer != "yes":
            continue
        name = f"images/{group.image_path.name}"
        entry, film = truth[name], films[name]
        side = side_of(group.base.question)
        lesions = [f for f in entry["findings"] if f["kind"] == group.finding and (side is None or f["side"] in (side, None))]
        pixels = load_image(group.image_path).pixels
        shape = pixels.shape
        mask = np.zeros(shape, dtype=bool)
        for lesion in lesions:
            if lesion.get("mask_runs"):
                mask |= mask_from_runs(lesion["mask_runs"], shape)
            else:
                x, y, w, h = lesion["box"]
                mask[y:y + h, x:x + w] = True
        others = np.zeros(shape, dtype=bool)
        for lesion in entry["findings"]:
            x, y, w, h = lesion["box"]
            others[y:y + h, x:x + w] = True
        found.append((group.base.question, group.finding, pixels, film, mask, others))
        if limit and len(found) >= limit:
            break
    return found


def main(argv: list[str] | None = None) -> int:
    from vlmcore.anatomy import body_mask
    from vlmcore.explain import load_model
    from vlmcore.models.requests import Request

    parser = argparse.ArgumentParser(prog="python -m vlmcore.grounding.occlusion_study", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="checkpoint folder (default: the bundled robust reference model)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many groups")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    adapter = load_model(args.model)
    rows, exact = [], 0
    requests: list[Request] = []
    for question, kind, pixels, film, mask, others in cases(args.limit):
        rendered = film.render().image
        exact += bool(np.array_equal(rendered, pixels))
        free = lesion_free(film, kind)
        region = grow(mask, halo(pixels.shape))
        placement = control_region(region, body_mask(pixels), grow(region | others, halo(pixels.shape)))
        if placement is None:
            continue
        entry = {"question": question, "base": len(requests), "free": len(requests) + 1, "methods": {}}
        requests += [Request.of(pixels, question), Request.of(free, question)]
        for method in METHODS:
            lesion = fill(pixels, region, method)
            control = fill(pixels, placement.mask, method)
            entry["methods"][method] = {
                "lesion_mae": float(np.abs(lesion[region].astype(float) - free[region]).mean()),
                "control_mae": float(np.abs(control[placement.mask].astype(float) - pixels[placement.mask]).mean()),
                "lesion": len(requests), "control": len(requests) + 1}
            requests += [Request.of(lesion, question), Request.of(control, question)]
        rows.append(entry)
    answers = [score.answer for score in adapter.score_yes_no(requests)]
    print(f"vlmcore occlusion study: {len(rows)} yes-labelled groups with a known lesion place and a control region "
          f"({exact} of {len(rows)} films re-rendered bit-exactly from their spec); model {getattr(adapter, 'name', args.model)}")
    print(f"{'method':12} | {'lesion MAE':>10} | {'control MAE':>11} | {'as lesion-free':>14} | {'control kept':>12}")
    for method in METHODS:
        measured = [row["methods"][method] for row in rows]
        as_free = np.mean([answers[m["lesion"]] == answers[row["free"]] for m, row in zip(measured, rows)])
        kept = np.mean([answers[m["control"]] == answers[row["base"]] for m, row in zip(measured, rows)])
        print(f"{method:12} | {np.mean([m['lesion_mae'] for m in measured]):10.1f} | {np.mean([m['control_mae'] for m in measured]):11.1f}"
              f" | {as_free:14.3f} | {kept:12.3f}")
    free_no = np.mean([answers[row["free"]] == "no" for row in rows])
    print(f"the lesion-free render itself is answered no in {free_no:.3f} of groups; {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
