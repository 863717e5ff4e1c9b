"""``python -m vlmcore.perf --profile tiny`` runs both pipelines and reports agreement.

No timing threshold here (machines are noisy): ratios are measured side by side by the tool
itself; this test checks that it runs and that both pipelines agree."""

import json
import subprocess
import sys


def test_tiny_profile_runs_both_pipelines_and_they_agree(tmp_path):
    out = tmp_path / "perf.json"
    done = subprocess.run([sys.executable, "-m", "vlmcore.perf", "--profile", "tiny", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "speed-up engine / seed-style:" in done.stdout and "capture peak-memory overhead:" in done.stdout
    figures = json.loads(out.read_text())
    assert figures["agreement"]["answers_identical"] is True
    assert figures["agreement"]["max_map_diff"] <= 1e-5
    assert figures["agreement"]["max_p_yes_diff"] <= 1e-4
    assert set(figures["runs"]) == {"seed", "engine", "engine-no-capture"}
    assert all(run["variants"] == 12 for run in figures["runs"].values())
