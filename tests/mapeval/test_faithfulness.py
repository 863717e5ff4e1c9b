"""Faithfulness and sanity, proved on models whose truth is known before the rule is trusted.

A scripted model answers "yes" exactly when one film region (the lesion, a different cell on
every film) is bright. A map on that cell must beat random cells with an interval above 0; a
map stuck on a fixed sink cell must not; a uniform-noise map must not. The sanity check must
fail a method whose maps do not depend on the weights and pass one whose maps do.
"""

from pathlib import Path

import numpy as np
import pytest

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.placement import cell_boxes
from vlmcore.mapeval import faithfulness, sanity
from vlmcore.mapeval.recipes import Item, MapRecipe
from vlmcore.models.requests import YesNoScore

SIZE, GRID = 64, (8, 8)
CELL = SIZE // GRID[0]


def _film(cell: tuple[int, int], rng) -> np.ndarray:
    film = (rng.normal(90, 6, (SIZE, SIZE))).clip(0, 255)
    r, c = cell
    film[r * CELL:(r + 1) * CELL, c * CELL:(c + 1) * CELL] = 230
    return film.astype(np.uint8)


class LesionReader:
    """p(yes) rises with the brightest cell's brightness: it reads the lesion wherever it is."""

    def score_yes_no(self, requests):
        scores = []
        for request in requests:
            cells = request.image.astype(float).reshape(GRID[0], CELL, GRID[1], CELL).mean(axis=(1, 3))
            margin = (cells.max() - 150) / 10
            p = 1 / (1 + np.exp(-margin))
            scores.append(YesNoScore(p_yes=float(p), margin=float(margin), mass=1.0, top_token="yes"))
        return scores


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(0)
    cells = [tuple(int(v) for v in rng.integers(1, 7, 2)) for _ in range(24)]
    items = [Item(_film(cell, rng), "is there a lesion?", f"patient{i // 2}", "yes") for i, cell in enumerate(cells)]
    baseline = faithfulness.RandomBaseline(LesionReader(), items, GRID, [None] * len(items))
    return cells, items, baseline


def _maps(cells, kind, rng):
    maps = []
    for cell in cells:
        values = rng.random(GRID) * 0.01
        if kind == "lesion":
            values[cell] = 1.0
        elif kind == "sink":
            values[0, 2] = 1.0
        maps.append(AttentionMap(values, "scripted", GRID))
    return maps


def test_a_map_on_the_lesion_beats_random_cells_and_a_sink_or_noise_does_not(setting):
    cells, items, baseline = setting
    rng = np.random.default_rng(1)
    lesion = faithfulness.evaluate(LesionReader(), MapRecipe("answer-rows"), _maps(cells, "lesion", rng), baseline)
    sink = faithfulness.evaluate(LesionReader(), MapRecipe("answer-rows", "sink-removed"), _maps(cells, "sink", rng), baseline)
    noise = faithfulness.evaluate(LesionReader(), MapRecipe("attn-grad"), _maps(cells, "noise", rng), baseline)
    assert lesion.score.low > 0.1 and lesion.p_value < 0.01
    assert lesion.mean_curves["deletion"][1] < lesion.mean_curves["deletion random"][1] - 0.3  # one step hides the lesion
    assert not sink.score.low > 0 and not noise.score.low > 0
    assert faithfulness.choose_default([sink, lesion, noise]).recipe == lesion.recipe
    assert lesion.to_json()["score"]["clusters"] == 12


def test_cells_are_placed_through_the_view_region():
    boxes = cell_boxes((2, 2), (10.0, 20.0, 100.0, 100.0), (120, 140))
    assert boxes[0] == (10, 60, 20, 70) and boxes[3] == (60, 110, 70, 120)


def test_sanity_fails_maps_that_ignore_the_weights_and_passes_maps_that_follow_them():
    rng = np.random.default_rng(0)
    fixed = [AttentionMap(np.arange(64.0).reshape(8, 8) + rng.random((8, 8)) + 1, "m", GRID) for _ in range(30)]
    clusters = [f"p{i}" for i in range(30)]
    assert not sanity.check("fixed", fixed, fixed, clusters).passed
    other = [AttentionMap(rng.random((8, 8)) + 0.1, "m", GRID) for _ in range(30)]
    result = sanity.check("moves", fixed, other, clusters)
    assert result.passed and abs(result.correlation.mean) < 0.2


def test_randomised_copy_redraws_the_weights_and_leaves_the_trained_model_alone():
    from vlmcore.demo import MODELS
    from vlmcore.models.loading import LoadSpec, load_adapter

    folder = Path(MODELS / "robust")
    if not (folder / "model.safetensors").is_file():
        pytest.skip("reference model robust absent")
    adapter = load_adapter(LoadSpec(path=str(folder), device="cpu"))
    before = {n: p.detach().clone() for n, p in adapter.model.named_parameters()}
    random = sanity.randomised(adapter)
    after = dict(random.model.named_parameters())
    changed = [n for n, p in before.items() if p.dim() >= 2 and "embed_tokens" not in n and "lm_head" not in n]
    assert changed and all(not np.allclose(before[n].numpy(), after[n].detach().numpy()) for n in changed)
    assert all(np.array_equal(before[n].numpy(), p.detach().numpy()) for n, p in adapter.model.named_parameters())
    assert type(random) is type(adapter) and random.fingerprint != adapter.fingerprint
