"""Occlusion maps: how much the answer's probability drops when one cell of the film is hidden.

Occlusion sensitivity (Zeiler & Fergus 2014, "Visualizing and Understanding Convolutional
Networks", ECCV), computed with captum's ``FeatureAblation`` (Kokhlikyan et al. 2020, "Captum:
A unified and generic model interpretability library for PyTorch"): the film is one input
tensor, the feature mask gives every pixel its grid cell (pixels outside the view region form
one extra feature that is never shown), the baseline is the film blurred at half a cell
(``placement.blurred``), and the forward function is the model's probability of the target
answer. Target-dependent and model-agnostic: it needs only ``score_yes_no``, so every family
has it, at one forward per cell (64 on an 8x8 grid, 576 on LLaVA-1.5's 24x24).

It asks the model directly where its answer depends on the film, so it is the map a
deletion test is most likely to favour (the test hides cumulative sets of cells, this map
ranks single cells); ``docs/maps.md`` reports it with that caveat beside the attention maps.
"""

from __future__ import annotations

import numpy as np
import torch

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.placement import blurred, cell_boxes
from vlmcore.errors import ConfigError

BATCH = 32


class OcclusionMap:
    name = "occlusion"

    def maps(self, adapter, requests, target: str = "answer") -> list[AttentionMap]:
        if target not in ("yes", "no", "answer"):
            raise ConfigError(f"target {target!r}: expected 'yes', 'no' or 'answer'")
        return [self._one(adapter, request, target) for request in requests]

    def _one(self, adapter, request, target: str) -> AttentionMap:
        from captum.attr import FeatureAblation

        from vlmcore.models.requests import Request

        image = np.asarray(request.image)
        grid = tuple(adapter.grid_shape)
        region = adapter.view_region(image.shape) if hasattr(adapter, "view_region") else None
        boxes = cell_boxes(grid, region, image.shape)
        mask = torch.full(image.shape, len(boxes), dtype=torch.long)
        for index, (r0, r1, c0, c1) in enumerate(boxes):
            mask[r0:r1, c0:c1] = index
        if target == "answer":
            target = "yes" if adapter.score_yes_no([request])[0].p_yes >= 0.5 else "no"

        def probability(films: torch.Tensor) -> torch.Tensor:
            films = films.round().clamp(0, 255).to(torch.uint8).numpy()
            scores = adapter.score_yes_no([Request.of(film, request.question) for film in films])
            return torch.tensor([s.p_yes if target == "yes" else 1 - s.p_yes for s in scores])

        ablation = FeatureAblation(probability)
        inputs = torch.from_numpy(image.astype(np.float32))[None]
        baseline = torch.from_numpy(blurred(image, grid, region).astype(np.float32))[None]
        with torch.no_grad():
            attribution = ablation.attribute(inputs, baselines=baseline, feature_mask=mask[None],
                                             perturbations_per_eval=BATCH)[0].numpy()
        drops = np.array([attribution[r0, c0] if r1 > r0 and c1 > c0 else 0.0 for r0, r1, c0, c1 in boxes]).reshape(grid)
        values = np.clip(drops, 0.0, None).astype(np.float64)
        notes = {}
        if values.sum() <= 0:  # hiding no single cell lowers the answer: a flat map, said so
            values, notes = np.ones(grid), {"flat": 1}
        return AttentionMap(values=values, method=self.name, grid=grid, query=f"target:{target}",
                            head_fusion="none (perturbation)", notes=notes)
