"""Hostile cases for the baseline store (issue 23 items 2, 6, 7, 8): a baseline is replaced whole
or not at all, concurrent saves of one name never corrupt it, its files are tied together by a
digest checked on load, and a name is never taken as a path."""

import json
import multiprocessing
from pathlib import Path

import pytest

from tests.verdict.rows import group
from vlmcore.errors import ConfigError
from vlmcore.verdict.baseline import baseline_dir, load_baseline, save_baseline, save_refusal
from vlmcore.verdict.gate_settings import GateSettings


def make_run(folder: Path, clusters: int = 3, tag: str = "a") -> Path:
    """A run folder as the report writer leaves it: rows, summary and manifest."""
    folder.mkdir(parents=True)
    rows = [r for c in range(clusters) for r in group(f"{tag}{c}", ["yes", "yes"])]
    (folder / "results.jsonl").write_text("".join(json.dumps(r.to_json(), sort_keys=True) + "\n" for r in rows))
    (folder / "summary.json").write_text(json.dumps({"run_id": folder.name, "verdict": "PASS"}) + "\n")
    manifest = {"format": 1, "run_id": folder.name, "dataset": "d.csv", "dataset_fingerprint": tag, "gate": GateSettings().to_json()}
    (folder / "manifest.json").write_text(json.dumps(manifest) + "\n")
    return folder


def test_a_saved_baseline_loads_with_its_seal(tmp_path):
    run = make_run(tmp_path / "run-1")
    folder = save_baseline(tmp_path / "reports", "release", run)
    assert folder == tmp_path / "reports" / "baselines" / "release"
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "results.jsonl", "summary.json"]
    saved = load_baseline(tmp_path / "reports", "release")
    assert len(saved.rows) == 9 and saved.seal.run_id == "run-1" and saved.seal.forced is None
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".release.") and not p.name.endswith(".lock")]


@pytest.mark.parametrize("file, edit", [
    ("results.jsonl", lambda text: text.splitlines(keepends=True)[0]),  # truncated to one row
    ("results.jsonl", lambda text: text.replace('"answer": "yes"', '"answer": "no"', 1)),  # one answer changed
    ("summary.json", lambda text: text.replace("PASS", "FAIL")),
    ("manifest.json", lambda text: text.replace('"consistency_margin": 0.02', '"consistency_margin": 0.5')),  # gate loosened
], ids=["results-truncated", "results-one-answer", "summary-edited", "manifest-gate-loosened"])
def test_an_edited_file_is_refused_naming_it(tmp_path, file, edit):
    folder = save_baseline(tmp_path / "reports", "release", make_run(tmp_path / "run-1"))
    path = folder / file
    changed = edit(path.read_text())
    assert changed != path.read_text()
    path.write_text(changed)
    with pytest.raises(ConfigError, match=f"{path} does not match the digest"):
        load_baseline(tmp_path / "reports", "release")


def test_a_results_file_swapped_in_from_another_baseline_is_refused(tmp_path):
    """Replacing results.jsonl alone with another sealed baseline's turns nothing into a PASS."""
    good = save_baseline(tmp_path / "reports", "good", make_run(tmp_path / "run-good", tag="g"))
    bad = save_baseline(tmp_path / "reports", "bad", make_run(tmp_path / "run-bad", clusters=5, tag="b"))
    (bad / "results.jsonl").write_bytes((good / "results.jsonl").read_bytes())
    with pytest.raises(ConfigError, match=r"bad/results.jsonl does not match the digest"):
        load_baseline(tmp_path / "reports", "bad")


def test_an_unsealed_baseline_is_refused(tmp_path):
    folder = tmp_path / "reports" / "baselines" / "old"
    make_run(folder)
    with pytest.raises(ConfigError, match=r"carries no digest of the baseline's files"):
        load_baseline(tmp_path / "reports", "old")


@pytest.mark.parametrize("name", ["..", ".", ".hidden", "rel ease", "a\\b", "", "x" * 101])
def test_a_name_that_is_not_a_name_is_refused(tmp_path, name):
    with pytest.raises(ConfigError, match="baseline name"):
        baseline_dir(tmp_path / "reports", name)


