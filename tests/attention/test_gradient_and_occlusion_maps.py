"""The gradient attention maps (attn-grad, relevancy) and occlusion, checked where they could fail.

- The eager attention path that keeps the probabilities in the graph must give the model's own
  logits (the SDPA path's), or the maps would explain a different model.
- Each gradient method returns a labelled, finite, non-negative map on the family's token grid,
  and a family whose image tokens are not in the decoder's sequence is refused, not faked.
- Occlusion must find the one cell a scripted model reads (its answer depends on nothing else),
  wherever that cell is, and say which answer it explained.
"""

import numpy as np
import pytest
import torch

from vlmcore.attention.capture import GradientRecorder
from vlmcore.attention.occlusion import OcclusionMap
from vlmcore.errors import CaptureError
from vlmcore.models import tiny_adapter
from vlmcore.models.requests import Request, YesNoScore

FILM = (np.random.default_rng(0).random((64, 64)) * 255).astype(np.uint8)
QUESTION = "is there a pleural effusion?"


@pytest.fixture(scope="module")
def llava():
    return tiny_adapter("llava")


def test_the_eager_in_graph_attention_gives_the_models_own_logits(llava):
    encoded = llava.encode([Request.of(FILM, QUESTION)])
    with torch.no_grad():
        reference = llava.forward_logits(encoded).float()
    modules = llava.decoder_attention_modules()
    recorder = GradientRecorder({module: index for index, module in enumerate(modules)})
    with recorder, torch.enable_grad():
        eager = llava.forward_logits(encoded).float()
    assert sorted(recorder.probs) == list(range(len(modules)))  # every decoder layer went through the eager path
    assert torch.allclose(eager.detach(), reference, atol=1e-4), float((eager.detach() - reference).abs().max())
    assert all(p.requires_grad for p in recorder.probs.values())


@pytest.mark.parametrize("method", ["attn-grad", "relevancy"])
@pytest.mark.parametrize("target", ["yes", "no", "answer"])
def test_gradient_maps_are_labelled_finite_and_on_the_grid(llava, method, target):
    (found,) = llava.attention_maps([Request.of(FILM, QUESTION)], method=method, target=target)
    assert found.method == method
    assert found.values.shape == tuple(llava.grid_shape)
    assert np.isfinite(found.values).all() and (found.values >= 0).all() and found.values.sum() > 0
    assert found.query == ("answer" if target == "answer" else f"target:{target}")


def test_yes_and_no_targets_give_different_gradient_maps(llava):
    request = Request.of(FILM, QUESTION)
    (yes,) = llava.attention_maps([request], method="relevancy", target="yes")
    (no,) = llava.attention_maps([request], method="relevancy", target="no")
    assert not np.allclose(yes.values / yes.values.sum(), no.values / no.values.sum())


def test_a_family_with_a_second_attention_is_refused():
    blip2 = tiny_adapter("blip2")
    with pytest.raises(CaptureError, match="second attention"):
        blip2.attention_maps([Request.of(FILM, QUESTION)], method="attn-grad", target="yes")


class OneCellReader:
    """p(yes) follows the brightness of one cell only; the rest of the film is ignored."""

    grid_shape = (8, 8)

    def __init__(self, cell):
        self.cell = cell

    def score_yes_no(self, requests):
        r, c = self.cell
        out = []
        for request in requests:
            margin = (float(request.image[r * 8:(r + 1) * 8, c * 8:(c + 1) * 8].mean()) - 128) / 10
            out.append(YesNoScore(p_yes=float(1 / (1 + np.exp(-margin))), margin=margin, mass=1.0, top_token="yes"))
        return out


@pytest.mark.parametrize("cell", [(1, 6), (5, 2), (7, 7)])
def test_occlusion_finds_the_one_cell_the_model_reads(cell):
    rng = np.random.default_rng(1)
    film = rng.normal(100, 20, (64, 64)).clip(0, 255)
    film[cell[0] * 8:(cell[0] + 1) * 8, cell[1] * 8:(cell[1] + 1) * 8] = 240
    (found,) = OcclusionMap().maps(OneCellReader(cell), [Request.of(film.astype(np.uint8), QUESTION)])
    assert found.method == "occlusion" and found.query == "target:yes"  # the answer it gave on the film
    assert np.unravel_index(np.argmax(found.values), found.values.shape) == cell
    others = np.delete(found.values.ravel(), cell[0] * 8 + cell[1])
    assert found.values[cell] > 10 * max(float(others.max()), 1e-9)
