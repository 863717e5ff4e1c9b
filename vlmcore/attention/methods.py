"""Alternative map methods over the vision tower: Grad-CAM and activation norm.

One pipeline (``VisionMapMethod``): hook the family's vision features, run the forward
(with gradients only when the method declares it needs them), reduce patch features to one
value per patch, pool the patch grid onto the model's token grid, label the map. A method
overrides only ``reduce``. An all-zero result is an error, never a uniform stand-in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
import torch

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.errors import CaptureError, ConfigError
from vlmcore.registry import Registry


class VisionFeatureHook:
    """Keeps the vision features of one forward (and their gradient); released on exit.

    The gradient is retained on the tensor the model itself uses downstream (a view made
    here would never receive one); ``to_patches`` is applied afterwards to both."""

    def __init__(self, module: torch.nn.Module, to_patches, keep_grad: bool):
        self.module, self.to_patches, self.keep_grad = module, to_patches, keep_grad
        self.raw: torch.Tensor | None = None
        self._handle = None

    def _hook(self, module, inputs, output):
        raw = output[0] if isinstance(output, tuple) else getattr(output, "last_hidden_state", output)
        if self.keep_grad and raw.requires_grad:
            raw.retain_grad()
        self.raw = raw

    @property
    def features(self) -> torch.Tensor:
        return self.to_patches(self.raw.detach())

    @property
    def gradients(self) -> torch.Tensor:
        if self.raw.grad is None:
            raise CaptureError("no gradient reached the vision features: the answer does not depend on them")
        return self.to_patches(self.raw.grad)

    def __enter__(self) -> "VisionFeatureHook":
        self._handle = self.module.register_forward_hook(self._hook)
        return self

    def __exit__(self, *exc_info) -> None:
        self._handle.remove()


class VisionMapMethod(ABC):
    name: ClassVar[str] = ""
    needs_gradients: ClassVar[bool] = False

    @abstractmethod
    def reduce(self, features: torch.Tensor, gradients: torch.Tensor | None) -> torch.Tensor:
        """(B, P, C) features (and gradients) -> (B, P) non-negative patch scores."""

    def maps(self, adapter, requests, target: str = "yes") -> list[AttentionMap]:
        if target not in ("yes", "no"):
            raise ConfigError(f"target {target!r}: expected 'yes' or 'no'")
        module, extract, patch_grid = adapter.vision_features()
        encoded = adapter.encode(requests)
        with VisionFeatureHook(module, extract, self.needs_gradients) as hook, torch.set_grad_enabled(self.needs_gradients):
            logits = adapter.forward_logits(encoded)
            if self.needs_gradients:
                margin = torch.logsumexp(logits[:, adapter.yes_ids], -1) - torch.logsumexp(logits[:, adapter.no_ids], -1)
                (margin if target == "yes" else -margin).sum().backward()
        adapter.model.zero_grad(set_to_none=True)
        if hook.raw is None:
            raise CaptureError(f"{self.name}: the vision feature hook did not fire for {adapter.family}")
        scores = self.reduce(hook.features, hook.gradients if self.needs_gradients else None)
        return [self._label(item, patch_grid, adapter.grid_shape, target) for item in scores]

    def _label(self, scores: torch.Tensor, patch_grid, grid, target: str) -> AttentionMap:
        patches = scores.float().reshape(1, 1, *patch_grid)
        pooled = torch.nn.functional.adaptive_avg_pool2d(patches, grid)[0, 0].cpu().numpy().astype(np.float64)
        if not np.isfinite(pooled).all() or pooled.sum() <= 0:
            raise CaptureError(f"{self.name} produced an empty map (no positive evidence for {target!r}); no map is returned")
        if np.ptp(pooled) <= 1e-9 * pooled.max():
            raise CaptureError(f"{self.name} produced a constant map: it carries no spatial information, so none is returned")
        # only a gradient method depends on the answer it explains; say so rather than label every map with a target
        query = f"target:{target}" if self.needs_gradients else "target-independent"
        return AttentionMap(values=pooled, method=self.name, grid=tuple(grid), query=query)


class GradCAM(VisionMapMethod):
    """ReLU of the features weighted by their patch-averaged gradient of the yes/no margin.

    Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via
    Gradient-based Localization", ICCV), on the vision tower's patch features, with the
    yes-minus-no margin as the class score."""

    name = "grad-cam"
    needs_gradients = True

    def reduce(self, features, gradients):
        weights = gradients.mean(dim=1, keepdim=True)
        return torch.relu((features * weights).sum(dim=-1))


class ActivationNorm(VisionMapMethod):
    """L2 norm of each patch's vision features: where the encoder's activity is (the
    activation-based spatial attention map of Zagoruyko & Komodakis 2017, "Paying More Attention
    to Attention", ICLR, with p = 2 and the square root). Target-independent."""

    name = "activation-norm"

    def reduce(self, features, gradients):
        return features.float().norm(dim=-1)


METHODS: Registry = Registry("map method", base=VisionMapMethod)
METHODS.register("grad-cam", GradCAM)
METHODS.register("activation-norm", ActivationNorm)


def alternative_maps(adapter, requests, method: str, target: str) -> list[AttentionMap]:
    """Maps of a method other than the answer rows: the vision-tower methods here, the gradient
    attention methods (``vlmcore.attention.gradients``: ``attn-grad``, ``relevancy``) or
    ``occlusion`` (``vlmcore.attention.occlusion``)."""
    from vlmcore.attention.gradients import GRADIENT_METHODS
    from vlmcore.attention.occlusion import OcclusionMap

    if method in GRADIENT_METHODS:
        return GRADIENT_METHODS[method]().maps(adapter, requests, target)
    if method == OcclusionMap.name:
        return OcclusionMap().maps(adapter, requests, target)
    return METHODS.get(method)().maps(adapter, requests, target)
