"""Exact attention rows without eager attention.

``output_attentions=True`` needs eager attention, which materialises every (query, key)
score of every layer: slow, and memory quadratic in the sequence. We register our own
attention implementation, ``vlmcore_capture``. It computes the layer output with SDPA
(unchanged logits) and, only for the decoder modules being recorded, recomputes softmax
rows for the few query positions we need (e.g. the answer position) against all keys,
with the model's own mask, keeping only the image-key columns.

A matching mask function is registered under the same name. Without it transformers
treats the implementation as "needs no mask" and silently drops Gemma3's bidirectional
image mask (logits change). Ours is ``sdpa_mask`` with the causal skip disabled while a
recorder is active, so every recorded layer receives an explicit mask we can read rows from.

The vision tower calls the same interface; a recorder lists the decoder modules it wants,
and every other module passes straight through.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import torch

from vlmcore.attention.segments import active_layout
from vlmcore.errors import CaptureError

CAPTURE_IMPLEMENTATION = "vlmcore_capture"
_active = threading.local()


@dataclass(eq=False)
class AttentionRecorder:
    """Records softmax rows for chosen modules while active (use as a context manager).

    ``modules`` maps each attention module to its layer index. ``query_index`` is (B, P):
    the query positions per batch row, counted in the *expanded* sequence the layer sees
    (image tokens included). ``key_index`` is (B, N): key positions to keep (image tokens);
    ``None`` keeps every key. ``query_offset`` is subtracted from query positions when the
    forward runs over a suffix after a cached prefix.
    """

    modules: dict
    query_index: torch.Tensor
    key_index: torch.Tensor | None = None
    query_offset: int = 0
    rows: dict[int, torch.Tensor] = field(default_factory=dict)  # layer -> (B, H, P, N) float32

    def __enter__(self) -> "AttentionRecorder":
        active = _recorders()
        if any(set(self.modules) & set(other.modules) for other in active):
            raise CaptureError("another active AttentionRecorder already records one of these modules")
        active.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        active = _recorders()
        if self in active:
            active.remove(self)  # always released; errors propagate

    def require_all_layers(self) -> None:
        missing = sorted(set(self.modules.values()) - set(self.rows))
        if missing:
            raise CaptureError(
                f"no attention rows were captured for layers {missing}: the model did not call the "
                f"'{CAPTURE_IMPLEMENTATION}' attention implementation for them (is it installed on the text config?)"
            )

    def record(self, module, query, key, attention_mask, scaling: float | None, is_causal: bool | None, softcap) -> None:
        layer = self.modules[module]
        batch, heads, q_len, dim = query.shape
        positions = (self.query_index - self.query_offset).to(query.device)
        if positions.min() < 0 or positions.max() >= q_len:
            raise CaptureError(f"query positions {positions.tolist()} outside the layer's {q_len} queries")
        gathered = query.gather(2, positions[:, None, :, None].expand(batch, heads, positions.shape[1], dim))
        keys = key.repeat_interleave(heads // key.shape[1], dim=1) if key.shape[1] != heads else key
        scale = scaling if scaling is not None else dim ** -0.5
        scores = torch.matmul(gathered.float(), keys.float().transpose(-1, -2)) * scale
        if softcap:
            scores = torch.tanh(scores / softcap) * softcap
        layout = active_layout()
        if layout is not None:  # packed questions: the prefix and the query's own question (``segments``)
            scores = scores.masked_fill(~layout.visible(positions, key.shape[2])[:, None], float("-inf"))
        else:
            scores = _apply_mask(scores, attention_mask, positions, key.shape[2], q_len, module, is_causal)
        probs = torch.softmax(scores, dim=-1)
        if self.key_index is not None:
            index = self.key_index.to(probs.device)
            probs = probs.gather(3, index[:, None, None, :].expand(batch, heads, positions.shape[1], index.shape[1]))
        self.rows[layer] = probs.detach()


@contextmanager
def recording(recorders: list[AttentionRecorder]):
    """All ``recorders`` active for the block, every one released afterwards, errors propagated."""
    with ExitStack() as stack:
        for recorder in recorders:
            stack.enter_context(recorder)
        yield


def _recorders() -> list:
    if not hasattr(_active, "recorders"):
        _active.recorders = []
    return _active.recorders


@dataclass(eq=False)
class GradientRecorder:
    """Keeps the full attention probabilities (B, H, L, L) of chosen modules *in the graph*, so
    a backward pass gives their gradient (attention x gradient, relevancy propagation).

    While active, the listed modules compute their attention eagerly (softmax, then the values)
    instead of through SDPA: the same output up to float rounding, with the probabilities a
    tensor that requires grad. ``probs`` maps layer -> probabilities (gradient retained)."""

    modules: dict
    probs: dict[int, torch.Tensor] = field(default_factory=dict)

    def __enter__(self) -> "GradientRecorder":
        _gradient_recorders().append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        active = _gradient_recorders()
        if self in active:
            active.remove(self)

    def forward(self, module, query, key, value, attention_mask, scaling, softcap):
        heads = query.shape[1]
        repeat = heads // key.shape[1]
        keys = key.repeat_interleave(repeat, dim=1) if repeat > 1 else key
        values = value.repeat_interleave(repeat, dim=1) if repeat > 1 else value
        scale = scaling if scaling is not None else query.shape[-1] ** -0.5
        scores = torch.matmul(query.float(), keys.float().transpose(-1, -2)) * scale
        if softcap:
            scores = torch.tanh(scores / softcap) * softcap
        q_len, kv_len = scores.shape[-2], scores.shape[-1]
        if attention_mask is not None:
            mask = attention_mask[..., -q_len:, -kv_len:] if attention_mask.dim() == 4 else attention_mask
            scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask.float()
        elif getattr(module, "is_causal", False) and q_len > 1:
            causal = torch.ones(q_len, kv_len, dtype=torch.bool, device=scores.device).tril(kv_len - q_len)
            scores = scores.masked_fill(~causal, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        if probs.requires_grad:
            probs.retain_grad()
        self.probs[self.modules[module]] = probs
        output = torch.matmul(probs.to(values.dtype), values)
        return output.transpose(1, 2).contiguous(), probs


def _gradient_recorders() -> list:
    if not hasattr(_active, "gradient_recorders"):
        _active.gradient_recorders = []
    return _active.gradient_recorders


def _apply_mask(scores, attention_mask, positions, kv_len, q_len, module, is_causal):
    batch, _, count, _ = scores.shape
    if attention_mask is None:
        causal = is_causal if is_causal is not None else getattr(module, "is_causal", False)
        if not causal or q_len == 1:
            return scores
        absolute = positions + (kv_len - q_len)
        allowed = torch.arange(kv_len, device=scores.device)[None, None, :] <= absolute[:, :, None]
        return scores.masked_fill(~allowed[:, None], float("-inf"))
    rows_index = positions[:, None, :, None].expand(batch, attention_mask.shape[1], count, attention_mask.shape[-1])
    if attention_mask.shape[0] == 1 and batch > 1:
        attention_mask = attention_mask.expand(batch, *attention_mask.shape[1:])
    if attention_mask.shape[2] == 1:
        rows = attention_mask.expand(batch, attention_mask.shape[1], count, attention_mask.shape[-1])
    else:
        rows = attention_mask.gather(2, rows_index)
    rows = rows[..., -kv_len:] if rows.shape[-1] != kv_len else rows
    if rows.dtype == torch.bool:
        return scores.masked_fill(~rows, float("-inf"))
    return scores + rows.float()


def _capture_attention_forward(module, query, key, value, attention_mask, **kwargs):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    for recorder in _recorders():
        if module in recorder.modules:
            recorder.record(module, query, key, attention_mask, kwargs.get("scaling"), kwargs.get("is_causal"), kwargs.get("softcap"))
    layout = active_layout()
    for recorder in _gradient_recorders():
        if module in recorder.modules:
            if layout is not None:
                raise CaptureError("attention gradients are not recorded through a segmented (packed) suffix forward")
            return recorder.forward(module, query, key, value, attention_mask, kwargs.get("scaling"), kwargs.get("softcap"))
    if layout is not None:  # questions packed behind a cached prefix: block-diagonal, no dense mask
        return layout.attend(module, query, key, value, **kwargs)
    return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)


def _capture_mask(*args, **kwargs):
    """SDPA's mask; explicit whenever a recorder is active (rows are read from it). With none
    active (a prefix pass, an answers-only batch), a purely causal unpadded batch may skip the
    mask as under plain SDPA (transformers itself never skips when the mask deviates from
    causal, e.g. Gemma 3's bidirectional image block)."""
    from transformers.masking_utils import sdpa_mask

    if _recorders() or _gradient_recorders():
        kwargs["allow_is_causal_skip"] = False
    return sdpa_mask(*args, **kwargs)


def install_capture() -> None:
    """Register the attention and mask functions (idempotent)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS

    AttentionInterface.register(CAPTURE_IMPLEMENTATION, _capture_attention_forward)
    ALL_MASK_ATTENTION_FUNCTIONS.register(CAPTURE_IMPLEMENTATION, _capture_mask)
