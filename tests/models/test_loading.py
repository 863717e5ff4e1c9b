"""Loading from a local folder (offline, safetensors only), fingerprints, real-size configs."""

import numpy as np
import pytest
import torch

from vlmcore.errors import ConfigError
from vlmcore.models.loading import LoadSpec, WeightsUnavailable, load_adapter, quantization_config, resolve_checkpoint
from vlmcore.models.tiny import build_tiny


@pytest.mark.parametrize("family", ["medgemma", "llava", "blip2", "florence2"])
def test_saved_tiny_checkpoint_loads_offline_with_same_scores(family, tmp_path, adapters, requests_four):
    model, processor = build_tiny(family)
    model.save_pretrained(tmp_path, safe_serialization=True)
    processor.save_pretrained(tmp_path)
    loaded = load_adapter(LoadSpec(path=str(tmp_path), device="cpu"))
    assert loaded.family == family
    assert len(loaded.fingerprint) == 20
    expected = adapters(family).score_yes_no(requests_four[:2])
    got = loaded.score_yes_no(requests_four[:2])
    for a, b in zip(expected, got):
        assert a.p_yes == pytest.approx(b.p_yes, abs=1e-5)


def test_fingerprint_changes_with_weights_and_quantization(tmp_path):
    from vlmcore.models.fingerprint import model_fingerprint

    model, processor = build_tiny("llava")
    model.save_pretrained(tmp_path, safe_serialization=True)
    config = (tmp_path / "config.json").read_text()
    weights = list(tmp_path.glob("*.safetensors"))
    first = model_fingerprint(config, weights, "float32", None)
    assert first == model_fingerprint(config, weights, "float32", None)
    assert first != model_fingerprint(config, weights, "float32", "8bit")
    assert first != model_fingerprint(config, weights, "bfloat16", None)
    with torch.no_grad():
        model.lm_head.weight.add_(1.0)
    model.save_pretrained(tmp_path, safe_serialization=True)
    assert first != model_fingerprint(config, list(tmp_path.glob("*.safetensors")), "float32", None)


def test_pickle_only_checkpoint_refused(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "llava"}')
    (tmp_path / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(WeightsUnavailable, match="safetensors"):
        load_adapter(LoadSpec(path=str(tmp_path), device="cpu"))


def test_absent_weights_say_how_to_provide_them(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(WeightsUnavailable, match="--model-path"):
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
    model, processor = build_tiny("llava")
    model.save_pretrained(tmp_path, safe_serialization=True)
    processor.save_pretrained(tmp_path)
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
