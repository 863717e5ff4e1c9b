"""Every grid cell is a place on the film: inverting the pixels of one cell changes the vision
features of that cell's token most, for every family (tiny Florence-2 included: its patch
embeddings are non-overlapping, so each token has a defined cell)."""

import numpy as np
import pytest
import torch

from tests.models.conftest import VISION_HOOKED
from vlmcore.attention.methods import VisionFeatureHook
from vlmcore.models.requests import Request


def _features(adapter, film: np.ndarray):
    module, extract, grid = adapter.vision_features()
    encoded = adapter.encode([Request(film, "is there pleural effusion ?")])
    with VisionFeatureHook(module, extract, False) as hook, torch.no_grad():
        adapter.forward_logits(encoded)
    return hook.features[0].float().reshape(*grid, -1), grid


def _side(adapter) -> int:
    size = adapter.processor.image_processor.size
    return int(getattr(size, "height", None) or getattr(size, "shortest_edge"))


@pytest.mark.parametrize("family", VISION_HOOKED)
def test_perturbing_one_cell_moves_that_token_most(family, adapters):
    adapter = adapters(family)
    side = _side(adapter)  # a square film at the processor's own size: no resampling between pixels and cells
    film = (np.random.default_rng(0).random((side, side)) * 100 + 80).astype(np.uint8)
    base, (rows, cols) = _features(adapter, film)
    for r, c in [(0, 0), (1, cols - 2), (rows - 1, 1), (rows // 2, cols // 2)]:
        changed = film.copy()
        y0, y1, x0, x1 = r * side // rows, (r + 1) * side // rows, c * side // cols, (c + 1) * side // cols
        changed[y0:y1, x0:x1] = 255 - changed[y0:y1, x0:x1]
        moved = (_features(adapter, changed)[0] - base).norm(dim=-1)
        assert tuple(int(v) for v in np.unravel_index(int(moved.argmax()), (rows, cols))) == (r, c), (family, r, c)
