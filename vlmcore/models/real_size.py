"""Real-size models with random weights, built offline: the released models' dimensions.

One ``RealSizeModel`` per released architecture the 2026 medical models sit on: its family,
the checkpoints with these dimensions, the configuration (``vlmcore.models.real_configs``), the
released image preprocessing and the published parameter count. They serve the meta-device
checks (parameters, layers and image grids without allocating a byte), the GPU performance
profiles and the real-width reduced-depth CPU profiles.

``build_real_size`` makes the model on the meta device (no storage) and then materialises it
directly in the target dtype on the target device, where transformers' own initialisation
fills every parameter and recomputes every buffer (rotary frequencies, embedding scales): a
bf16 MedGemma-4B on a GPU never has an fp32 copy (before: ~17 GB fp32 on the GPU, then a cast)
and never a CPU copy. The prompt side is the family's code-built tokenizer with the real
special tokens; the configuration's special-token ids are bound to that tokenizer's ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from vlmcore.errors import ConfigError


@dataclass(frozen=True)
class RealSizeModel:
    name: str
    family: str
    releases: tuple[str, ...]  # hub ids of released checkpoints with these dimensions (their model cards)
    config: Callable  # (text_layers=..., vision_layers=...) -> the transformers config
    image_processor: Callable  # () -> the released checkpoints' image preprocessing
    published_parameters: float  # what the model card states, for the meta-device check
    full_depth: tuple[int, int]  # (text layers, vision layers) of the released model


def _gemma3_896():
    from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

    return Gemma3ImageProcessorPil(size={"height": 896, "width": 896})


def _qwen_patches(patch: int, **settings):
    def make():
        from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

        return Qwen2VLImageProcessorPil(patch_size=patch, temporal_patch_size=2, merge_size=2, **settings)

    return make


def _clip_336():
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    return CLIPImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336})


def _configs():
    from vlmcore.models import real_configs

    return real_configs


#: Qwen2-VL / Qwen2.5-VL preprocessing as released: 3,136 to 12,845,056 pixels, patch 14 (a 1024 px film: 37 x 37 tokens)
_QWEN2_PIXELS = dict(min_pixels=3136, max_pixels=12845056)
#: Qwen3-VL preprocessing as released: 65,536 to 16,777,216 pixels, patch 16, mean / std 0.5 (a 1024 px film: 32 x 32 tokens)
_QWEN3_PIXELS = dict(min_pixels=65536, max_pixels=16777216, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])

REAL_SIZE: dict[str, RealSizeModel] = {model.name: model for model in (
    RealSizeModel("medgemma-4b", "medgemma", ("google/medgemma-4b-it", "google/medgemma-1.5-4b-it"),
                  lambda **depth: _configs().medgemma_4b_config(**depth), _gemma3_896, 4.3e9, (34, 27)),
    RealSizeModel("medvlm-r1", "qwen2_vl", ("JZPeterPan/MedVLM-R1", "Qwen/Qwen2-VL-2B-Instruct"),
                  lambda **depth: _configs().qwen2_vl_2b_config(**depth), _qwen_patches(14, **_QWEN2_PIXELS), 2.21e9, (28, 32)),
    RealSizeModel("lingshu-7b", "qwen2_5_vl", ("lingshu-medical-mllm/Lingshu-7B", "Qwen/Qwen2.5-VL-7B-Instruct"),
                  lambda **depth: _configs().qwen2_5_vl_7b_config(**depth), _qwen_patches(14, **_QWEN2_PIXELS), 8.29e9, (28, 32)),
    RealSizeModel("medmo-4b", "qwen3_vl", ("MBZUAI/MedMO-4B", "Qwen/Qwen3-VL-4B-Instruct"),
                  lambda **depth: _configs().qwen3_vl_config("4b", **depth), _qwen_patches(16, **_QWEN3_PIXELS), 4.44e9, (36, 24)),
    RealSizeModel("medmo-8b", "qwen3_vl", ("MBZUAI/MedMO-8B-Next", "Qwen/Qwen3-VL-8B-Instruct"),
                  lambda **depth: _configs().qwen3_vl_config("8b", **depth), _qwen_patches(16, **_QWEN3_PIXELS), 8.77e9, (36, 27)),
    RealSizeModel("llava-7b", "llava", ("llava-hf/llava-1.5-7b-hf",),
                  lambda **depth: _configs().llava_7b_config(**depth), _clip_336, 7.06e9, (32, 24)),
)}


def real_size_model(name: str) -> RealSizeModel:
    if name not in REAL_SIZE:
        raise ConfigError(f"unknown real-size model {name!r}; known: {sorted(REAL_SIZE)}")
    return REAL_SIZE[name]


def real_config(name: str, text_layers: int | None = None, vision_layers: int | None = None):
    """The configuration of ``name``, at full depth or cut to the given layer counts (every width kept)."""
    model = real_size_model(name)
    depth = {}
    if text_layers is not None:
        depth["text_layers"] = text_layers
    if vision_layers is not None:
        depth["vision_layers"] = vision_layers
    return model.config(**depth)


def model_class(family: str):
    import transformers

    from vlmcore.models.families import family_spec

    return getattr(transformers, family_spec(family).model_class)


def materialise(model_class_, config, *, device: str = "cpu", dtype=None, seed: int = 0):
    """``model_class_(config)`` made on the meta device, then given storage directly in ``dtype`` on
    ``device`` and initialised there by transformers' own initialisation (random weights, every
    buffer recomputed); matrices initialised at ~0 get seeded noise (``reseed_vanishing``)."""
    import torch

    from vlmcore.models.tiny.builders import reseed_vanishing

    dtype = dtype or torch.float32
    with torch.device("meta"):
        model = model_class_._from_config(config, dtype=dtype)
    _allocate(model, torch.device(device))
    torch.manual_seed(seed)
    model.initialize_weights()
    model.tie_weights()
    return reseed_vanishing(model.eval(), seed + 1, scale=getattr(config.get_text_config(), "initializer_range", 0.02))


def _allocate(model, device) -> None:
    """Uninitialised storage on ``device`` for every parameter and buffer, shared ones once.

    ``Module.to_empty`` gives each module its own copy of a shared (tied) parameter, so a tied
    output head would briefly hold a second vocabulary-sized matrix (+1.3 GB for MedGemma in
    bf16) until the weights are tied again; here a parameter object shared by several modules
    gets one storage, shared as before."""
    import torch

    made: dict[int, torch.Tensor] = {}
    for module in model.modules():
        for slots, as_parameter in ((module._parameters, True), (module._buffers, False)):
            for name, tensor in list(slots.items()):
                if tensor is None:
                    continue
                if id(tensor) not in made:
                    empty = torch.empty_like(tensor, device=device)
                    made[id(tensor)] = torch.nn.Parameter(empty, requires_grad=tensor.requires_grad) if as_parameter else empty
                slots[name] = made[id(tensor)]


def real_size_inputs(name: str, *, text_layers: int | None = None, vision_layers: int | None = None,
                     tie_embeddings: bool = False):
    """(config, processor) of ``name``: the configuration at the chosen depth, bound to the family's
    code-built tokenizer (real special tokens) and the released image preprocessing.

    ``tie_embeddings`` shares the output head with the input embedding (a reduced CPU build of an
    untied model: half the vocabulary memory, every width unchanged)."""
    from vlmcore.models.tiny import build_tiny

    spec = real_size_model(name)
    config = real_config(name, text_layers, vision_layers)
    if tie_embeddings:
        config.tie_word_embeddings = True
    _, processor = build_tiny(spec.family)
    processor.image_processor = spec.image_processor()
    _BIND_TOKENS[spec.family](config, processor)
    return config, processor


def build_real_size(name: str, *, device: str = "cpu", dtype=None, seed: int = 0, **depth):
    """(model, processor) of ``name`` with random weights, materialised in ``dtype`` on ``device``
    (``depth``: ``real_size_inputs``'s text_layers / vision_layers / tie_embeddings)."""
    config, processor = real_size_inputs(name, **depth)
    return materialise(model_class(real_size_model(name).family), config, device=device, dtype=dtype, seed=seed), processor


def _bind_gemma3(config, processor) -> None:
    ids = processor.tokenizer.convert_tokens_to_ids
    config.image_token_id = ids("<image_soft_token>")
    config.boi_token_id, config.eoi_token_id = ids("<start_of_image>"), ids("<end_of_image>")
    tiny_run = processor.tokenizer.image_token * processor.image_seq_length
    processor.image_seq_length = config.mm_tokens_per_image
    processor.full_image_sequence = processor.full_image_sequence.replace(tiny_run, processor.tokenizer.image_token * config.mm_tokens_per_image)


def _bind_qwen(config, processor) -> None:
    from vlmcore.models.tiny.builders import qwen_token_ids

    for key, value in qwen_token_ids(processor.tokenizer).items():
        setattr(config, key, value)


def _bind_llava(config, processor) -> None:
    config.image_token_id = processor.tokenizer.convert_tokens_to_ids("<image>")
    processor.patch_size = config.vision_config.patch_size


_BIND_TOKENS: dict[str, Callable] = {"medgemma": _bind_gemma3, "qwen2_vl": _bind_qwen, "qwen2_5_vl": _bind_qwen,
                                     "qwen3_vl": _bind_qwen, "llava": _bind_llava}
