"""Is the right-side failure the model or our pipeline? The pipeline's part, tested on both sides.

The localisation table puts a map on the film through: the processor (resize / crop), the token
order of the vision tower's patches, the view region, the mask's cell coverage and the side in
the question. An *oracle* map goes through all of it: the change in each image token's patch
embedding (before any attention mixes tokens) between a film and the same film rendered without
its lesion. Whatever the model does later, that token saw the lesion. If any step were mirrored
or transposed, the oracle would score below uniform on one side; it must score far above uniform
on the right and the left alike, on the films as shipped and mirrored with their truth mirrored.
A simulated bug (the mask mirrored) must make it fail: the test can catch what it is for.
"""

from pathlib import Path

import numpy as np
import pytest
import torch

from vlmcore.demo import MODELS, REFERENCE
from vlmcore.mapeval.localisation import coverage, mass_ratio
from vlmcore.models.requests import Request
from vlmcore.reference.map_eval import cases_of

pytestmark = pytest.mark.slow  # reference models on the bundled test set (10-25 s a test on 2 shared cores)
KINDS = ("pleural_effusion", "consolidation")


def _embedding_change(adapter, film: np.ndarray, without: np.ndarray) -> np.ndarray:
    """|patch embedding(film) - patch embedding(film without lesion)| per image token, on the map's grid."""
    module = adapter.model.model.vision_tower.embeddings
    kept = []
    handle = module.register_forward_hook(lambda m, i, o: kept.append(o.detach()))
    try:
        with torch.no_grad():
            for image in (film, without):
                adapter.forward_logits(adapter.encode([Request.of(image, "is there pleural effusion?")]))
    finally:
        handle.remove()
    change = (kept[0] - kept[1]).norm(dim=-1)[0]
    side = int(np.sqrt(change.numel()))
    if side * side != change.numel():  # a class token first (CLIP)
        change = change[1:]
        side = int(np.sqrt(change.numel()))
    grid = change.reshape(1, 1, side, side).float()
    return torch.nn.functional.adaptive_avg_pool2d(grid, adapter.grid_shape)[0, 0].numpy().astype(float)


@pytest.fixture(scope="module", params=["robust", "medgemma-robust"])
def adapter(request):
    from vlmcore.models.loading import LoadSpec, load_adapter

    folder = MODELS / request.param
    if not (folder / "model.safetensors").is_file():
        pytest.skip(f"reference model {folder} absent")
    return load_adapter(LoadSpec(path=str(folder), device="cpu"))


@pytest.mark.parametrize("mirror", [False, True], ids=["as-shipped", "mirrored"])
def test_a_map_of_where_the_lesion_is_scores_alike_on_both_sides(adapter, mirror):
    cases = cases_of(Path(REFERENCE / "test"), KINDS, mirror=mirror)
    scores: dict[tuple[str, str], list[float]] = {}
    bugged: list[float] = []
    for kind in KINDS:
        for side in ("right", "left"):
            for case in [c for c in cases if c.kind == kind and c.side == side][:4]:
                oracle = _embedding_change(adapter, case.image, case.without)
                region = adapter.view_region(case.image.shape)
                covered = coverage(case.mask, adapter.grid_shape, region)
                scores.setdefault((kind, side), []).append(mass_ratio(oracle, covered))
                bugged.append(mass_ratio(oracle, coverage(case.mask[:, ::-1], adapter.grid_shape, region)))
    means = {key: float(np.mean(v)) for key, v in scores.items()}
    assert all(value > 2.0 for value in means.values()), means
    for kind in KINDS:
        assert 0.4 < means[(kind, "right")] / means[(kind, "left")] < 2.5, means
    assert float(np.mean(bugged)) < 1.0, f"a mirrored mask should score below uniform, got {np.mean(bugged):.2f}"


def test_the_question_side_is_the_masks_side():
    """The truth's patient right lies on the image's left half, and the question names that side."""
    for case in cases_of(Path(REFERENCE / "test"), KINDS)[:20]:
        columns = np.nonzero(case.mask.any(axis=0))[0]
        image_left = columns.mean() < case.mask.shape[1] / 2
        assert (case.side == "right") == image_left and case.side in case.question
