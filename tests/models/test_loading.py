"""Loading from a local folder (offline, safetensors only), fingerprints, real-size configs."""

import numpy as np
import pytest
import torch

from tests.conftest import save_tiny_checkpoint
from vlmcore.errors import ConfigError
from vlmcore.models.loading import LoadSpec, WeightsUnavailable, load_adapter, quantization_config, resolve_checkpoint
from vlmcore.models.tiny import build_tiny


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2", "florence2", "qwen2_vl", "qwen2_5_vl", "qwen3_vl", "idefics3"])
def test_saved_tiny_checkpoint_loads_offline_with_same_scores(family, tmp_path, adapters, requests_four):
    save_tiny_checkpoint(tmp_path, family)
    loaded = load_adapter(LoadSpec(path=str(tmp_path), device="cpu"))
    assert loaded.family == family
    assert len(loaded.fingerprint) == 20
    expected = adapters(family).score_yes_no(requests_four[:2])
    got = loaded.score_yes_no(requests_four[:2])
    for a, b in zip(expected, got):
        assert a.p_yes == pytest.approx(b.p_yes, abs=1e-5)


def test_fingerprint_changes_with_weights_and_quantization(tmp_path):
    from vlmcore.models.fingerprint import checkpoint_fingerprint

    model, processor = build_tiny("llava")
    model.save_pretrained(tmp_path, safe_serialization=True)
    first = checkpoint_fingerprint(tmp_path, "float32", None)
    assert first == checkpoint_fingerprint(tmp_path, "float32", None)
    assert first != checkpoint_fingerprint(tmp_path, "float32", "8bit")
    assert first != checkpoint_fingerprint(tmp_path, "bfloat16", None)
    with torch.no_grad():
        model.lm_head.weight.add_(1.0)
    model.save_pretrained(tmp_path, safe_serialization=True)
    assert first != checkpoint_fingerprint(tmp_path, "float32", None)


