"""Maps from attention *and* its gradient: attention x gradient, and relevancy propagation.

Raw answer-position attention rows say where the last layers read from, not what the answer
depends on: a token can draw attention for its role (a sink), and by the last layers every
token is a mixture of the tokens before it. Two standard remedies, both on the decoder's own
attention, with the gradient of the answer's yes-minus-no margin:

- ``attn-grad``: per layer, the positive part of attention times its gradient, averaged over
  heads and layers, read on the answer row (the gradient-weighted head average of Chefer et
  al. 2021, without the propagation);
- ``relevancy``: Chefer, Gur & Wolf 2021, "Generic Attention-model Explainability for
  Interpreting Bi-Modal and Encoder-Decoder Transformers" (ICCV), self-attention rule:
  ``R = I``; for each layer, ``R += mean_h((dA * A)^+) @ R``; the map is ``R[answer, image]``.
  It follows mass through the token mixing of every decoder layer. It does not propagate
  through the vision tower (whose own mixing Grad-CAM on the tower's features addresses).

Both need the image tokens to sit in the decoder's sequence (LLaVA, MedGemma, Qwen2.5-VL,
Idefics3): a family whose map is composed through another attention (BLIP-2's Q-Former,
Florence-2's cross-attention) is refused. Requests run one at a time (no padding rows), with
the decoder's attention computed eagerly so its probabilities are in the graph.

``target``: ``yes`` / ``no`` explain that answer; ``answer`` explains the model's own answer
(the sign of its margin), which is what a deletion test of the map then checks.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import torch

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.capture import GradientRecorder
from vlmcore.errors import CaptureError, ConfigError

TARGETS = ("yes", "no", "answer")


class GradientAttentionMethod:
    name: ClassVar[str] = ""

    def combine(self, probs: list[torch.Tensor], grads: list[torch.Tensor], answer: int) -> torch.Tensor:
        """Per-layer (H, L, L) probabilities and gradients -> (L,) relevance of every key to the answer."""
        raise NotImplementedError

    def maps(self, adapter, requests, target: str = "answer") -> list[AttentionMap]:
        if target not in TARGETS:
            raise ConfigError(f"target {target!r}: expected one of {TARGETS}")
        return [self._one(adapter, request, target) for request in requests]

    def _one(self, adapter, request, target: str) -> AttentionMap:
        encoded = adapter.encode([request])
        if adapter.extra_recorders(encoded):
            raise CaptureError(f"{self.name}: {adapter.family} composes its map through a second attention; "
                               "gradient attention maps need the image tokens in the decoder's sequence")
        modules = adapter.decoder_attention_modules()
        recorder = GradientRecorder({module: index for index, module in enumerate(modules)})
        with recorder, torch.enable_grad():
            logits = adapter.forward_logits(encoded).float()
            margin = torch.logsumexp(logits[:, adapter.yes_ids], -1) - torch.logsumexp(logits[:, adapter.no_ids], -1)
            sign = 1.0 if target == "yes" or (target == "answer" and float(margin.detach()) >= 0) else -1.0
            (sign * margin).sum().backward()
        adapter.model.zero_grad(set_to_none=True)
        layers = sorted(recorder.probs)
        if len(layers) != len(modules) or any(recorder.probs[i].grad is None for i in layers):
            raise CaptureError(f"{self.name}: the decoder's attention did not reach the answer's gradient in every layer")
        probs = [recorder.probs[i].detach()[0].float() for i in layers]
        grads = [recorder.probs[i].grad[0].float() for i in layers]
        answer = int(encoded.answer_index[0, 0])
        relevance = self.combine(probs, grads, answer)
        mass = relevance[encoded.image_positions[0].to(relevance.device)].clamp_min(0)[None]
        grid = adapter.compose(mass, encoded, []).float().cpu().numpy()[0]
        rows, cols = encoded.layout.grid if encoded.layout is not None else adapter.grid_shape
        values = grid.reshape(rows, cols).astype(np.float64)
        if not np.isfinite(values).all() or values.sum() <= 0:
            raise CaptureError(f"{self.name}: no positive relevance reached the image tokens; no map is returned")
        label = "answer" if target == "answer" else f"target:{target}"
        return AttentionMap(values=values, method=self.name, grid=(rows, cols), layers=tuple(layers),
                            head_fusion="gradient-weighted mean", query=label)


class AttentionGradient(GradientAttentionMethod):
    """Mean over layers and heads of (A * dA)^+ on the answer row."""

    name = "attn-grad"

    def combine(self, probs, grads, answer):
        return torch.stack([(a * g).clamp_min(0).mean(0)[answer] for a, g in zip(probs, grads)]).mean(0)


class Relevancy(GradientAttentionMethod):
    """Chefer et al. 2021's relevancy map propagated through every decoder layer."""

    name = "relevancy"

    def combine(self, probs, grads, answer):
        length = probs[0].shape[-1]
        relevance = torch.eye(length, device=probs[0].device)
        for a, g in zip(probs, grads):
            weighted = (a * g).clamp_min(0).mean(0)
            relevance = relevance + weighted @ relevance
        return relevance[answer]


GRADIENT_METHODS = {"attn-grad": AttentionGradient, "relevancy": Relevancy}
