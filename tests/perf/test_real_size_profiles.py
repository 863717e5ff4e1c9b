"""Real-size profiles: refused clearly where there is no CUDA; at real widths and reduced depth
they run on the CPU, give a map of the released grid, finite answers, and the engine agrees
with the padded eager peer."""

import math
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from vlmcore.errors import ConfigError
from vlmcore.perf import pipelines
from vlmcore.perf.profiles import PROFILES, build_adapter, get_profile

GPU_PROFILES = [name for name, profile in PROFILES.items() if profile.device == "cuda"]
no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")


@no_cuda
def test_every_gpu_profile_is_real_size_and_names_its_model():
    assert {"medgemma-4b", "qwen2_vl-2b", "qwen2_5_vl-7b", "qwen3_vl-8b"} <= set(GPU_PROFILES)
    assert all(PROFILES[name].real and PROFILES[name].reduction is None for name in GPU_PROFILES)


@no_cuda
@pytest.mark.parametrize("precision", ["bf16", "4bit"])
def test_a_gpu_profile_on_cpu_is_refused_with_a_reason_not_a_traceback(precision):
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf", "--profile", "medgemma-4b", "--precision", precision],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "profile medgemma-4b is a real-size model in bf16 and needs a CUDA GPU; this machine has none" in done.stderr
    assert "medgemma-4b-cpu runs it at real widths and reduced depth on the CPU" in done.stderr
    assert "Traceback" not in done.stderr and "AssertionError" not in done.stderr and not done.stdout


@no_cuda
@pytest.mark.parametrize("name", GPU_PROFILES)
def test_building_a_gpu_profile_without_cuda_builds_nothing(name, monkeypatch):
    import vlmcore.models.real_size as real_size

    monkeypatch.setattr(real_size, "build_real_size", lambda *a, **k: pytest.fail("a model was built before the refusal"))
    with pytest.raises(ConfigError, match="needs a CUDA GPU"):
        build_adapter(get_profile(name))


def test_quantization_on_a_cpu_profile_is_refused():
    with pytest.raises(ConfigError, match="8bit needs a CUDA GPU"):
        build_adapter(get_profile("tiny"), precision="8bit")
    with pytest.raises(ConfigError, match="expected one of bf16, 8bit, 4bit"):
        build_adapter(get_profile("tiny"), precision="fp8")


@pytest.mark.slow
@pytest.mark.parametrize("name,grid,tokens", [("medgemma-4b-cpu", (16, 16), 256), ("qwen2_5_vl-7b-cpu", (37, 37), 1369)])
def test_real_width_reduced_depth_profile_runs_on_cpu_and_the_engine_equals_the_peer(name, grid, tokens):
    """MedGemma-4B's widths (2,560 hidden, 262,208 vocabulary, SigLIP at 896 px -> 256 tokens) and
    Qwen2.5-VL-7B's (3,584 hidden, 152,064 vocabulary, a 1024 px film -> 1,369 tokens), a layer or
    two deep, fp32 on the CPU: the map has the released grid, every answer and map value is
    finite, and the shared-prefix engine equals one padded eager forward per group with
    ``output_attentions`` (answers identical, p(yes) and maps to 1e-4 / 1e-5)."""
    profile = get_profile(name)
    torch.manual_seed(0)
    started = time.perf_counter()
    adapter = build_adapter(profile)
    built = time.perf_counter() - started
    groups = pipelines.workload(profile)
    encoded = adapter.encode(groups[0][:1])
    assert encoded.image_positions.shape[1] == tokens
    started = time.perf_counter()
    engine = pipelines.run_engine(adapter, groups, with_maps=True)
    engine_seconds = time.perf_counter() - started
    maps = [result for _, result in adapter.evaluate(groups[0][:1])]
    assert maps[0].grid == grid and np.asarray(maps[0].values).shape == grid
    adapter.model.set_attn_implementation({"text_config": "eager"})  # the peer's output_attentions; the vision tower as before
    started = time.perf_counter()
    peer = pipelines.run_padded_eager(adapter, groups)
    peer_seconds = time.perf_counter() - started
    assert len(engine) == len(peer) == profile.groups * profile.variants_per_group
    for ours, theirs in zip(engine, peer):
        assert math.isfinite(ours["p_yes"]) and np.isfinite(ours["map"]).all() and len(ours["map"]) == tokens
        assert ours["answer"] == theirs["answer"]
        assert ours["p_yes"] == pytest.approx(theirs["p_yes"], abs=1e-4)
        np.testing.assert_allclose(ours["map"], theirs["map"], atol=1e-5)
    p_diff = max(abs(a["p_yes"] - b["p_yes"]) for a, b in zip(engine, peer))
    map_diff = max(float(np.abs(np.asarray(a["map"]) - np.asarray(b["map"])).max()) for a, b in zip(engine, peer))
    parameters = sum(p.numel() for p in adapter.model.parameters())
    print(f"\n{name}: {profile.build_description()}; {parameters / 1e9:.2f}B parameters, built in {built:.1f} s; "
          f"{len(engine)} variants: engine {engine_seconds:.1f} s, padded eager peer {peer_seconds:.1f} s "
          f"({peer_seconds / engine_seconds:.1f}x); engine vs peer: p(yes) {p_diff:.1e}, maps {map_diff:.1e}; "
          f"grid {grid}, {tokens} image tokens")
