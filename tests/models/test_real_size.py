"""Real-size models without a download: the released dimensions on the meta device (parameters,
depth, image grids), and the bf16 build made directly in bf16 (meta-device init, then
materialise) with every buffer as an ordinary construction makes it."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from vlmcore.models.families import all_families
from vlmcore.models.generic import _decoder_layers, uses_mrope
from vlmcore.models.image_layout import merged_patch_layout
from vlmcore.models.real_size import REAL_SIZE, materialise, model_class, real_config

#: (model, film shape) -> the token grid its released preprocessing gives: a square 1024 px film
#: and a MIMIC-sized 2544 x 3056 one (Qwen keeps the aspect; MedGemma and LLaVA resize to a fixed square)
GRIDS = {
    "medgemma-4b": {(1024, 1024): (16, 16), (2544, 3056): (16, 16)},
    "medvlm-r1": {(1024, 1024): (37, 37), (2544, 3056): (91, 109)},
    "lingshu-7b": {(1024, 1024): (37, 37), (2544, 3056): (91, 109)},
    "medmo-4b": {(1024, 1024): (32, 32), (2544, 3056): (80, 96)},
    "medmo-8b": {(1024, 1024): (32, 32), (2544, 3056): (80, 96)},
    "llava-7b": {(1024, 1024): (24, 24), (2544, 3056): (24, 24)},
}


def _grid(name, config, image_processor, shape):
    if name == "medgemma-4b":
        from vlmcore.models.medgemma import MedGemmaAdapter

        return MedGemmaAdapter.grid_from_config(config)
    if name == "llava-7b":
        from vlmcore.models.llava import LlavaAdapter

        return LlavaAdapter.grid_from_config(config)
    processed = image_processor(images=[np.zeros((*shape, 3), np.uint8)], return_tensors="pt")
    assert image_processor.patch_size == config.vision_config.patch_size  # preprocessing and vision tower agree
    return merged_patch_layout(processed["image_grid_thw"][0], config.vision_config.spatial_merge_size).grid


def test_every_real_size_model_is_a_registered_family():
    families = {spec.name for spec in all_families()}
    assert {model.family for model in REAL_SIZE.values()} <= families
    assert {"medgemma-4b", "medvlm-r1", "lingshu-7b", "medmo-4b", "medmo-8b"} <= set(REAL_SIZE)


@pytest.mark.parametrize("name", sorted(REAL_SIZE))
def test_real_size_model_on_the_meta_device(name):
    """Parameters within 2% of the model card's count, the released depth, and the image grid of
    the released preprocessing (for MedGemma also through the vision tower on the meta device)."""
    spec = REAL_SIZE[name]
    config = real_config(name)
    with torch.device("meta"):
        model = model_class(spec.family)(config)
    parameters = sum(p.numel() for p in model.parameters())
    assert parameters == pytest.approx(spec.published_parameters, rel=0.02), parameters
    layers = _decoder_layers(model) if name != "llava-7b" else model.model.language_model.layers
    assert len(layers) == spec.full_depth[0]
    assert uses_mrope(config) == spec.family.startswith("qwen")
    image_processor = spec.image_processor()
    for shape, grid in GRIDS[name].items():
        assert _grid(name, config, image_processor, shape) == grid, shape
    if name == "medgemma-4b":
        pixels = image_processor(images=[np.zeros((2544, 3056, 3), np.uint8)], return_tensors="pt")["pixel_values"]
        assert tuple(pixels.shape) == (1, 3, 896, 896)
        with torch.no_grad():
            features = model.model.get_image_features(pixels.to("meta")).pooler_output
        assert tuple(features.shape) == (1, 256, config.text_config.hidden_size)


def test_medmo_keeps_its_deepstack_taps_and_a_cut_model_keeps_one():
    full = real_config("medmo-8b")
    assert list(full.vision_config.deepstack_visual_indexes) == [8, 16, 24] and full.text_config.num_hidden_layers == 36
    cut = real_config("medmo-8b", text_layers=2, vision_layers=4)
    assert list(cut.vision_config.deepstack_visual_indexes) == [3] and cut.vision_config.depth == 4
    assert cut.text_config.hidden_size == full.text_config.hidden_size and cut.text_config.vocab_size == full.text_config.vocab_size


def test_a_cut_medgemma_keeps_a_sliding_and_a_global_layer():
    cut = real_config("medgemma-4b", text_layers=2, vision_layers=1)
    assert cut.text_config.layer_types == ["sliding_attention", "full_attention"]
    assert (cut.text_config.hidden_size, cut.text_config.vocab_size, cut.mm_tokens_per_image) == (2560, 262208, 256)


@pytest.mark.parametrize("family", sorted({model.family for model in REAL_SIZE.values()}))
def test_materialised_in_bf16_equals_an_ordinary_construction_in_every_buffer(family):
    """The family's tiny configuration made as the real-size builds are made (meta-device init,
    then storage in bf16 and transformers' own initialisation): every buffer
    (rotary frequencies, embedding scales, position ids) equals an ordinary construction's,
    every parameter is bf16 and finite with the ordinary initialisation's spread, tied heads stay tied."""
    from vlmcore.models.tiny import build_tiny

    tiny, _ = build_tiny(family)
    config = tiny.config
    built = materialise(type(tiny), config, dtype=torch.bfloat16)
    reference = type(tiny)._from_config(config, dtype=torch.bfloat16)
    expected = dict(reference.named_buffers())
    for name, buffer in built.named_buffers():
        assert buffer.dtype == expected[name].dtype and torch.equal(buffer, expected[name]), name
    reference_parameters = dict(reference.named_parameters())
    for name, parameter in built.named_parameters():
        assert parameter.dtype == torch.bfloat16 and torch.isfinite(parameter).all(), name
        spread = float(reference_parameters[name].detach().float().std()) if parameter.numel() > 64 else 0.0
        if spread > 1e-3:
            assert float(parameter.detach().float().std()) == pytest.approx(spread, rel=0.5), name
    assert _tied(built) == _tied(reference)


def _tied(model) -> bool:
    head = model.get_output_embeddings()
    return head is not None and head.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()


PEAK = '''
import json, sys, torch
from pathlib import Path
from vlmcore.models.real_size import build_real_size

def rss(field):
    line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(field))
    return int(line.split()[1]) * 1024

torch.set_num_threads(1)
from vlmcore.models.tiny import build_tiny
build_tiny("qwen2_vl")  # the imports (transformers' model code, tokenizers) before the measurement
before = rss("VmRSS:")
model, _ = build_real_size("medvlm-r1", dtype=torch.bfloat16, text_layers=1, vision_layers=1)
size = sum(p.numel() * p.element_size() for p in model.parameters())
print(json.dumps({"peak": rss("VmHWM:") - before, "bytes": size, "dtypes": sorted({str(p.dtype) for p in model.parameters()})}))
'''


def test_a_real_width_build_in_bf16_never_holds_an_fp32_copy():
    """MedVLM-R1 at real widths (151,936 x 1,536 embedding, 1,280-wide ViT), one layer each: the
    process's peak memory while building in bf16 stays under 1.3x the bf16 weights; a build in
    fp32 followed by a cast would peak at 3x (fp32 copy + bf16 copy)."""
    done = subprocess.run([sys.executable, "-c", PEAK], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["dtypes"] == ["torch.bfloat16"]
    assert figures["bytes"] > 5e8  # real widths: ~0.67 GB of bf16 weights
    assert figures["peak"] < 1.3 * figures["bytes"], figures
