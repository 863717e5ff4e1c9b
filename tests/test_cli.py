"""The command line: summary, compare (same exit status as the gate)."""

import json
import subprocess
import sys
from pathlib import Path

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


def test_compare_prints_a_short_summary_and_writes_the_markdown_to_a_file(tmp_path, capsys):
    old = _run_dir(tmp_path / "old", ["yes"] * 30)
    worse = _run_dir(tmp_path / "worse", ["yes"] * 20 + ["no"] * 10)
    assert main(["compare", str(old), str(worse)]) == 1
    out = capsys.readouterr().out
    written = worse / "compare-old-vs-worse.md"
    assert out.startswith("vlmcore compare: FAIL") and "REGRESSION m: consistency 1.000 -> 0.667" in out
    assert f"comparison written to {written}" in out and out.rstrip().endswith("verdict: FAIL (exit code 1)")
    assert "| --- |" not in out and len(out.splitlines()) < 25  # a summary, not the tables
    assert "| m (old) vs m (worse) | consistency |" in written.read_text()  # the tables are in the file
    assert main(["compare", str(old), str(worse), "--output", "-"]) == 1  # '-': the markdown itself, for scripts
    assert "| m (old) vs m (worse) | consistency |" in capsys.readouterr().out


def test_the_summary_caps_long_lists_and_says_where_the_rest_is():
    from vlmcore.report.compare import SHOWN_FLIPS, terminal_summary
    from vlmcore.verdict.decision import ModelVerdict, NewFlip, Verdict
    from vlmcore.verdict.exit_codes import Status

    flips = tuple(NewFlip("m", f"g{i}", f"c{i}", "voice", "Is there X?", "yes", f"Is X seen ({i})?", "no") for i in range(40))
    decision = Verdict(Status.FAIL, "gate against old", (ModelVerdict("m", Status.FAIL, ("40 new flips",)),), new_flips=flips)
    lines = terminal_summary(decision)
    assert "  40 new flip(s) (answered as the base question before, differently now):" in lines
    assert sum("Is X seen" in line for line in lines) == SHOWN_FLIPS
    assert lines[-1].strip() == f"... and {40 - SHOWN_FLIPS} more new flips (all of them in the markdown file)"


def test_demo_passes_pytest_options_through_without_a_separator(tmp_path, monkeypatch):
    import vlmcore.demo

    calls = []
    monkeypatch.setattr(vlmcore.demo, "run_demo", lambda report_dir, extra, only: calls.append((report_dir, extra)) or 0)
    assert main(["demo", "-k", "robust and accuracy", "-x", "--report-dir", str(tmp_path), "--vlm-progress", "off"]) == 0
    assert main(["demo", "--", "-k", "blind"]) == 0  # the old spelling still works
    assert main(["demo", "-m", "not slow", "--vlm-progress=on"]) == 0
    assert calls == [(tmp_path, ["-k", "robust and accuracy", "-x", "--vlm-progress", "off"]),
                     (Path("reports"), ["-k", "blind"]), (Path("reports"), ["-m", "not slow", "--vlm-progress=on"])]


def test_other_commands_still_refuse_unknown_arguments(capsys):
    import pytest

    with pytest.raises(SystemExit) as done:
        main(["summary", "x.csv", "-k", "foo"])
    assert done.value.code == 4 and "unrecognized arguments: -k foo" in capsys.readouterr().err


def test_the_demo_spreads_models_over_the_cores_unless_told_otherwise(monkeypatch):
    from vlmcore.demo import workers

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert workers([], models=9, cores=2) == ["-n", "2", "--dist", "loadgroup"]
    import os

    assert os.environ["OMP_NUM_THREADS"] == "1"  # one torch thread per worker: two of two threads oversubscribe two cores
    assert workers([], models=1, cores=4) == []  # robust alone: one process
    assert workers([], models=9, cores=1) == []
    for chosen in (["-n", "4"], ["-n4"], ["--numprocesses=3"], ["-p", "no:xdist"], ["--dist", "load"]):
        assert workers(["-k", "not slow", *chosen], models=9, cores=2) == []
