"""Any Hugging Face image-text-to-text model with a chat template: one adapter.

Everything a family adapter hard-codes is read from the checkpoint instead:

- the prompt: the processor's chat template with one image and the question, applied once
  to text; the processor is then called without adding special tokens again;
- image positions: ``config.image_token_id`` (or ``image_token_index``);
- the map's grid and the film region it covers: from the processor's outputs for *this*
  film (``image_grid_thw`` and the spatial merge for Qwen2-VL / Qwen2.5-VL; the
  ``<row_i_col_j>`` tile markers and tokens per tile for Idefics3 / SmolVLM; else one
  square block), as an ``ImageLayout``; the region is the whole film unless the image
  processor centre-crops;
- positions: explicit left-padding-aware ids for 1-D rotary models; for 3-D rotary models
  (Qwen's mrope) the model's own ``get_rope_index`` on the prefix, and every question token
  after it at its index plus the film's rope delta.

Shared-prefix batching works for all of these (the prefix ends after the image on every
supported template). Films of different shapes can have different token counts, so a batch
is split by film shape and each part runs on its own. Grad-CAM and activation-norm maps
need a per-architecture vision hook and are not offered here (a clear error, not a guess).
"""

from __future__ import annotations

import torch

from vlmcore.errors import CaptureError, ConfigError
from vlmcore.models.base import Encoded, image_positions_from_ids
from vlmcore.models.chat_prompt import ChatTemplatePrompt
from vlmcore.models.continuation import append_tokens
from vlmcore.models.decoder_only import DecoderOnlyAdapter
from vlmcore.models.image_layout import ImageLayout, merged_patch_layout, square_layout, tile_layout
from vlmcore.models.requests import Request
from vlmcore.models.shared_prefix import PrefixPlan, prefix_inputs

#: per-token inputs that the prefix rows take from the full batch
PER_TOKEN = ("input_ids", "attention_mask", "token_type_ids", "mm_token_type_ids")


def image_token_id_of(config) -> int | None:
    for owner in (config, getattr(config, "text_config", None)):
        for name in ("image_token_id", "image_token_index"):
            value = getattr(owner, name, None) if owner is not None else None
            if isinstance(value, int):
                return value
    return None


def uses_mrope(config) -> bool:
    text = getattr(config, "text_config", config)
    for name in ("rope_parameters", "rope_scaling"):
        settings = getattr(text, name, None)
        if isinstance(settings, dict) and settings.get("mrope_section"):
            return True
    return False


def unsupported(model, processor) -> list[str]:
    """What a checkpoint lacks for this adapter (empty: supported)."""
    missing = []
    if image_token_id_of(model.config) is None:
        missing.append("an image token id (config.image_token_id / image_token_index)")
    if getattr(model.config, "text_config", None) is None:
        missing.append("a text_config (the language decoder whose attention is captured)")
    if not (getattr(processor, "chat_template", None) or getattr(getattr(processor, "tokenizer", None), "chat_template", None)):
        missing.append("a chat template (processor or tokenizer)")
    if getattr(processor, "image_processor", None) is None:
        missing.append("an image processor")
    if _decoder_layers(model) is None:
        missing.append("a language model with .layers[i].self_attn (model.model.language_model / text_model)")
    return missing


def _decoder_layers(model):
    inner = getattr(model, "model", model)
    for name in ("language_model", "text_model"):
        layers = getattr(getattr(inner, name, None), "layers", None)
        if layers is not None and len(layers) and hasattr(layers[0], "self_attn"):
            return layers
    return None


