"""A processor's per-image outputs, split into each image's share and joined back.

An image processor's output over ``count`` images holds, per key, one row per image (pixel
values, pixel masks, grids) or, in Qwen2-VL's layout, every image's patches concatenated along
dim 0 and split by ``image_grid_thw``. Splitting and joining lets one film's processed pixels
serve many requests (the image memo, the spliced batches of ``decoder_only``) without the
processor running again. Anything laid out otherwise is not split (None): the caller then
calls the processor, never builds a batch of a layout it does not know.
"""

from __future__ import annotations

import torch


def split_per_image(output, count: int) -> list[dict] | None:
    """Each image's share of one processor output over ``count`` images, or None (a layout not known here)."""
    pieces: list[dict] = [{} for _ in range(count)]
    if "image_grid_thw" in output:  # Qwen2-VL style: every image's patches concatenated along dim 0
        grid = torch.as_tensor(output["image_grid_thw"])
        if grid.shape[0] != count:
            return None
        for piece, part in zip(pieces, torch.split(torch.as_tensor(output["pixel_values"]), grid.prod(-1).tolist())):
            piece["pixel_values"] = part
    for key, value in output.items():
        if key in pieces[0]:
            continue
        if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == count:
            for index, piece in enumerate(pieces):
                piece[key] = value[index: index + 1]
        elif isinstance(value, list) and len(value) == count:
            for index, piece in enumerate(pieces):
                piece[key] = [value[index]]
        else:
            return None
    return pieces


def join_per_image(pieces: list[dict]) -> dict | None:
    """One output over the pieces' images, in their order; None when their shapes do not join.

    Each request gets its own copy, not a view of its film's (``expand``): model code reshapes
    pixel inputs with ``view`` (Idefics3 merges its batch and tile dimensions), which a stride-0
    batch dimension refuses, and moving the batch to a GPU copies every row anyway."""
    joined = {}
    for key in pieces[0]:
        values = [piece[key] for piece in pieces]
        if isinstance(values[0], torch.Tensor):
            if any(v.shape[1:] != values[0].shape[1:] for v in values):
                return None  # e.g. tiles padded to different widths in different calls
            joined[key] = torch.cat(values)
        else:
            joined[key] = [item for value in values for item in value]
    return joined
