"""Config + processor recipes for the tiny models (one function per family).

``TinySize`` scales every family together: the ``tiny`` size is CI-sized, ``medium`` has
hundreds of image tokens so CPU timings mean something (see ``vlmcore.perf``).
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.models.tiny.vocabulary import NO_EXTENSION, VocabularyExtension, build_tokenizer


@dataclass(frozen=True)
class TinySize:
    image: int = 64  # pixels
    patch: int = 8  # vision patch size -> (image / patch)^2 patches
    hidden: int = 64
    layers: int = 4
    heads: int = 4
    kv_heads: int = 2
    vision_hidden: int = 32
    vision_layers: int = 1
    init_std: float = 0.2  # above the usual 0.02 so random tiny models give input-dependent answers; small enough that fp32 eager and SDPA agree to 1e-5


TINY = TinySize()


def _with_init_std(config, std: float):
    """Set ``initializer_range`` on the config and every sub-config that has one."""
    for candidate in [config] + [getattr(config, key) for key in getattr(config, "sub_configs", {}) if getattr(config, key, None)]:
        if hasattr(candidate, "initializer_range"):
            candidate.initializer_range = std
        if hasattr(candidate, "init_std"):
            candidate.init_std = std
    return config


def _seeded(model_class, config, seed: int, init_std: float):
    """Build with seeded random weights. Some families initialise a weight matrix at or near
    zero (Gemma3's multimodal projector; BLIP-2's ViT, whose initializer_range is 1e-10):
    left so, the image would have no effect on the answer at all, so every such matrix gets
    seeded noise too."""
    import torch

    torch.manual_seed(seed)
    model = model_class(_with_init_std(config, init_std)).eval()
    return reseed_vanishing(model, seed + 1)


def reseed_vanishing(model, seed: int, scale: float = 0.05):
    """Seeded noise (std ``scale``) into every weight matrix initialised at or near zero, so the
    image reaches the answer (see ``_seeded``); the noise is drawn on the CPU in float32, so it is
    the same on every device and dtype."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.ndim < 2:
                continue
            low, high = torch.aminmax(parameter)  # no full-size temporary (a 262k-row embedding is GBs)
            if max(-float(low), float(high)) < 1e-6:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * scale)
    return model


