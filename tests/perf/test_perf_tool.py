"""``python -m vlmcore.perf --profile tiny`` runs the engine and every peer and reports agreement.

No timing threshold here (machines are noisy): ratios are measured side by side by the tool
itself; this test checks that it runs and that both pipelines agree."""

import json
import subprocess

import pytest
import sys


def test_tiny_profile_runs_both_pipelines_and_they_agree(tmp_path):
    out = tmp_path / "perf.json"
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf", "--profile", "tiny", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "capture peak-memory overhead:" in done.stdout
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("speed-up vs strongest peer with maps: ") and last.endswith("x")
    figures = json.loads(out.read_text())
    assert figures["strongest_peer"] in ("seed", "padded-eager", "generate-batched", "hf-prefix-cache")
    assert float(last.split(": ")[1].rstrip("x")) == pytest.approx(figures["speedup_vs_strongest"], abs=0.05)
    for peer, agreement in figures["agreement"].items():
        assert agreement["answers_identical"] is True, peer
        assert agreement["max_p_yes_diff"] <= 1e-4, peer
        if peer in ("seed", "padded-eager", "generate-batched", "hf-prefix-cache"):
            assert agreement["max_map_diff"] <= 1e-5, peer
    assert set(figures["runs"]) == {"seed", "padded-eager", "generate-batched", "hf-prefix-cache", "sdpa-per-variant", "engine",
                                    "engine-no-capture"}
    assert all(run["variants"] == 12 for run in figures["runs"].values())


def test_suffix_packing_compares_dense_and_segmented_in_one_run(tmp_path):
    """``--suffix-packing``: both ways side by side at short and long questions, equal results."""
    out = tmp_path / "packing.json"
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf", "--profile", "tiny", "--suffix-packing", "--repeats", "1",
                           "--extra-tokens", "32", "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith("long / short questions, cold: dense ")
    figures = json.loads(out.read_text())["figures"]
    assert set(figures) == {"short", "long"}
    assert figures["long"]["question_tokens"] == pytest.approx(figures["short"]["question_tokens"] + 32, abs=2)
    for measured in figures.values():
        assert measured["answers_identical"] is True
        assert measured["max_p_yes_diff"] <= 1e-5 and measured["max_map_diff"] <= 1e-5
        assert set(measured["ms_per_variant"]) == {"dense cold", "dense suffix", "segments cold", "segments suffix"}
        assert set(measured["peak_mb"]) == {"dense", "segments"}


def test_generation_compares_prefix_generation_with_generate_in_one_run(tmp_path):
    out = tmp_path / "generation.json"
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf", "--profile", "tiny", "--generation", "--repeats", "1",
                           "--max-new-tokens", "6", "--json", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["identical"] == {"generate": True, "from prefix, cold": True, "from prefix, after scoring": True}
    assert set(figures["ms_per_variant"]) == set(figures["identical"]) and figures["variants"] == 12
    assert "from prefix, after scoring" in done.stdout
