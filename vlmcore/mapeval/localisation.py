"""Localisation: does the map lie on the lesion, more than where the model always looks?

Against a true lesion mask (a phantom's, re-rendered from its seed): the **pointing game**
(Zhang et al. 2018, "Top-down Neural Attention by Excitation Backprop", IJCV: a hit when the
map's peak cell touches the mask) and the **mass ratio** (the map's mass on the mask over the
mask's share of the film: 1 = no better than uniform; cells count by the share of their pixels
on the mask). Each is shown beside three baselines:

- a uniform map: mass ratio 1 by construction; its pointing score is the chance that a random
  cell touches the mask;
- the model's mean map for the same question (over every film it was asked on, with and
  without the finding): where the model looks whatever the film; a map that does not beat it
  says the question, not the film, placed it;
- the map of the same film rendered without the finding, scored against the same mask: a map
  that is as high there follows the anatomy, not the lesion.

Per finding and side, each with a patient-clustered 95% interval (``clustered_mean``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from vlmcore.metrics.clustered_means import Estimate, clustered_mean


def coverage(mask: np.ndarray, grid: tuple[int, int], region=None) -> np.ndarray:
    """Share of each grid cell's film pixels that lie on the mask (cells placed through ``region``)."""
    from vlmcore.attention.placement import cell_boxes

    boxes = cell_boxes(grid, region, mask.shape)
    return np.array([mask[r0:r1, c0:c1].mean() if r1 > r0 and c1 > c0 else 0.0 for r0, r1, c0, c1 in boxes]).reshape(grid)


def pointing_hit(values: np.ndarray, covered: np.ndarray) -> bool:
    peak = np.unravel_index(int(np.argmax(values)), values.shape)
    return bool(covered[peak] > 0)


def mass_ratio(values: np.ndarray, covered: np.ndarray) -> float:
    mass = np.asarray(values, float) / np.sum(values)
    return float((mass * covered).sum() / covered.mean())


@dataclass(frozen=True)
class Finding:
    """One lesion a map is scored against."""

    kind: str
    side: str | None
    patient: str
    question: str
    covered: np.ndarray  # cell coverage of the true mask on the map's grid


@dataclass(frozen=True)
class LocalisationRow:
    kind: str
    side: str
    n: int
    ratio: Estimate
    ratio_mean_map: Estimate
    ratio_without: Estimate
    pointing: Estimate
    pointing_mean_map: Estimate
    pointing_without: Estimate
    pointing_chance: float

    @property
    def above_uniform(self) -> bool:
        return self.ratio.mean > 1.0

    @property
    def above_mean_map(self) -> bool:
        return self.ratio.mean > self.ratio_mean_map.mean

    def to_json(self) -> dict:
        return {"finding": self.kind, "side": self.side, "n": self.n, "mass_ratio": self.ratio.to_json(),
                "mass_ratio_mean_map": self.ratio_mean_map.to_json(), "mass_ratio_without_finding": self.ratio_without.to_json(),
                "pointing": self.pointing.to_json(), "pointing_mean_map": self.pointing_mean_map.to_json(),
                "pointing_without_finding": self.pointing_without.to_json(), "pointing_chance": self.pointing_chance}


def table(findings: list[Finding], own_maps: list[np.ndarray], without_maps: list[np.ndarray]) -> list[LocalisationRow]:
    """One row per (finding, side); the question's mean map averages every map of that question
    (films with and without the finding)."""
    by_question: dict[str, list[np.ndarray]] = defaultdict(list)
    for finding, own, without in zip(findings, own_maps, without_maps):
        by_question[finding.question] += [own / own.sum(), without / without.sum()]
    mean_maps = {q: np.mean(maps, axis=0) for q, maps in by_question.items()}
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        groups[(finding.kind, finding.side or "-")].append(index)
    rows = []
    for (kind, side), indices in sorted(groups.items()):
        clusters = [findings[i].patient for i in indices]

        def measure(fn, maps, indices=indices, clusters=clusters):
            return clustered_mean([float(fn(maps(i), findings[i].covered)) for i in indices], clusters)

        rows.append(LocalisationRow(
            kind, side, len(indices),
            measure(mass_ratio, lambda i: own_maps[i]), measure(mass_ratio, lambda i: mean_maps[findings[i].question]),
            measure(mass_ratio, lambda i: without_maps[i]),
            measure(pointing_hit, lambda i: own_maps[i]), measure(pointing_hit, lambda i: mean_maps[findings[i].question]),
            measure(pointing_hit, lambda i: without_maps[i]),
            float(np.mean([(findings[i].covered > 0).mean() for i in indices]))))
    return rows
