"""Do the maps point at the finding? Map mass against the phantom's true mask, per method.

``python -m vlmcore.reference.map_truth [--model FOLDER]`` asks a trained reference model the
base question about every finding in the bundled test set, takes each map method's map,
and scores it against the finding's mask (re-rendered exactly from the film's seed):

- **pointing game**: the map's peak cell lies on the mask (any mask pixel in the cell);
- **mass ratio**: the map's mass on the mask divided by the mask's share of the film
  (1 = no better than uniform; cells count by the fraction of their pixels on the mask).

The same scores for the map transposed and mirrored left-right are the control: a method
whose score does not drop when the grid is mirrored is not telling you *where*. Chance is
the pointing score of a cell drawn uniformly at random. The numbers are reported as found.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vlmcore.phantoms.anatomy import PhantomSpec, render_phantom
from vlmcore.phantoms.questions import base_question

KEY_WORDS = {"cardiomegaly": "cardiomegaly", "pleural_effusion": "effusion", "pneumothorax": "pneumothorax",
             "consolidation": "consolidation", "nodule": "nodule"}
METHODS = ("sdpa-rows (answer)", "token-conditioned", "grad-cam", "activation-norm")
VIEWS = ("as captured", "transposed", "mirrored")


def coverage(mask: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """Share of each grid cell's film pixels that lie on the mask."""
    rows = np.linspace(0, mask.shape[0], grid[0] + 1).astype(int)
    cols = np.linspace(0, mask.shape[1], grid[1] + 1).astype(int)
    return np.array([[mask[rows[i]:rows[i + 1], cols[j]:cols[j + 1]].mean() for j in range(grid[1])] for i in range(grid[0])])


def scores(values: np.ndarray, covered: np.ndarray) -> tuple[bool, float]:
    """(pointing hit, mass ratio) of one map against one mask's cell coverage."""
    mass = values / values.sum()
    peak = np.unravel_index(int(np.argmax(mass)), mass.shape)
    return bool(covered[peak] > 0), float((mass * covered).sum() / covered.mean())


@dataclass
class Tally:
    hits: dict = field(default_factory=lambda: {view: [] for view in VIEWS})
    ratios: dict = field(default_factory=lambda: {view: [] for view in VIEWS})
    chance: list = field(default_factory=list)

    def add(self, values: np.ndarray, covered: np.ndarray) -> None:
        for view, shown in zip(VIEWS, (values, values.T, values[:, ::-1])):
            hit, ratio = scores(shown, covered)
            self.hits[view].append(hit)
            self.ratios[view].append(ratio)
        self.chance.append(float((covered > 0).mean()))


def findings_of(test_set: Path, kinds: tuple[str, ...]) -> list[tuple[str, np.ndarray, str, str, np.ndarray]]:
    """(image path, film pixels, question, finding kind, true mask) for every finding of the
    test set that the models are asked about (``kinds``)."""
    truth = json.loads((test_set / "ground_truth.json").read_text())
    items = []
    for name, entry in sorted(truth.items()):
        spec = PhantomSpec(seed=entry["seed"], size=entry["size"],
                           findings=tuple((kind, side) for kind, side in entry["spec_findings"]))
        film = render_phantom(spec)
        for finding in (f for f in film.findings if f.kind in kinds):
            items.append((name, film.image, base_question(finding.kind, finding.side), finding.kind, finding.mask))
    return items


def measure(adapter, test_set: Path, kinds: tuple[str, ...]) -> dict[str, Tally]:
    from vlmcore.models.requests import Request

    tallies = {method: Tally() for method in METHODS}
    for name, image, question, kind, mask in findings_of(test_set, kinds):
        request = [Request.of(image, question)]
        maps = {
            "sdpa-rows (answer)": adapter.attention_maps(request)[0],
            "token-conditioned": adapter.attention_maps(request, query=f"token:{KEY_WORDS[kind]}")[0],
            "grad-cam": adapter.attention_maps(request, method="grad-cam")[0],
            "activation-norm": adapter.attention_maps(request, method="activation-norm")[0],
        }
        for method, shown in maps.items():
            if shown.fallback:
                raise RuntimeError(f"{name}: the {method} map is a fallback, not a measurement")
            tallies[method].add(np.asarray(shown.values, dtype=float), coverage(mask, shown.grid))
    return tallies


def table(tallies: dict[str, Tally]) -> list[str]:
    lines = ["| method | maps | pointing hit | mass ratio | transposed: hit / ratio | mirrored: hit / ratio | chance hit |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for method, tally in tallies.items():
        hit = {view: np.mean(tally.hits[view]) for view in VIEWS}
        ratio = {view: np.mean(tally.ratios[view]) for view in VIEWS}
        lines.append(f"| {method} | {len(tally.chance)} | {hit['as captured']:.2f} | {ratio['as captured']:.2f} | "
                     f"{hit['transposed']:.2f} / {ratio['transposed']:.2f} | {hit['mirrored']:.2f} / {ratio['mirrored']:.2f} | "
                     f"{np.mean(tally.chance):.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    from vlmcore.demo import MODELS, REFERENCE
    from vlmcore.models.loading import LoadSpec, load_adapter

    parser = argparse.ArgumentParser(prog="python -m vlmcore.reference.map_truth", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=MODELS / "robust", help="reference checkpoint folder")
    parser.add_argument("--test-set", type=Path, default=REFERENCE / "test", help="test-set folder with ground_truth.json")
    args = parser.parse_args(argv)
    adapter = load_adapter(LoadSpec(path=str(args.model), device="cpu"))
    from vlmcore.reference.checkpoint import read_card

    tallies = measure(adapter, args.test_set, tuple(read_card(args.model)["recipe"]["kinds"]))
    print(f"maps of {args.model.name} against the true finding masks ({args.test_set}):")
    print("\n".join(table(tallies)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
