"""Block-diagonal attention for questions packed behind a shared prefix, without a dense mask.

The shared-prefix path packs all of a film's questions one after another in that film's
suffix row (``vlmcore.models.shared_prefix``). Each question must see the cached prefix and
the earlier tokens of its own question only. Written as one 4-D mask over the packed row,
that costs (k·L_q)·(P + k·L_q) scores per layer for k questions of L_q tokens behind a prefix
of P: the question-to-question block grows quadratically with everything packed in the row
(+192 question tokens cost 6x per variant).

Here the row is attended segment by segment instead, the variable-length ("varlen") layout of
FlashAttention-2 (Dao, 2023) and of FlexAttention's block-sparse masks (Dong et al., 2024):
every question's queries and keys are gathered into a block of ``L = max L_q`` slots. On the
CPU, each packed query's attention to the P prefix keys (one SDPA call over the whole row, no
mask) and each block's causal attention to itself (one call over the (films·k) blocks) are
computed apart with their log-normalisers and merged exactly by log-sum-exp, the split-KV
merge of FlashAttention (Dao et al., 2022). Elsewhere (no CPU flash kernel to give the
normaliser) the prefix keys are copied in front of each block, one layer at a time, and SDPA
runs over the blocks with one small (L, P + L) mask. Either way the cost per layer is
k·L·(P + L) scores, linear in the number of questions, and outputs are scattered back to the
packed positions.

Question tokens sit first in their block and padding after them, so causality alone keeps
every real query off the padded keys; a padding query's output is dropped. FlexAttention
itself was not used: on the CPU without ``torch.compile`` (which needs a C++ toolchain the
deployment may lack) it evaluates the whole score matrix, the cost this avoids.

The layout is active only around the suffix forward (``segmented``), thread-locally like the
attention recorders; ``vlmcore.attention.capture`` dispatches to it, and a recorder reads its
few rows from ``SegmentLayout.visible`` (prefix plus own question), so capture still
recomputes only the rows it needs.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property

import torch

from vlmcore.errors import CaptureError

_active = threading.local()
#: on the CPU, merge the prefix and own-question parts by log-sum-exp (False: the copied-prefix way, as on GPUs)
MERGE_ON_CPU = True


@dataclass(frozen=True)
class SegmentLayout:
    """Where each question of a packed suffix batch sits.

    ``gather`` (F, K·L): for each block slot (question k, token i), the packed position it
    reads (padding slots repeat a real one); ``scatter`` (F, W): for each packed position its
    block slot; ``start`` (F, W): the packed position where its question begins.
    """

    prefix: int
    block: int  # L: the longest question's suffix length
    blocks: int  # K: the most questions on one film's row
    gather: torch.Tensor
    scatter: torch.Tensor
    start: torch.Tensor

    @cached_property
    def mask(self) -> torch.Tensor:
        """(1, 1, L, P + L) bool: the prefix fully visible, causal inside the block."""
        device = self.gather.device
        own = torch.ones((self.block, self.block), dtype=torch.bool, device=device).tril()
        return torch.cat([torch.ones((self.block, self.prefix), dtype=torch.bool, device=device), own], dim=1)[None, None]

    def to(self, device) -> "SegmentLayout":
        return replace(self, gather=self.gather.to(device), scatter=self.scatter.to(device), start=self.start.to(device))

    def visible(self, positions: torch.Tensor, kv_length: int) -> torch.Tensor:
        """(F, P', kv_length) bool: the keys each packed query position in ``positions`` (F, P')
        attends to (the prefix and its own question up to itself); a recorder's rows."""
        device = positions.device
        keys = torch.arange(kv_length, device=device)[None, None, :]
        start = self.start.to(device).gather(1, positions)[:, :, None] + self.prefix
        return (keys < self.prefix) | ((keys >= start) & (keys <= positions[:, :, None] + self.prefix))

    def attend(self, module, query, key, value, **kwargs) -> tuple[torch.Tensor, None]:
        """The layer's output (F, W, H, D) for packed ``query`` (F, H, W, D) against the cached
        prefix plus the packed keys (F, H_kv, P + W, D)."""
        films, _, width, _ = query.shape
        if key.shape[2] != self.prefix + width or self.gather.shape != (films, self.blocks * self.block):
            raise CaptureError(f"segmented attention: {width} packed queries over {key.shape[2]} keys do not fit the "
                               f"layout ({films} rows, prefix {self.prefix}, {self.blocks} x {self.block} slots)")
        if query.device.type == "cpu" and MERGE_ON_CPU and hasattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu"):
            return self._merged(module, query, key, value, kwargs.get("scaling")), None
        return self._behind_copied_prefix(module, query, key, value, **kwargs)

    def _blocks(self, tensor):
        """(F, h, W, d) packed -> (F·K, h, L, d) one block per question."""
        films, heads, _, dim = tensor.shape
        gather = self.gather[:, None, :, None].expand(films, heads, self.gather.shape[1], dim)
        picked = tensor.gather(2, gather)
        return picked.view(films, heads, self.blocks, self.block, dim).transpose(1, 2).reshape(-1, heads, self.block, dim)

    def _packed(self, tensor):
        """(F·K, h, L, ...) one block per question -> (F, h, W, ...) at the packed positions."""
        films, width = self.scatter.shape
        rest = tensor.shape[3:]
        heads = tensor.shape[1]
        tensor = tensor.reshape(films, self.blocks, heads, self.block, *rest).transpose(1, 2)
        tensor = tensor.reshape(films, heads, self.blocks * self.block, *rest)
        index = self.scatter.view(films, 1, width, *([1] * len(rest))).expand(films, heads, width, *rest)
        return tensor.gather(2, index)

    def _merged(self, module, query, key, value, scaling):
        """The prefix part and each question's own part computed apart, no key copied per question,
        and merged by their log-sum-exp (FlashAttention's split-KV merge; Dao et al., 2022): every
        packed query against the P prefix keys in one SDPA call, each question's block causally
        against itself in another, both with their log-normalisers (torch's CPU flash kernel)."""
        flash = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu
        groups = query.shape[1] // key.shape[1]
        if groups > 1:  # grouped-query attention: the kernel wants every head's keys
            key, value = key.repeat_interleave(groups, dim=1), value.repeat_interleave(groups, dim=1)
        scale = scaling if scaling is not None else query.shape[-1] ** -0.5
        prefix_out, prefix_lse = flash(query, key[:, :, :self.prefix], value[:, :, :self.prefix], 0.0, False, scale=scale)[:2]
        own_out, own_lse = flash(self._blocks(query), self._blocks(key[:, :, self.prefix:]), self._blocks(value[:, :, self.prefix:]),
                                 0.0, True, scale=scale)[:2]  # square blocks: top-left causal is the question's own causality
        own_out, own_lse = self._packed(own_out), self._packed(own_lse.unsqueeze(-1)).squeeze(-1)
        top = torch.maximum(prefix_lse, own_lse)
        prefix_weight, own_weight = (prefix_lse - top).exp(), (own_lse - top).exp()
        merged = (prefix_out * prefix_weight[..., None] + own_out * own_weight[..., None]) / (prefix_weight + own_weight)[..., None]
        return merged.to(query.dtype).transpose(1, 2).contiguous()

    def _behind_copied_prefix(self, module, query, key, value, **kwargs):
        """Devices without the CPU kernel's log-normaliser: the prefix keys are copied in front of
        each question's block (one layer at a time) and transformers' SDPA runs over the blocks
        with one (L, P + L) mask."""
        from transformers.integrations.sdpa_attention import sdpa_attention_forward

        films = query.shape[0]

        def behind_prefix(tensor):  # (F, h, P + W, d) -> (F·K, h, P + L, d)
            heads, dim = tensor.shape[1], tensor.shape[-1]
            prefix = tensor[:, None, :, :self.prefix].expand(films, self.blocks, heads, self.prefix, dim)
            return torch.cat([prefix.reshape(-1, heads, self.prefix, dim), self._blocks(tensor[:, :, self.prefix:])], dim=2)

        kwargs.pop("is_causal", None)
        output, _ = sdpa_attention_forward(module, self._blocks(query), behind_prefix(key), behind_prefix(value),
                                           self.mask, is_causal=False, **kwargs)
        return self._packed(output.transpose(1, 2)).transpose(1, 2).contiguous(), None


