"""Tensors for training and held-out evaluation: films preprocessed once, phrasings tokenised once.

The prompt and the processor are the adapter's own (``adapter.prompt`` / ``processor_call``),
so a model is trained on exactly the token sequence the benchmark will show it. Training and
scoring batches are right-padded: positions are then those of an unpadded sequence, as at
inference; the answer is read at each row's last prompt token. A training row is the prompt
followed by its completion (the answer in the recipe's format, then the end token), and the
loss covers every completion token. Generation batches are left-padded, as ``generate``
needs, with positions taken from the attention mask.
"""

from __future__ import annotations

import torch
from PIL import Image

from vlmcore.engine.engine import BLANK_LEVEL  # the suite's blank film: uniform mid-grey
from vlmcore.reference.phantom_set import Film


def film_pixels(adapter, films: list[Film], chunk: int = 256) -> torch.Tensor:
    """``pixel_values`` of every film through the family's image processor, in order."""
    parts = []
    for start in range(0, len(films), chunk):
        images = [Image.fromarray(f.render().image).convert("RGB") for f in films[start:start + chunk]]
        parts.append(pixel_values(adapter, images))
    return torch.cat(parts)


def pixel_values(adapter, images: list) -> torch.Tensor:
    processed = adapter.processor.image_processor(images=images, return_tensors="pt")
    return processed["pixel_values"].float()


def blank_pixels(adapter, size: int) -> torch.Tensor:
    return pixel_values(adapter, [Image.new("RGB", (size, size), (BLANK_LEVEL,) * 3)])[0]


class PromptTable:
    """Each phrasing's token tensors (without pixels), computed once."""

    def __init__(self, adapter, texts: list[str], image_size: int):
        self.adapter = adapter
        blank = Image.new("RGB", (image_size, image_size), (BLANK_LEVEL,) * 3)
        self.encoded: dict[str, dict[str, torch.Tensor]] = {}
        for text in dict.fromkeys(texts):
            inputs = adapter.processor_call([blank], [adapter.prompt(text)])
            self.encoded[text] = {k: v[0] for k, v in inputs.items() if k not in ("pixel_values", "pixel_attention_mask")}
        self.pad_id = adapter.tokenizer.pad_token_id

    def collate(self, texts: list[str], pixels: torch.Tensor, completions: list[list[int]] | None = None,
                left: bool = False) -> tuple[dict, torch.Tensor]:
        """Padded batch and the index of each row's last prompt token.

        ``completions``: token ids appended after each prompt (training rows). ``left``: pad on
        the left (generation; the returned indices then refer to the padded rows)."""
        rows = [self.encoded[t] for t in texts]
        if completions is not None:
            rows = [_extended(r, torch.tensor(ids, dtype=r["input_ids"].dtype)) for r, ids in zip(rows, completions)]
        length = max(len(r["input_ids"]) for r in rows)
        batch = {}
        for key in rows[0]:
            fill = self.pad_id if key == "input_ids" else 0
            sides = [(length - len(r[key]), 0) if left else (0, length - len(r[key])) for r in rows]
            batch[key] = torch.stack([torch.nn.functional.pad(r[key], side, value=fill) for r, side in zip(rows, sides)])
        batch["pixel_values"] = pixels
        prompt = [len(self.encoded[t]["input_ids"]) for t in texts]
        last = torch.tensor([length - 1 if left else n - 1 for n in prompt])
        return batch, last

    def training_batch(self, texts: list[str], pixels: torch.Tensor, completions: list[list[int]]) -> tuple[dict, torch.Tensor]:
        """Right-padded prompt + completion rows and their labels: the completion's tokens at
        the positions that predict them, -100 (ignored) everywhere else."""
        batch, last = self.collate(texts, pixels, completions)
        labels = torch.full_like(batch["input_ids"], -100)
        for row, (start, ids) in enumerate(zip(last.tolist(), completions)):
            labels[row, start:start + len(ids)] = torch.tensor(ids)
        return batch, labels


def _extended(row: dict[str, torch.Tensor], ids: torch.Tensor) -> dict[str, torch.Tensor]:
    """A prompt row with completion tokens appended: attended (mask 1), text (type 0)."""
    out = {}
    for key, value in row.items():
        tail = ids if key == "input_ids" else torch.ones_like(ids) if key == "attention_mask" else torch.zeros_like(ids)
        out[key] = torch.cat([value, tail.to(value.dtype)])
    return out


def completion_loss(model, batch: dict, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over every completion token, summed per row and averaged over rows: the
    answer token weighs as much as it did when it was the only target, whatever the format's
    length. Logits at position i predict token i + 1, so labels are stored at i."""
    logits = model(**batch).logits
    return torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=-100,
                                             reduction="sum") / labels.shape[0]


def answer_logits(model, batch: dict, last: torch.Tensor, yes_id: int, no_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-vocabulary logits at the answer position, and the yes-minus-no logit margin."""
    logits = model(**batch).logits
    at_answer = logits[torch.arange(len(last)), last]
    return at_answer, at_answer[:, yes_id] - at_answer[:, no_id]