def build_medgemma(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration, Gemma3Processor
    from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

    special = ["<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "<start_of_image>", "<end_of_image>",
               "<image_soft_token>"]
    tokenizer = build_tokenizer(special, dict(bos_token="<bos>", eos_token="<eos>", pad_token="<pad>", unk_token="<unk>"),
                                {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>", "image_token": "<image_soft_token>"},
                                extension=extension)
    template = (
        "{{ bos_token }}{% for message in messages %}<start_of_turn>{{ 'model' if message['role'] == 'assistant' else message['role'] }}\n"
        "{% for item in message['content'] %}{% if item['type'] == 'image' %}<start_of_image>{% else %}{{ item['text'] }}{% endif %}"
        "{% endfor %}<end_of_turn>\n{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
    )
    patches_per_side = size.image // size.patch
    tokens_per_side = max(1, patches_per_side // 2)  # Gemma3 pools patches 2x2 into image tokens here
    image_processor = Gemma3ImageProcessorPil(size={"height": size.image, "width": size.image})
    processor = Gemma3Processor(image_processor=image_processor, tokenizer=tokenizer, chat_template=template,
                                image_seq_length=tokens_per_side ** 2)
    ids = tokenizer.convert_tokens_to_ids
    config = Gemma3Config(
        text_config=dict(vocab_size=len(tokenizer), hidden_size=size.hidden, intermediate_size=2 * size.hidden,
                         num_hidden_layers=size.layers, num_attention_heads=size.heads, num_key_value_heads=size.kv_heads,
                         head_dim=size.hidden // size.heads, max_position_embeddings=4096, sliding_window=4096,
                         pad_token_id=ids("<pad>"), bos_token_id=ids("<bos>"), eos_token_id=ids("<eos>")),
        vision_config=dict(hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden,
                           num_hidden_layers=size.vision_layers, num_attention_heads=2, image_size=size.image, patch_size=size.patch),
        mm_tokens_per_image=tokens_per_side ** 2, image_token_id=ids("<image_soft_token>"), boi_token_id=ids("<start_of_image>"),
        eoi_token_id=ids("<end_of_image>"), pad_token_id=ids("<pad>"), bos_token_id=ids("<bos>"), eos_token_id=ids("<eos>"),
    )
    return _seeded(Gemma3ForConditionalGeneration, config, seed, size.init_std), processor


def build_llava(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    from transformers import LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    tokenizer = build_tokenizer(["<unk>", "<s>", "</s>", "<pad>", "<image>"],
                                dict(unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="<pad>"), {"image_token": "<image>"},
                                extension=extension)
    image_processor = CLIPImageProcessorPil(size={"shortest_edge": size.image}, crop_size={"height": size.image, "width": size.image})
    processor = LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=size.patch,
                               vision_feature_select_strategy="default", image_token="<image>", num_additional_image_tokens=1)
    config = LlavaConfig(
        vision_config=dict(model_type="clip_vision_model", hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden,
                           num_hidden_layers=max(2, size.vision_layers), num_attention_heads=2, image_size=size.image,
                           patch_size=size.patch, projection_dim=size.vision_hidden),
        text_config=dict(model_type="llama", vocab_size=len(tokenizer), hidden_size=size.hidden, intermediate_size=2 * size.hidden,
                         num_hidden_layers=size.layers, num_attention_heads=size.heads, num_key_value_heads=size.kv_heads,
                         max_position_embeddings=4096, pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id),
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"), vision_feature_layer=-2, vision_feature_select_strategy="default",
    )
    return _seeded(LlavaForConditionalGeneration, config, seed, size.init_std), processor


def build_blip2(size: TinySize = TINY, seed: int = 0, num_query_tokens: int = 8,
                extension: VocabularyExtension = NO_EXTENSION):
    from transformers import Blip2Config, Blip2ForConditionalGeneration, Blip2Processor
    from transformers.models.blip.image_processing_pil_blip import BlipImageProcessorPil

    tokenizer = build_tokenizer(["<pad>", "</s>", "<unk>", "<image>"],
                                dict(unk_token="<unk>", bos_token="</s>", eos_token="</s>", pad_token="<pad>"), extension=extension)
    processor = Blip2Processor(image_processor=BlipImageProcessorPil(size={"height": size.image, "width": size.image}),
                               tokenizer=tokenizer, num_query_tokens=num_query_tokens)
    config = Blip2Config(
        vision_config=dict(hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden, num_hidden_layers=size.vision_layers,
                           num_attention_heads=2, image_size=size.image, patch_size=size.patch),
        qformer_config=dict(hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden, num_hidden_layers=2,
                            num_attention_heads=2, encoder_hidden_size=size.vision_hidden, cross_attention_frequency=1, vocab_size=64),
        text_config=dict(model_type="opt", vocab_size=len(tokenizer), hidden_size=size.hidden, ffn_dim=2 * size.hidden,
                         num_hidden_layers=size.layers, num_attention_heads=size.heads, word_embed_proj_dim=size.hidden,
                         max_position_embeddings=4096, pad_token_id=0, bos_token_id=1, eos_token_id=1),
        num_query_tokens=num_query_tokens, image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
    )
    return _seeded(Blip2ForConditionalGeneration, config, seed, size.init_std), processor


def build_florence2(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    from transformers import Florence2Config, Florence2ForConditionalGeneration, Florence2Processor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    tokenizer = build_tokenizer(["<s>", "<pad>", "</s>", "<unk>", "<image>"],
                                dict(unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="<pad>"), {"image_token": "<image>"},
                                padding_side="right", extension=extension)
    side = size.image // 16  # two stages of stride 4
    image_processor = CLIPImageProcessorPil(size={"height": size.image, "width": size.image}, do_center_crop=False,
                                            crop_size={"height": size.image, "width": size.image}, image_seq_length=side * side + 1)
    processor = Florence2Processor(image_processor=image_processor, tokenizer=tokenizer)
    config = Florence2Config(
        # non-overlapping 4 x 4 patch embeddings at both stages: token (i, j) is exactly film cell (i, j) of the
        # 16 px grid (kernels 7 / 3 with padding 3 / 1 centred each token on its cell's corner, half a cell off)
        vision_config=dict(depths=[1, 1], patch_size=[4, 4], patch_stride=[4, 4], patch_padding=[0, 0], patch_prenorm=[False, True],
                           embed_dim=[16, size.vision_hidden], num_heads=[2, 4], num_groups=[2, 4], window_size=4,
                           projection_dim=size.hidden, drop_path_rate=0.0),
        text_config=dict(vocab_size=len(tokenizer), d_model=size.hidden, encoder_layers=size.layers, decoder_layers=size.layers,
                         encoder_attention_heads=size.heads, decoder_attention_heads=size.heads, encoder_ffn_dim=2 * size.hidden,
                         decoder_ffn_dim=2 * size.hidden, max_position_embeddings=4096, pad_token_id=1, bos_token_id=0,
                         eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=None),
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
    )
    return _seeded(Florence2ForConditionalGeneration, config, seed, size.init_std), processor


QWEN_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>",
                "<|video_pad|>", "<unk>"]
#: the Qwen chat format (Qwen2-VL, Qwen2.5-VL and Qwen3-VL alike): the image opens the user turn
QWEN_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{% for item in message['content'] %}"
    "{% if item['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% else %}{{ item['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _qwen_processor(processor_class, size: TinySize, merge: int = 2, extension: VocabularyExtension = NO_EXTENSION,
                    **image_settings):
    """A Qwen-style processor: the code-built tokenizer with the real special tokens, the chat
    template, and the dynamic-resolution image processor (films keep their aspect, in multiples of
    patch x merge, between 4 and (2 x image)^2 merged cells' worth of pixels)."""
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from vlmcore.models.processors import assemble_processor

    tokenizer = build_tokenizer(QWEN_SPECIAL, dict(eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token="<unk>"),
                                {"image_token": "<|image_pad|>", "video_token": "<|video_pad|>"}, extension=extension)
    factor = size.patch * merge
    image_processor = Qwen2VLImageProcessorPil(patch_size=size.patch, temporal_patch_size=2, merge_size=merge,
                                               min_pixels=4 * factor * factor, max_pixels=(2 * size.image) ** 2, **image_settings)
    return assemble_processor(processor_class, image_processor=image_processor, tokenizer=tokenizer, chat_template=QWEN_TEMPLATE)


def qwen_token_ids(tokenizer) -> dict:
    ids = tokenizer.convert_tokens_to_ids
    return dict(image_token_id=ids("<|image_pad|>"), video_token_id=ids("<|video_pad|>"), vision_start_token_id=ids("<|vision_start|>"),
                vision_end_token_id=ids("<|vision_end|>"))


def _qwen_text(size: TinySize, tokenizer, **extra) -> dict:
    ids = tokenizer.convert_tokens_to_ids
    return dict(vocab_size=len(tokenizer), hidden_size=size.hidden, intermediate_size=2 * size.hidden, num_hidden_layers=size.layers,
                num_attention_heads=size.heads, num_key_value_heads=size.kv_heads, max_position_embeddings=4096,
                pad_token_id=ids("<|endoftext|>"), bos_token_id=None, eos_token_id=ids("<|im_end|>"), **extra)


def _mrope_section(size: TinySize) -> list[int]:
    """Temporal, height and width shares of the rotary half (real models: 16/24/24 of 64)."""
    half = size.hidden // size.heads // 2
    quarter = half // 4
    return [half - 2 * (quarter + 1), quarter + 1, quarter + 1]


def build_qwen2_vl(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    """Qwen2-VL (MedVLM-R1's architecture): dynamic resolution, 2x2 patch merge, a ViT with full
    attention in every block, 3-D rotary positions (mrope)."""
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLProcessor

    processor = _qwen_processor(Qwen2VLProcessor, size, extension=extension)
    tokenizer = processor.tokenizer
    config = Qwen2VLConfig(
        text_config=_qwen_text(size, tokenizer, rope_scaling={"type": "mrope", "mrope_section": _mrope_section(size)}),
        vision_config=dict(depth=max(2, size.vision_layers), embed_dim=size.vision_hidden, hidden_size=size.hidden, mlp_ratio=2,
                           num_heads=2, patch_size=size.patch, spatial_merge_size=2, temporal_patch_size=2),
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, **qwen_token_ids(tokenizer),
    )
    return _seeded(Qwen2VLForConditionalGeneration, config, seed, size.init_std), processor


def build_qwen2_5_vl(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    """Qwen2.5-VL: dynamic resolution (a film keeps its aspect, in multiples of patch x merge),
    2x2 patch merge, windowed vision attention, 3-D rotary positions (mrope)."""
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor

    processor = _qwen_processor(Qwen2_5_VLProcessor, size, extension=extension)
    tokenizer = processor.tokenizer
    factor = size.patch * 2
    config = Qwen2_5_VLConfig(
        text_config=_qwen_text(size, tokenizer, rope_scaling={"type": "mrope", "mrope_section": _mrope_section(size)}),
        vision_config=dict(depth=max(2, size.vision_layers), hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden,
                           num_heads=2, out_hidden_size=size.hidden, patch_size=size.patch, spatial_merge_size=2,
                           temporal_patch_size=2, window_size=2 * factor, fullatt_block_indexes=[max(2, size.vision_layers) - 1]),
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, **qwen_token_ids(tokenizer),
    )
    return _seeded(Qwen2_5_VLForConditionalGeneration, config, seed, size.init_std), processor


def build_qwen3_vl(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    """Qwen3-VL (MedMO's architecture): a ViT with learned position embeddings resampled to each
    film's grid, 2x2 patch merge, interleaved 3-D rotary positions, and DeepStack: features of
    earlier vision blocks added to the hidden states of the first decoder layers at the image
    positions (here two of them, after decoder layers 0 and 1)."""
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration, Qwen3VLProcessor

    processor = _qwen_processor(Qwen3VLProcessor, size, extension=extension, image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])
    tokenizer = processor.tokenizer
    head_dim = size.hidden // size.heads
    depth = max(3, size.vision_layers)
    config = Qwen3VLConfig(
        text_config=_qwen_text(size, tokenizer, head_dim=head_dim, rope_parameters={
            "rope_type": "default", "rope_theta": 5000000.0, "mrope_section": _mrope_section(size), "mrope_interleaved": True}),
        vision_config=dict(depth=depth, hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden, num_heads=2,
                           out_hidden_size=size.hidden, patch_size=size.patch, spatial_merge_size=2, temporal_patch_size=2,
                           num_position_embeddings=(size.image // size.patch) ** 2, deepstack_visual_indexes=[0, depth - 2]),
        **qwen_token_ids(tokenizer),
    )
    return _seeded(Qwen3VLForConditionalGeneration, config, seed, size.init_std), processor


def build_idefics3(size: TinySize = TINY, seed: int = 0, extension: VocabularyExtension = NO_EXTENSION):
    """Idefics3 (SmolVLM): the film resized, cut into tiles of the encoder's size plus a global
    view, each tile pixel-shuffled (scale 2) into ``(tile / patch / 2)^2`` tokens."""
    from transformers import Idefics3Config, Idefics3ForConditionalGeneration, Idefics3Processor
    from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil

    tiles = [f"<row_{i + 1}_col_{j + 1}>" for i in range(6) for j in range(6)]
    special = ["<|endoftext|>", "<|im_start|>", "<end_of_utterance>", "<fake_token_around_image>", "<global-img>", "<image>",
               "<unk>"] + tiles
    tokenizer = build_tokenizer(special, dict(bos_token="<|im_start|>", eos_token="<end_of_utterance>", pad_token="<|endoftext|>",
                                              unk_token="<unk>"), {"image_token": "<image>"}, extension=extension)
    template = (
        "<|im_start|>{% for message in messages %}{{ message['role'] | capitalize }}:{% for item in message['content'] %}"
        "{% if item['type'] == 'image' %}<image>{% else %}{{ item['text'] }}{% endif %}{% endfor %}<end_of_utterance>\n"
        "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
    )
    scale = 2
    tokens_per_tile = (size.image // size.patch // scale) ** 2
    image_processor = Idefics3ImageProcessorPil(size={"longest_edge": 2 * size.image}, max_image_size={"longest_edge": size.image},
                                                do_image_splitting=True)
    processor = Idefics3Processor(image_processor=image_processor, tokenizer=tokenizer, image_seq_len=tokens_per_tile,
                                  chat_template=template)
    ids = tokenizer.convert_tokens_to_ids
    config = Idefics3Config(
        text_config=dict(model_type="llama", vocab_size=len(tokenizer), hidden_size=size.hidden, intermediate_size=2 * size.hidden,
                         num_hidden_layers=size.layers, num_attention_heads=size.heads, num_key_value_heads=size.kv_heads,
                         max_position_embeddings=4096, pad_token_id=ids("<|endoftext|>"), bos_token_id=ids("<|im_start|>"),
                         eos_token_id=ids("<end_of_utterance>")),
        vision_config=dict(hidden_size=size.vision_hidden, intermediate_size=2 * size.vision_hidden, num_hidden_layers=size.vision_layers,
                           num_attention_heads=2, image_size=size.image, patch_size=size.patch),
        image_token_id=ids("<image>"), scale_factor=scale, pad_token_id=ids("<|endoftext|>"),
    )
    return _seeded(Idefics3ForConditionalGeneration, config, seed, size.init_std), processor
