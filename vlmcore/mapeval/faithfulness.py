"""Faithfulness: hiding the map's top cells must move the answer more than hiding random cells.

Deletion and insertion curves (Petsiuk, Das & Saenko 2018, "RISE: Randomized Input Sampling
for Explanation of Black-box Models", BMVC), on the model's own grid: the cells are ranked by
the map; step by step a growing share of them is replaced on the film (deletion: by a blurred
copy of the film, so the replacement stays a plausible film rather than a grey block the model
reads as a finding; insertion: the film starts blurred and the top cells are restored). After
each step the model answers again and the probability of the answer it gave on the untouched
film is read. Each cell is placed on the film through the map's view region (LLaVA's centre
crop included), so a cell hides exactly the pixels its token saw.

The control is the same curve for random cell orders (``RANDOM_ORDERS`` per film, seeded). Per
film, the deletion score is the area under the random curve minus the area under the map's
(positive: the map's cells matter more than random ones) and the insertion score the map's area
minus the random one. The headline is their mean per film, with a patient-clustered interval
and a sign-flip test across patients: a map whose interval excludes 0 points at cells the
answer depends on. ``choose_default`` picks the recipe with the highest lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vlmcore.attention.placement import blurred, cell_boxes
from vlmcore.mapeval.recipes import Item, MapRecipe
from vlmcore.metrics.clustered_means import Estimate, clustered_mean, sign_flip

STEPS = 8
RANDOM_ORDERS = 3


def _steps(cells: int, steps: int) -> list[int]:
    return [round(j * cells / steps) for j in range(steps + 1)]


def _films(image, soft, boxes, order, counts, insert: bool) -> list[np.ndarray]:
    films = []
    for count in counts:
        film = (soft if insert else image).copy()
        source = image if insert else soft
        for index in order[:count]:
            r0, r1, c0, c1 = boxes[index]
            film[r0:r1, c0:c1] = source[r0:r1, c0:c1]
        films.append(film)
    return films


def _auc(points: list[float]) -> float:
    y = np.asarray(points, dtype=float)
    return float(((y[1:] + y[:-1]) / 2).sum() / (len(y) - 1))


@dataclass
class Curves:
    deletion: list[float]
    insertion: list[float]

    @property
    def deletion_auc(self) -> float:
        return _auc(self.deletion)

    @property
    def insertion_auc(self) -> float:
        return _auc(self.insertion)


def curves(adapter, items: list[Item], orders: list[list[np.ndarray]], grid, regions, steps: int = STEPS,
           batch: int = 64) -> list[list[Curves]]:
    """For each item and each of its cell orders: the deletion and insertion curves of p(answer)."""
    from vlmcore.models.requests import Request

    requests, layout = [], []
    for index, (item, item_orders, region) in enumerate(zip(items, orders, regions)):
        image = np.asarray(item.image)
        boxes = cell_boxes(grid, region, image.shape)
        soft = blurred(image, grid, region)
        counts = _steps(len(boxes), steps)
        for order in item_orders:
            for insert in (False, True):
                for film in _films(image, soft, boxes, order, counts, insert):
                    requests.append(Request.of(film, item.question))
                layout.append((index, insert, len(counts)))
    scores = []
    for start in range(0, len(requests), batch):
        scores += adapter.score_yes_no(requests[start:start + batch])
    result: list[list[Curves]] = [[] for _ in items]
    position = 0
    pending: dict[int, list[float]] = {}
    for index, insert, count in layout:
        p_yes = [s.p_yes for s in scores[position:position + count]]
        position += count
        answer_yes = items[index].answer != "no"
        points = [p if answer_yes else 1 - p for p in p_yes]
        if not insert:
            pending[index] = points
        else:
            result[index].append(Curves(pending.pop(index), points))
    return result


def map_orders(maps, rng: np.random.Generator) -> list[np.ndarray]:
    """Cells from the map's highest to lowest, ties in random order."""
    orders = []
    for attention in maps:
        flat = np.asarray(attention.values, dtype=float).ravel()
        jitter = rng.random(flat.size)
        orders.append(np.lexsort((jitter, -flat)))
    return orders


@dataclass
class Faithfulness:
    recipe: str
    deletion: Estimate  # AUC(random) - AUC(map), deletion
    insertion: Estimate  # AUC(map) - AUC(random), insertion
    score: Estimate  # their mean per film: the headline
    p_value: float
    deletion_auc: float  # mean AUCs, for the curves' scale
    deletion_random_auc: float
    insertion_auc: float
    insertion_random_auc: float
    mean_curves: dict = field(default_factory=dict)  # "deletion" / "deletion random" / ... -> mean points

    def to_json(self) -> dict:
        return {"recipe": self.recipe, "score": self.score.to_json(), "deletion": self.deletion.to_json(),
                "insertion": self.insertion.to_json(), "p_value": self.p_value,
                "auc": {"deletion": self.deletion_auc, "deletion_random": self.deletion_random_auc,
                        "insertion": self.insertion_auc, "insertion_random": self.insertion_random_auc},
                "mean_curves": self.mean_curves}


class RandomBaseline:
    """The random-order curves of a set of items, computed once and shared by every recipe."""

    def __init__(self, adapter, items: list[Item], grid, regions, orders: int = RANDOM_ORDERS, steps: int = STEPS, seed: int = 0):
        rng = np.random.default_rng(seed)
        cells = grid[0] * grid[1]
        self.items, self.grid, self.regions, self.steps = items, grid, regions, steps
        self.curves = curves(adapter, items, [[rng.permutation(cells) for _ in range(orders)] for _ in items], grid, regions, steps)


def evaluate(adapter, recipe: MapRecipe, maps, baseline: RandomBaseline, seed: int = 1) -> Faithfulness:
    items = baseline.items
    mine = curves(adapter, items, [[order] for order in map_orders(maps, np.random.default_rng(seed))], baseline.grid,
                  baseline.regions, baseline.steps)
    clusters = [item.patient for item in items]
    deletion, insertion, both = [], [], []
    for own, random in zip(mine, baseline.curves):
        d = float(np.mean([c.deletion_auc for c in random])) - own[0].deletion_auc
        i = own[0].insertion_auc - float(np.mean([c.insertion_auc for c in random]))
        deletion.append(d)
        insertion.append(i)
        both.append((d + i) / 2)

    def mean_points(series):
        return [round(float(v), 4) for v in np.mean(series, axis=0)]

    return Faithfulness(
        recipe.name, clustered_mean(deletion, clusters), clustered_mean(insertion, clusters), clustered_mean(both, clusters),
        sign_flip(both, clusters), float(np.mean([m[0].deletion_auc for m in mine])),
        float(np.mean([np.mean([c.deletion_auc for c in r]) for r in baseline.curves])),
        float(np.mean([m[0].insertion_auc for m in mine])),
        float(np.mean([np.mean([c.insertion_auc for c in r]) for r in baseline.curves])),
        {"deletion": mean_points([m[0].deletion for m in mine]),
         "deletion random": mean_points([np.mean([c.deletion for c in r], axis=0) for r in baseline.curves]),
         "insertion": mean_points([m[0].insertion for m in mine]),
         "insertion random": mean_points([np.mean([c.insertion for c in r], axis=0) for r in baseline.curves])})


def choose_default(results: list[Faithfulness]) -> Faithfulness:
    """The recipe whose faithfulness interval has the highest lower bound (then the highest mean)."""
    return max(results, key=lambda r: (r.score.low if np.isfinite(r.score.low) else -np.inf, r.score.mean))
