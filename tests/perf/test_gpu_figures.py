"""The GPU figures script: refuses without CUDA and writes nothing; its rows name the device and
precision, merge with earlier runs in the document (newest wins) and leave the rest of the
document alone."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from vlmcore.perf.gpu_figures import BEGIN, END, figure_from, measure, read_figures, write


def _perf(profile="medgemma-4b", precision="bf16", device="NVIDIA H100 80GB HBM3", engine_seconds=2.0):
    """What ``python -m vlmcore.perf --json`` writes (the fields the script reads)."""
    def run(seconds, peak):
        return {"variants": 60, "seconds": seconds, "peak_mb": peak, "device": device, "dtype": "bfloat16"}

    return {"profile": profile, "precision": precision, "model": f"{profile} at full size", "strongest_peer": "generate-batched",
            "capture_overhead": 0.04, "runs": {"engine": run(engine_seconds, 2048.0), "generate-batched": run(10.0, 9000.0)},
            "agreement": {"generate-batched": {"answers_identical": True, "max_p_yes_diff": 2e-3, "max_map_diff": 1e-3}}}


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the refusal on a machine without CUDA")
def test_without_cuda_it_refuses_and_writes_nothing(tmp_path):
    doc = tmp_path / "models.md"
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf.gpu_figures", "--doc", str(doc)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and "no CUDA GPU here" in done.stderr and "Traceback" not in done.stderr
    assert not doc.exists()
    wrong = subprocess.run([sys.executable, "-m", "vlmcore.perf.gpu_figures", "--profiles", "tiny", "--doc", str(doc)],
                           capture_output=True, text=True, timeout=300)
    assert wrong.returncode == 2 and "not a GPU profile or precision: tiny" in wrong.stderr


def test_rows_name_the_device_and_merge_with_earlier_runs(tmp_path):
    doc = tmp_path / "models.md"
    doc.write_text("# Models\n\nintro\n\n## GPU figures\n\nbefore\n\n" + BEGIN + "\nold\n" + END + "\n\nafter\n")
    first = figure_from(_perf(), "2026-01-02", "torch 2.13, transformers 5.25")
    write(doc, [first, figure_from(_perf(precision="4bit"), "2026-01-02", "torch 2.13, transformers 5.25")])
    text = doc.read_text()
    assert text.startswith("# Models\n\nintro\n\n## GPU figures\n\nbefore\n\n" + BEGIN) and text.endswith(END + "\n\nafter\n")
    assert "old" not in text
    row = next(line for line in text.splitlines() if line.startswith("| medgemma-4b |") and "| bf16 |" in line)
    assert "NVIDIA H100 80GB HBM3" in row and "| 30.0 |" in row and "generate-batched (6.0)" in row and "| 5.0x |" in row
    assert "| 2.00 |" in row and "+4.0%" in row and "2026-01-02, torch 2.13, transformers 5.25" in row
    again = figure_from(_perf(engine_seconds=1.0), "2026-01-03", "torch 2.13, transformers 5.25")
    write(doc, [again])
    figures = {f.key: f for f in read_figures(doc.read_text())}
    assert len(figures) == 2 and figures[first.key].engine_rate == 60.0 and figures[first.key].date == "2026-01-03"
    assert doc.read_text().count(BEGIN) == 1


def test_a_document_without_the_block_gets_it_appended(tmp_path):
    doc = tmp_path / "new" / "models.md"
    write(doc, [figure_from(_perf(), "2026-01-02", "v")])
    assert doc.read_text().startswith(BEGIN) and len(read_figures(doc.read_text())) == 1


def test_measure_runs_the_perf_tool_with_the_profile_precision_and_pipelines():
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"] = command
        Path(command[command.index("--json") + 1]).write_text(json.dumps(_perf(precision="8bit")))
        return SimpleNamespace(returncode=0, stdout="table", stderr="")

    figures = measure("qwen3_vl-8b", "8bit", ("engine", "padded-eager"), run=fake_run)
    command = seen["command"]
    assert command[1:3] == ["-m", "vlmcore.perf"] and command[command.index("--profile") + 1] == "qwen3_vl-8b"
    assert command[command.index("--precision") + 1] == "8bit" and command[command.index("--pipelines") + 1] == "engine,padded-eager"
    assert figures["precision"] == "8bit"
    with pytest.raises(SystemExit, match="failed"):
        measure("qwen3_vl-8b", "8bit", ("engine",), run=lambda command, **kwargs: SimpleNamespace(returncode=1, stdout="", stderr="boom"))