def test_pickle_only_checkpoint_refused(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "llava"}')
    (tmp_path / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(WeightsUnavailable, match="safetensors"):
        load_adapter(LoadSpec(path=str(tmp_path), device="cpu"))


def test_absent_weights_say_how_to_provide_them(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(WeightsUnavailable, match="--vlm-model-path"):
        resolve_checkpoint(LoadSpec(family="medgemma"))


def test_quantization_needs_cuda():
    with pytest.raises(ConfigError, match="CUDA"):
        quantization_config("8bit", "cpu", torch.float32)
    with pytest.raises(ConfigError, match="expected one of"):
        quantization_config("3bit", "cpu", torch.float32)


def test_medgemma_4b_config_on_meta_device_has_256_tokens_on_16x16():
    from transformers import Gemma3ForConditionalGeneration

    from vlmcore.models.medgemma import MedGemmaAdapter
    from vlmcore.models.real_configs import medgemma_4b_config

    config = medgemma_4b_config()
    with torch.device("meta"):
        model = Gemma3ForConditionalGeneration(config)
    text = config.text_config
    assert (text.num_hidden_layers, text.num_attention_heads, text.num_key_value_heads) == (34, 8, 4)
    assert len(model.model.language_model.layers) == 34
    assert MedGemmaAdapter.grid_from_config(config) == (16, 16)
    assert config.mm_tokens_per_image == 256
    parameters = sum(p.numel() for p in model.parameters())
    assert 3.8e9 < parameters < 4.6e9, parameters


def test_qwen2_5_vl_7b_config_on_meta_device_and_its_grid_for_a_1024_film():
    from transformers import Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from vlmcore.models.generic import _decoder_layers, uses_mrope
    from vlmcore.models.image_layout import merged_patch_layout
    from vlmcore.models.real_configs import qwen2_5_vl_7b_config

    config = qwen2_5_vl_7b_config()
    with torch.device("meta"):
        model = Qwen2_5_VLForConditionalGeneration(config)
    assert len(_decoder_layers(model)) == 28 and uses_mrope(config)
    parameters = sum(p.numel() for p in model.parameters())
    assert 7.9e9 < parameters < 8.6e9, parameters
    released = Qwen2VLImageProcessorPil(min_pixels=3136, max_pixels=12845056)  # Qwen2.5-VL-7B-Instruct's preprocessor settings
    processed = released(images=[np.zeros((1024, 1024, 3), np.uint8)], return_tensors="pt")
    assert merged_patch_layout(processed["image_grid_thw"][0], config.vision_config.spatial_merge_size).grid == (37, 37)
    wide = released(images=[np.zeros((2544, 3056, 3), np.uint8)], return_tensors="pt")
    assert merged_patch_layout(wide["image_grid_thw"][0], 2).grid == (91, 109)  # a MIMIC-sized film keeps its aspect


def test_smolvlm_config_on_meta_device_and_its_tiles_for_a_1024_film():
    from transformers import Idefics3ForConditionalGeneration
    from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil

    from vlmcore.models.image_layout import tile_layout
    from vlmcore.models.real_configs import smolvlm_instruct_config

    config = smolvlm_instruct_config()
    with torch.device("meta"):
        model = Idefics3ForConditionalGeneration(config)
    parameters = sum(p.numel() for p in model.parameters())
    assert 2.0e9 < parameters < 2.5e9, parameters
    tokens_per_tile = (config.vision_config.image_size // config.vision_config.patch_size // config.scale_factor) ** 2
    assert tokens_per_tile == 81
    processor = Idefics3ImageProcessorPil(size={"longest_edge": 4 * 384}, max_image_size={"longest_edge": 384})
    processed = processor(images=[[np.zeros((1024, 1024, 3), np.uint8)]], return_row_col_info=True)
    layout = tile_layout(processed["rows"][0][0], processed["cols"][0][0], tokens_per_tile)
    assert layout.grid == (36, 36) and layout.tokens == 17 * 81


@pytest.mark.parametrize("image_size,grid", [(336, (24, 24)), (518, (37, 37))])
def test_llava_grids(image_size, grid):
    from vlmcore.models.llava import LlavaAdapter
    from vlmcore.models.real_configs import llava_7b_config

    config = llava_7b_config(image_size)
    assert LlavaAdapter.grid_from_config(config) == grid
    assert grid[0] * grid[1] in (576, 1369)


@pytest.mark.gpu
def test_medgemma_bf16_on_gpu_matches_fp32_answers():
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA: bf16 MedGemma path runs on a GPU runner only")
    from vlmcore.models import tiny_adapter
    from vlmcore.models.requests import Request

    cpu = tiny_adapter("medgemma")
    gpu = tiny_adapter("medgemma")
    gpu.model.to("cuda", torch.bfloat16)
    requests = [Request.of((np.random.default_rng(i).random((64, 64)) * 255).astype(np.uint8), "is there effusion ?") for i in range(4)]
    for a, b in zip(cpu.score_yes_no(requests), gpu.score_yes_no(requests)):
        assert a.p_yes == pytest.approx(b.p_yes, abs=2e-2)


@pytest.mark.gpu
@pytest.mark.parametrize("mode", ["8bit", "4bit"])
def test_quantized_load_on_gpu(mode, tmp_path):
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA and bitsandbytes: quantized loading runs on a GPU runner only")
    pytest.importorskip("bitsandbytes", reason="bitsandbytes is the 'gpu' extra: pip install -e '.[gpu]'")
    save_tiny_checkpoint(tmp_path, "llava")
    adapter = load_adapter(LoadSpec(path=str(tmp_path), device="cuda", quantization=mode))
    assert len(adapter.fingerprint) == 20
    from vlmcore.models.requests import Request

    (score, attention), = adapter.evaluate([Request.of(np.zeros((64, 64), np.uint8), "is there effusion ?")])
    assert 0 <= score.p_yes <= 1 and attention.values.std() > 0


def test_tiny_fingerprint_follows_the_weights():
    from vlmcore.models import tiny_adapter

    first, again, other = tiny_adapter("llava", seed=0), tiny_adapter("llava", seed=0), tiny_adapter("llava", seed=1)
    assert first.fingerprint == again.fingerprint != other.fingerprint


def test_digest_memo_survives_a_half_written_file_and_writes_atomically(tmp_path, monkeypatch):
    """Parallel workers share the memo: a truncated one (a writer mid-write) must not break a load."""
    from vlmcore.models import fingerprint

    monkeypatch.setattr(fingerprint, "_MEMO", tmp_path / "memo.json")
    weights = tmp_path / "w.safetensors"
    weights.write_bytes(b"weights")
    (tmp_path / "memo.json").write_text("")  # what a reader saw during a non-atomic write
    first = fingerprint.file_digest(weights)
    assert first == __import__("hashlib").sha256(b"weights").hexdigest()
    assert fingerprint._read_memo() and not list(tmp_path.glob("*.tmp"))


@pytest.fixture(scope="module")
def qwen_folder(saved_tiny_checkpoints):
    return saved_tiny_checkpoints("qwen2_5_vl", "tiny-qwen")


def test_hf_prefix_forces_the_generic_adapter_and_keeps_the_architecture_marker(qwen_folder):
    from vlmcore.models.loading import model_argument

    key, spec = model_argument(f"hf:{qwen_folder}", dtype="auto", quantization=None, device="cpu")
    assert key == "hf@tiny-qwen" and spec.family == "qwen2_5_vl"
    assert type(load_adapter(spec)).__name__ == "Qwen25VLAdapter"
    assert model_argument(str(qwen_folder), dtype="auto", quantization=None, device="cpu")[0] == "qwen2_5_vl@tiny-qwen"
    with pytest.raises(ConfigError, match="hf: needs a checkpoint folder"):
        model_argument("hf:", dtype="auto", quantization=None, device="cpu")


def test_a_folder_without_chat_template_or_image_token_is_a_usage_error_naming_both(qwen_folder, tmp_path):
    import json
    import shutil

    from vlmcore.models.loading import preflight

    broken = tmp_path / "broken"
    shutil.copytree(qwen_folder, broken)
    (broken / "chat_template.jinja").unlink()
    config = json.loads((broken / "config.json").read_text())
    config.pop("image_token_id", None)
    config.get("text_config", {}).pop("image_token_id", None)
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(ConfigError, match="lacks: an image token id .*; a chat template"):
        preflight(LoadSpec(family="hf", path=str(broken), device="cpu"))


def test_an_architecture_that_is_not_image_text_to_text_is_refused_by_name(tmp_path):
    import json

    from vlmcore.models.loading import family_of

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ConfigError, match="'bert' is not an image-text-to-text architecture"):
        family_of(tmp_path, "hf")
    with pytest.raises(ConfigError, match="'bert' is neither a supported family"):
        family_of(tmp_path, None)