class HFImageTextAdapter(ChatTemplatePrompt, DecoderOnlyAdapter):
    family = "hf"
    map_method = "sdpa-rows"

    def __init__(self, model, processor, **kwargs):
        missing = unsupported(model, processor)
        if missing:
            raise ConfigError(f"{type(model).__name__} cannot run under the generic adapter; it lacks: " + "; ".join(missing))
        if getattr(model.config, "model_type", "") == "gemma3" and next(model.parameters()).dtype == torch.float16:
            raise ConfigError("Gemma3 must not run in float16: activations overflow. Use bfloat16 on GPU, float32 on CPU.")
        self._mrope = uses_mrope(model.config)
        self.passes_position_ids = not self._mrope
        super().__init__(model, processor, **kwargs)

    # -- what the checkpoint says ---------------------------------------------------------
    @property
    def image_token_id(self) -> int:
        return int(image_token_id_of(self.model.config))

    def _grid_shape(self) -> tuple[int, int]:
        """The grid of a 256 x 256 film: a probe through the processor at load time, so a
        template or processor that cannot place the image fails now, not in every case."""
        import numpy as np

        probe = Request.of(np.full((256, 256), 128, dtype=np.uint8), "Is there a pleural effusion?")
        return self.encoding([probe]).layout.grid

    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        return [layer.self_attn for layer in _decoder_layers(self.model)]

    def vision_features(self):
        raise ConfigError(f"{self.name}: grad-cam and activation-norm maps need a per-architecture vision hook, which the generic "
                          "adapter does not have; use method='attention'")

    def blank_shape(self, image_shape: tuple[int, ...]) -> tuple[int, int]:
        """Dynamic resolution: the film's own shape decides the token count, so the blank keeps it."""
        return (int(image_shape[0]), int(image_shape[1]))

    def view_region(self, image_shape: tuple[int, ...]) -> tuple[float, float, float, float]:
        from vlmcore.models.view import centre_crop_region

        return centre_crop_region(image_shape, self.processor.image_processor)

    # -- encoding -------------------------------------------------------------------------------
    def encode(self, requests: list[Request], continuations: list[tuple[int, ...]] | None = None) -> Encoded:
        shapes = {tuple(request.image.shape[:2]) for request in requests}
        if len(shapes) > 1:
            raise CaptureError(f"{self.family}: films of shapes {sorted(shapes)} in one batch; their token counts may differ "
                               "(split the batch by film shape)")
        batch = append_tokens(self.processed_batch(requests), continuations, int(self.tokenizer.pad_token_id))
        layout = self.layout_of(batch)
        positions = image_positions_from_ids(batch["input_ids"], self.image_token_id, layout.tokens, self.family)
        batch = {key: value for key, value in batch.items() if key not in ("rows", "cols")}
        return self.encoded(batch, positions, layout)

    def layout_of(self, batch: dict) -> ImageLayout:
        """The film's token layout from the processor's outputs (every row holds the same film shape)."""
        if "image_grid_thw" in batch:
            grids = {tuple(int(v) for v in row) for row in batch["image_grid_thw"]}
            if len(grids) != 1:
                raise CaptureError(f"{self.family}: one batch with image grids {sorted(grids)}")
            return merged_patch_layout(grids.pop(), int(self.model.config.vision_config.spatial_merge_size))
        tiles = self._tile_grid(batch["input_ids"])
        if tiles is not None:
            return tile_layout(*tiles, int(self.processor.image_seq_len))
        counts = (batch["input_ids"] == self.image_token_id).sum(-1).unique().tolist()
        if len(counts) != 1:
            raise CaptureError(f"{self.family}: rows of one batch hold {counts} image tokens")
        return square_layout(int(counts[0]))

    def _tile_grid(self, input_ids: torch.Tensor) -> tuple[int, int] | None:
        """(rows, cols) of Idefics3-style tiles, read from the ``<row_i_col_j>`` markers of each row;
        (0, 0) for a film sent as the global view only; None when the processor does not tile."""
        if not hasattr(self.processor, "image_seq_len") or not hasattr(self.processor, "global_image_tag"):
            return None
        if not hasattr(self, "_tile_ids"):
            vocab = self.tokenizer.get_vocab()
            self._tile_ids = {vocab[f"<row_{r}_col_{c}>"]: (r, c) for r in range(1, 7) for c in range(1, 7)
                              if f"<row_{r}_col_{c}>" in vocab}
        grids = set()
        for row in input_ids.tolist():
            marks = [self._tile_ids[token] for token in row if token in self._tile_ids]
            grids.add((max(r for r, _ in marks), max(c for _, c in marks)) if marks else (0, 0))
        if len(grids) != 1:
            raise CaptureError(f"{self.family}: rows of one batch are tiled differently: {sorted(grids)}")
        return grids.pop()

    def compose(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> torch.Tensor:
        return encoded.layout.compose(grid_mass)

    def map_notes(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> list[dict]:
        layout = encoded.layout
        notes = [{"layout": layout.describe()} for _ in range(grid_mass.shape[0])]
        if layout.kind == "tiles" and len(layout.blocks) > 1:
            shares = layout.block_shares(grid_mass)["global"].tolist()
            for note, share in zip(notes, shares):
                note["global_view_share"] = float(share)  # spread evenly over the film on the grid: say how much
        return notes

    # -- batches of several film shapes -------------------------------------------------------------
    def evaluate(self, requests: list[Request], continuations=None, **kwargs):
        def run(indices: list[int]):
            part = [continuations[i] for i in indices] if continuations is not None else None
            return super(HFImageTextAdapter, self).evaluate([requests[i] for i in indices], continuations=part, **kwargs)

        return self._per_shape(requests, run)

    def generate(self, requests: list[Request], max_new_tokens: int = 16):
        return self._per_shape(requests, lambda indices: super(HFImageTextAdapter, self).generate([requests[i] for i in indices],
                                                                                                   max_new_tokens))

    @staticmethod
    def _per_shape(requests: list[Request], run) -> list:
        """``run(indices)`` on each film shape's requests, results back in request order."""
        parts: dict[tuple, list[int]] = {}
        for index, request in enumerate(requests):
            parts.setdefault(tuple(request.image.shape[:2]), []).append(index)
        results: list = [None] * len(requests)
        for indices in parts.values():
            for index, result in zip(indices, run(indices)):
                results[index] = result
        return results

    # -- shared prefix --------------------------------------------------------------------------------
    def prefix_batch(self, plan: PrefixPlan) -> tuple[dict, torch.Tensor | None]:
        prefix = prefix_inputs(plan, PER_TOKEN)
        if not self._mrope:
            return prefix, None
        positions, deltas = self.model.model.get_rope_index(
            prefix["input_ids"], mm_token_type_ids=prefix["mm_token_type_ids"], image_grid_thw=prefix["image_grid_thw"],
            attention_mask=prefix["attention_mask"])
        prefix["position_ids"] = positions
        return prefix, deltas.reshape(-1)


class Qwen2VLAdapter(HFImageTextAdapter):
    """Qwen2-VL (MedVLM-R1): the generic path, named."""

    family = "qwen2_vl"


class Qwen25VLAdapter(HFImageTextAdapter):
    """Qwen2.5-VL (Lingshu, HuatuoGPT-Vision-Qwen2.5VL): the generic path, named."""

    family = "qwen2_5_vl"


class Qwen3VLAdapter(HFImageTextAdapter):
    """Qwen3-VL (MedMO): the generic path, named.

    Qwen3-VL adds features of earlier vision blocks to the hidden states of its first decoder
    layers at the image positions (DeepStack; Meng et al. 2024, arXiv:2406.04334). The shared
    prefix holds every image token, so the prefix forward carries the pixels and the injection
    happens there; the cached keys and values of the image positions already include it, and the
    question tokens, which hold no image token, get none, exactly as in the full forward
    (checked in tests/models/test_generic_adapter.py)."""

    family = "qwen3_vl"


class Idefics3Adapter(HFImageTextAdapter):
    """Idefics3 / SmolVLM: the generic path, named."""

    family = "idefics3"