def segment_layout(owner: torch.Tensor, prefix: int) -> SegmentLayout:
    """The layout of packed rows whose token at (f, w) belongs to request ``owner[f, w]``
    (-1: row padding; a request's tokens are contiguous)."""
    films, width = owner.shape
    real = owner >= 0
    new = real & torch.cat([torch.ones((films, 1), dtype=torch.bool), owner[:, 1:] != owner[:, :-1]], dim=1)
    question = new.long().cumsum(dim=1) - 1  # the question index of each real token on its row
    positions = torch.arange(width)[None].expand(films, -1)
    start = torch.where(new, positions, torch.zeros_like(positions)).cummax(dim=1).values
    offset = positions - start  # the token's place inside its question
    count = int(question.max()) + 1 if bool(real.any()) else 1
    block = int(offset[real].max()) + 1 if bool(real.any()) else 1
    slot = torch.where(real, question * block + offset, torch.zeros_like(positions))  # row padding reads slot 0
    gather = torch.zeros((films, count * block), dtype=torch.long)  # padding slots read packed position 0 (dropped)
    rows = torch.arange(films)[:, None].expand(-1, width)
    gather[rows[real], slot[real]] = positions[real]
    start = torch.where(real, start, positions)  # row padding: a question of its own
    return SegmentLayout(prefix, block, count, gather, slot, start)


def active_layout() -> SegmentLayout | None:
    return getattr(_active, "layout", None)


@contextmanager
def segmented(layout: SegmentLayout | None):
    """``layout`` active for the block (None: nothing changes); always released."""
    if layout is None:
        yield
        return
    if active_layout() is not None:
        raise CaptureError("a segmented suffix forward is already active in this thread")
    _active.layout = layout
    try:
        yield
    finally:
        _active.layout = None
