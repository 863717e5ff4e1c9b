"""``pytest benchmarks -m qwen3_vl`` (and ``-m qwen2_vl``) as a user runs it, on the family's tiny
build saved as a checkpoint folder by ``python -m vlmcore.models.tiny``: the family is found by
its ``model_type``, the processor loads image-only offline, every selected case is evaluated on
the dynamic-resolution grid, and the verdict and exit code say what the random weights earn."""

import subprocess
import sys

import pytest

from tests.plugin.conftest import read_results, read_summary, run_suite

CASES = "test_group_accuracy or test_group_consistency"


@pytest.mark.parametrize("family", ["qwen2_vl", "qwen3_vl"])
def test_the_family_marker_runs_the_benchmark_on_the_saved_tiny_build(family, pytester, tmp_path, monkeypatch):
    folder = tmp_path / f"tiny-{family}"
    saved = subprocess.run([sys.executable, "-m", "vlmcore.models.tiny", family, str(folder)], capture_output=True, text=True)
    assert saved.returncode == 0, saved.stderr[-2000:]
    assert (folder / "config.json").is_file() and list(folder.glob("*.safetensors"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run_suite(pytester, "-m", family, "-k", CASES, "--vlm-model", family, "--vlm-model-path", str(folder),
                       "--vlm-report-dir", str(tmp_path / "reports"))
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) + outcomes.get("xfailed", 0) == 44 and "skipped" not in outcomes
    summary = read_summary(tmp_path / "reports")
    assert set(summary["models"]) == {family}
    assert "fingerprint=" in summary["environment"]["models"][family]
    rows = read_results(tmp_path / "reports")
    cases = [r for r in rows if not r.get("probe")]  # counterfactual trials (issue 27) are answers without maps
    assert cases and all(r["map_method"] == "sdpa-rows" and r["map_grid"] == [8, 8] and not r["map_fallback"] for r in cases)
    # random weights on 6 films: a failed check or too few clusters, and the exit code says which
    assert summary["verdict"] in ("FAIL", "NOT EVALUATED") and result.ret == {"FAIL": 1, "NOT EVALUATED": 10}[summary["verdict"]]