def test_dot_dot_never_writes_into_the_parent(tmp_path, monkeypatch):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    with pytest.raises(ConfigError, match=r"baseline name '\.\.'"):
        save_baseline(Path("reports"), "..", make_run(tmp_path / "run-1"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkout", "run-1"]


def test_an_existing_folder_of_that_name_is_still_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "release").mkdir()
    assert baseline_dir(Path("reports"), "release") == Path("reports") / "baselines" / "release"
    assert baseline_dir(Path("reports"), "./release") == Path("release")


def test_a_path_to_a_folder_that_is_not_a_baseline_is_never_replaced(tmp_path):
    home = tmp_path / "project"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match=r"holds files that are not a vlmcore baseline's \(notes.txt\): not replaced"):
        save_baseline(tmp_path / "reports", str(home), make_run(tmp_path / "run-1"))
    assert (home / "notes.txt").read_text() == "mine" and sorted(p.name for p in home.iterdir()) == ["notes.txt"]


def test_a_save_that_fails_midway_keeps_the_previous_baseline(tmp_path):
    reports = tmp_path / "reports"
    save_baseline(reports, "release", make_run(tmp_path / "run-1"))
    before = {p.name: p.read_bytes() for p in (reports / "baselines" / "release").iterdir()}
    broken = make_run(tmp_path / "run-2", clusters=1, tag="z")
    (broken / "summary.json").unlink()  # the copy fails after results.jsonl was staged
    with pytest.raises(ConfigError, match="cannot save baseline 'release'"):
        save_baseline(reports, "release", broken)
    after = {p.name: p.read_bytes() for p in (reports / "baselines" / "release").iterdir()}
    assert after == before
    assert load_baseline(reports, "release").seal.run_id == "run-1"
    assert [p.name for p in (reports / "baselines").iterdir() if not p.name.endswith(".lock")] == ["release"]  # no staging left


def test_a_save_stopped_between_its_renames_is_recovered(tmp_path):
    reports = tmp_path / "reports"
    folder = save_baseline(reports, "release", make_run(tmp_path / "run-1"))
    folder.rename(folder.with_name(".release.previous-123-456"))  # what a kill between the two renames leaves
    assert load_baseline(reports, "release").seal.run_id == "run-1"
    assert folder.is_dir()


def _save_many(arguments):
    reports, run, count = arguments
    failures = []
    for _ in range(count):
        try:
            save_baseline(Path(reports), "release", Path(run))
        except Exception as error:  # counted: the test asserts there are none
            failures.append(repr(error))
    return failures


def test_concurrent_saves_of_one_name_never_corrupt_it(tmp_path):
    reports = tmp_path / "reports"
    runs = [make_run(tmp_path / f"run-{i}", clusters=1 + i, tag=f"t{i}") for i in range(4)]
    with multiprocessing.get_context("fork").Pool(4) as pool:
        failures = pool.map(_save_many, [(str(reports), str(run), 15) for run in runs])
    assert [f for batch in failures for f in batch] == []
    saved = load_baseline(reports, "release")
    source = next(run for run in runs if run.name == saved.seal.run_id)
    assert (reports / "baselines" / "release" / "results.jsonl").read_bytes() == (source / "results.jsonl").read_bytes()
    assert [p.name for p in (reports / "baselines").iterdir() if not p.name.endswith(".lock")] == ["release"]


@pytest.mark.parametrize("state, message", [
    (dict(exit_status=2), "the run was interrupted (exit 2)"),
    (dict(exit_status=3), "internal error (exit 3)"),
    (dict(stopped=["pytest stopped early (stopping after 1 failures)"]), "incomplete (pytest stopped early"),
    (dict(verdict="FAIL"), "the verdict is FAIL, and only a PASS run becomes a baseline"),
    (dict(verdict="NOT EVALUATED"), "the verdict is NOT EVALUATED"),
    (dict(evaluated=False), "this run evaluated nothing"),
    (dict(exit_status=2, forced="known gap"), "interrupted"),  # forcing never saves an interrupted run
    (dict(stopped=["3 of 22 benchmark cases did not run"], forced="known gap"), "incomplete"),
], ids=["interrupted", "internal-error", "x-stopped", "fail", "not-evaluated", "nothing", "forced-interrupted", "forced-incomplete"])
def test_save_refusals(state, message):
    arguments = dict(exit_status=0, stopped=[], evaluated=True, verdict="PASS", forced=None) | state
    refusal = save_refusal("release", **arguments)
    assert refusal is not None and message in refusal and "previous baseline, if any, is kept" in refusal


def test_a_pass_or_a_forced_run_is_saved():
    assert save_refusal("r", exit_status=0, stopped=[], evaluated=True, verdict="PASS", forced=None) is None
    assert save_refusal("r", exit_status=1, stopped=[], evaluated=True, verdict="FAIL", forced="first release") is None
