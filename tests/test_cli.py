"""The command line: summary, compare (same exit status as the gate)."""

import json
import subprocess
import sys

from vlmcore.cli import main
from vlmcore.data.rows import VariantRow


def _row(case: int, answer: str) -> dict:
    return VariantRow(model="m", case_id=f"c{case}", group_id=f"g{case}", question="q?", relation="invariant", strategy="voice",
                      finding="f", patient_id=f"p{case}", image="a.png", expected="yes", answer=answer, base_answer="yes",
                      p_yes=0.5, margin=0.1, mass=0.5, parse_path="score", map_method="sdpa-rows", map_fallback=False,
                      map_grid=(2, 2), blank_answer="no", metrics={"js_to_base": 0.01}, image_sha=f"film{case}").to_json()


def _run_dir(folder, answers):
    from vlmcore.verdict.gate_settings import GateSettings
    from vlmcore.verdict.manifest import RunManifest

    folder.mkdir()
    rows = [_row(i, a) for i, a in enumerate(answers)]
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    manifest = RunManifest(folder.name, "d.csv", "fp", GateSettings(metrics=("consistency",)), {"m": "scripted"})
    (folder / "manifest.json").write_text(json.dumps(manifest.to_json()))
    value = sum(a == "yes" for a in answers) / max(len(answers), 1)
    metric = {"value": value, "ci95": None}
    (folder / "summary.json").write_text(json.dumps({"models": {"m": {k: metric for k in (
        "consistency", "flip_rate", "accuracy", "js_divergence", "inverted_flip_rate", "image_reliance")}}}))
    return folder


def test_compare_uses_the_gate_and_its_exit_codes(tmp_path, capsys):
    old = _run_dir(tmp_path / "old", ["yes"] * 30)
    same = _run_dir(tmp_path / "same", ["yes"] * 30)
    worse = _run_dir(tmp_path / "worse", ["yes"] * 20 + ["no"] * 10)
    empty = _run_dir(tmp_path / "empty", [])
    assert main(["compare", str(old), str(same)]) == 0
    assert main(["compare", str(old), str(worse), "--output", str(tmp_path / "c.md")]) == 1
    text = (tmp_path / "c.md").read_text()
    assert "REGRESSION m: consistency 1.000 -> 0.667" in text and "sign-flip p=" in text and "10 worse" in text
    assert "| consistency | higher is better | 1.000 \\[" in text and "| m (old) | m (worse) |" in text  # side by side
    paired = next(line for line in text.splitlines() if line.startswith("| m (old) vs m (worse) | consistency |"))
    assert "| 1.000 | 0.667 | -0.333 | 0.00195 | 30 | 30 |" in paired  # 10 of 30 patients worse: exact two-sided p = 2 / 2^10
    assert main(["compare", str(old), str(empty)]) == 10  # the candidate evaluated nothing
    assert main(["compare", str(empty), str(old)]) == 11  # nothing to compare against
    assert main(["compare", str(old), str(tmp_path / "nowhere")]) == 4
    assert "verdict: NOT EVALUATED (exit code 10)" in capsys.readouterr().out


def test_summary_command_and_errors(tmp_path):
    from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT

    done = subprocess.run([sys.executable, "-m", "vlmcore", "summary", str(DEFAULT_OUT / "dataset.csv"), "--image-root",
                           str(DEFAULT_OUT)], capture_output=True, text=True)
    assert done.returncode == 0 and "groups    22" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("group_id,image,question,answer\ng,a.png,q?,maybe\n")
    done = subprocess.run([sys.executable, "-m", "vlmcore", "summary", str(bad)], capture_output=True, text=True)
    assert done.returncode == 4 and "row 2" in done.stderr and "unknown answer" in done.stderr


def test_help_is_written_for_users(capsys):
    import pytest

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0
    assert "pytest benchmarks -m medgemma" in text and "--vlm-baseline release" in text and "10 nothing evaluated" in text
    assert "Subcommands stay thin" not in text  # not the developer docstring
