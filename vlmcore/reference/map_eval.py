"""The map evaluation of the reference models: faithfulness, sanity, localisation, per side.

``python -m vlmcore.reference.map_eval [--model FOLDER ...] [--out FILE]`` asks each reference
model the base question about every finding of the bundled test set (the film as shipped) and
about the same film re-rendered from its seed *without* that finding, then:

1. makes every map recipe the family offers (``vlmcore.mapeval.recipes``: answer rows,
   attention x gradient, relevancy, Grad-CAM, activation norm; each raw, sink-removed and
   relative to the mean map), with the sinks read off all those maps;
2. scores each recipe's faithfulness by deletion / insertion against random cell orders on a
   fixed subset of films (every ``FAITHFULNESS_STRIDE``-th finding) and takes the family's
   default recipe as the one with the highest lower bound (on the family's ``robust`` model:
   ``robust`` for LLaVA, ``medgemma-robust`` for MedGemma; other models use their family's);
3. runs the randomisation sanity check on the default recipe;
4. scores the default recipe's maps, and the raw answer rows for comparison, against the true
   lesion masks per finding and side, beside the baselines (``vlmcore.mapeval.localisation``).

The result is one JSON file (default ``fixtures/reference/map_evaluation.json``) that the demo's
report shows and ``docs/maps.md`` quotes, stamped with each model's weights digest so a report
can tell when it is stale. Deterministic for given weights; ~1-3 min per model on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vlmcore import bundled
from vlmcore.errors import CaptureError
from vlmcore.mapeval import faithfulness, localisation, sanity
from vlmcore.mapeval.recipes import METHOD_NAMES, Item, MapRecipe, MapSource, answers, supported
from vlmcore.phantoms.anatomy import render_phantom
from vlmcore.phantoms.questions import base_question
from vlmcore.reference.test_set import spec_of

DEFAULT_OUT = bundled.reference_root() / "map_evaluation.json"
FAMILY_MODELS = {"llava": "robust", "medgemma": "medgemma-robust"}  # whose faithfulness picks the family default
FAITHFULNESS_STRIDE = 3
SINKS = ("raw", "sink-removed", "mean-relative")


@dataclass(frozen=True)
class Case:
    """One lesion of the test set: the film as shipped and the film without the lesion."""

    film: str
    kind: str
    side: str | None
    patient: str
    image: np.ndarray
    without: np.ndarray
    mask: np.ndarray

    @property
    def question(self) -> str:
        return base_question(self.kind, self.side)


def cases_of(test_set: Path, kinds: tuple[str, ...], mirror: bool = False) -> list[Case]:
    """Every finding of ``kinds`` in the test set. ``mirror``: each film, its films without the
    finding and its masks flipped left-right and the side swapped (the pipeline control: a
    mirrored right effusion is a left one, with its truth mirrored alike)."""
    truth = json.loads((test_set / "ground_truth.json").read_text())
    swap = {"right": "left", "left": "right", None: None}
    cases = []
    for name, entry in sorted(truth.items()):
        spec = spec_of(entry)  # as shipped: the corner tags included
        film = render_phantom(spec)
        for finding in (f for f in film.findings if f.kind in kinds):
            rest = tuple(pair for pair in spec.findings if tuple(pair) != (finding.kind, finding.side))
            without = render_phantom(replace(spec, findings=rest)).image
            image, mask, side = film.image, finding.mask, finding.side
            if mirror:
                image, without, mask, side = image[:, ::-1].copy(), without[:, ::-1].copy(), mask[:, ::-1].copy(), swap[side]
            cases.append(Case(name, finding.kind, side, entry["patient"], image, without, mask))
    return cases


def _recipes(adapter) -> list[MapRecipe]:
    return [MapRecipe(method, sink) for method in METHOD_NAMES if supported(adapter, method) for sink in SINKS]


def _rows_json(rows) -> list[dict]:
    return [row.to_json() for row in rows]


def evaluate_model(folder: Path, test_set: Path, default: MapRecipe | None = None, log=print) -> dict:
    """Everything above for one model. ``default``: the family's recipe (None: choose it here)."""
    from vlmcore.models.loading import LoadSpec, load_adapter
    from vlmcore.reference.checkpoint import read_card, weights_digest

    started = time.perf_counter()
    card = read_card(folder)
    adapter = load_adapter(LoadSpec(path=str(folder), device="cpu"))
    cases = cases_of(test_set, tuple(card["recipe"]["kinds"]))
    items = answers(adapter, [Item(c.image, c.question, c.patient) for c in cases])
    without = answers(adapter, [Item(c.without, c.question, c.patient) for c in cases])
    both = items + without  # sinks are read off every film and question the model was asked
    n = len(cases)
    source = MapSource(adapter)
    subset = list(range(0, n, FAITHFULNESS_STRIDE))
    probe = [items[i] for i in subset]
    probe_both = probe + [without[i] for i in subset]
    grid = adapter.grid_shape
    result: dict = {}
    if default is None:  # choose the family's recipe: every recipe on the probe films (sinks read off them too)
        probe_maps, unavailable = {}, []
        for recipe in _recipes(adapter):
            try:
                probe_maps[recipe] = source.maps(recipe, probe_both)[:len(probe)]
            except CaptureError as error:  # e.g. Grad-CAM with no positive evidence on some film: not a candidate
                unavailable.append({"recipe": recipe.name, "reason": str(error)})
                log(f"  {folder.name}: {recipe.name}: no map ({error})")
        recipes = list(probe_maps)
        regions = [m.region for m in probe_maps[recipes[0]]]
        baseline = faithfulness.RandomBaseline(adapter, probe, grid, regions)
        log(f"  {folder.name}: probe maps and random curves in {time.perf_counter() - started:.0f}s")
        results = {}
        for recipe in recipes:
            results[recipe] = faithfulness.evaluate(adapter, recipe, probe_maps[recipe], baseline)
            log(f"  {folder.name}: {recipe.name}: faithfulness {results[recipe].score.text(3)}")
        chosen = next(r for r in recipes if r.name == faithfulness.choose_default(list(results.values())).recipe)
        random_maps = MapSource(sanity.randomised(adapter)).maps(chosen, probe_both)[:len(probe)]
        result["faithfulness"] = [results[r].to_json() for r in recipes]
        result["unavailable"] = unavailable
        result["sanity"] = sanity.check(chosen.name, probe_maps[chosen], random_maps, [i.patient for i in probe]).to_json()
    else:
        chosen = default
    maps = source.maps(chosen, both)
    findings = [localisation.Finding(c.kind, c.side, c.patient, c.question, localisation.coverage(c.mask, grid, m.region))
                for c, m in zip(cases, maps[:n])]
    tables = {chosen.name: localisation.table(findings, [m.values for m in maps[:n]], [m.values for m in maps[n:]])}
    raw = MapRecipe("answer-rows")
    if raw != chosen:
        raw_maps = source.maps(raw, both)
        tables[raw.name] = localisation.table(findings, [m.values for m in raw_maps[:n]], [m.values for m in raw_maps[n:]])
    profile = source.profile(chosen.method, both)
    return {
        "model": folder.name, "family": card["family"], "weights_sha256": weights_digest(folder), "grid": list(grid),
        "findings": n, "faithfulness_films": len(probe), "faithfulness_patients": len({i.patient for i in probe}),
        "default": {"recipe": chosen.name, "method": chosen.method, "sink": chosen.sink, "chosen_here": default is None},
        "sinks": profile.describe(), "sink_cells": [list(c) for c in profile.cells],
        **result,
        "localisation": {name: _rows_json(rows) for name, rows in tables.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    from vlmcore.demo import MODELS, REFERENCE, reference_models
    from vlmcore.reference.checkpoint import read_card

    parser = argparse.ArgumentParser(prog="python -m vlmcore.reference.map_eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, action="append", help="reference checkpoint folder (repeatable; default: all)")
    parser.add_argument("--test-set", type=Path, default=REFERENCE / "test")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--show", type=Path, help="print the Markdown tables of an evaluation JSON and exit")
    args = parser.parse_args(argv)
    if args.show:
        from vlmcore.report.map_section import tables

        data = json.loads(args.show.read_text())
        print("\n".join(line for table in tables(data, {f.name: f for f in reference_models(MODELS)}) for line in table.markdown()))
        return 0
    folders = args.model or reference_models(MODELS)
    defaults: dict[str, MapRecipe] = {}
    results = []
    if args.out.is_file():  # models not re-evaluated this time keep their entries
        kept = {m["model"]: m for m in json.loads(args.out.read_text())["models"]}
    else:
        kept = {}
    by_family = {read_card(f)["family"]: f for f in folders if f.name == FAMILY_MODELS.get(read_card(f)["family"])}
    ordered = [f for f in folders if f in by_family.values()] + [f for f in folders if f not in by_family.values()]
    for entry in kept.values():  # a family default chosen in an earlier run is kept unless its model is re-evaluated
        if entry["default"]["chosen_here"] and entry["family"] not in by_family:
            defaults[entry["family"]] = MapRecipe(entry["default"]["method"], entry["default"]["sink"])
    for folder in ordered:
        family = read_card(folder)["family"]
        print(f"{folder.name} ({family})", flush=True)
        result = evaluate_model(folder, args.test_set, defaults.get(family))
        if family not in defaults:
            defaults[family] = MapRecipe(result["default"]["method"], result["default"]["sink"])
        results.append(result)
        kept[result["model"]] = result
        args.out.write_text(json.dumps({"test_set": str(args.test_set.name), "models": list(kept.values())}, indent=1) + "\n")
        print(f"wrote {args.out} ({folder.name} added)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
