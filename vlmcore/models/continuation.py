"""Reading a model after tokens it generated: the prompt, then those tokens, teacher-forced.

Greedy generation writes token k from the distribution at the position before it. Fed back
after the prompt, the generated tokens up to k make that position the last one, where every
adapter already reads its score and its map: so a generated answer's map is read where the
model *emitted the answer* ("yes" after a preamble, the finding's words in a report), with the
same capture, fusion and shared-prefix batching as a first-token answer. A map read at a
preamble token is never passed off as the answer's map.
"""

from __future__ import annotations

import torch

from vlmcore.errors import ConfigError

#: per-token inputs that continue with zeros (text tokens: no image, no special type)
ZERO_FILLED = ("token_type_ids", "mm_token_type_ids")


def check_continuations(continuations, count: int) -> list[tuple[int, ...]] | None:
    """``continuations`` as tuples of ints, one per request; None when every one is empty."""
    if continuations is None:
        return None
    if len(continuations) != count:
        raise ConfigError(f"{len(continuations)} continuations for {count} requests; give one (possibly empty) per request")
    checked = [tuple(int(token) for token in continuation) for continuation in continuations]
    return checked if any(checked) else None


def append_tokens(batch: dict, continuations: list[tuple[int, ...]] | None, pad_id: int) -> dict:
    """The processor's left-padded batch with each row's continuation after its last token,
    re-padded on the left (a row's own tokens, padding included, are kept as they were)."""
    if not continuations:
        return batch
    ids, mask = batch["input_ids"], batch["attention_mask"]
    rows, width = ids.shape
    longest = max(len(c) for c in continuations)
    total = width + longest
    out = dict(batch)
    out["input_ids"] = torch.full((rows, total), pad_id, dtype=ids.dtype)
    out["attention_mask"] = torch.zeros((rows, total), dtype=mask.dtype)
    extras = [key for key in ZERO_FILLED if key in batch]
    for key in extras:
        out[key] = torch.zeros((rows, total), dtype=batch[key].dtype)
    for row, continuation in enumerate(continuations):
        shift = longest - len(continuation)
        out["input_ids"][row, shift:shift + width] = ids[row]
        out["input_ids"][row, shift + width:] = torch.tensor(continuation, dtype=ids.dtype)
        out["attention_mask"][row, shift:shift + width] = mask[row]
        out["attention_mask"][row, shift + width:] = 1
        for key in extras:
            out[key][row, shift:shift + width] = batch[key][row]
    return out
