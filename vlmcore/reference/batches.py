"""Tensors for training and held-out evaluation: films preprocessed once, phrasings tokenised once.

The prompt and the processor are the adapter's own (``adapter.prompt`` / ``processor_call``),
so a model is trained on exactly the token sequence the benchmark will show it. Batches are
right-padded and the answer is read at each row's last real token: positions are then those
of an unpadded sequence, as at inference.
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

    def collate(self, texts: list[str], pixels: torch.Tensor) -> tuple[dict, torch.Tensor]:
        """Right-padded batch and the index of each row's last real token."""
        rows = [self.encoded[t] for t in texts]
        length = max(len(r["input_ids"]) for r in rows)
        batch = {}
        for key in rows[0]:
            fill = self.pad_id if key == "input_ids" else 0
            batch[key] = torch.stack([torch.nn.functional.pad(r[key], (0, length - len(r[key])), value=fill) for r in rows])
        batch["pixel_values"] = pixels
        last = torch.tensor([len(r["input_ids"]) - 1 for r in rows])
        return batch, last


def answer_logits(model, batch: dict, last: torch.Tensor, yes_id: int, no_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-vocabulary logits at the answer position, and the yes-minus-no logit margin."""
    logits = model(**batch).logits
    at_answer = logits[torch.arange(len(last)), last]
    return at_answer, at_answer[:, yes_id] - at_answer[:, no_id]
