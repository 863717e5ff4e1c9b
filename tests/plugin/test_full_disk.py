"""A disk that fills mid-run (issue 23 item 9): one clear error naming the path, the run stopped
at that case (not every remaining case failing with a raw ``sqlite3.OperationalError``), nothing
half-written, and a rerun with room resumes from what was stored."""

import contextlib
import shutil
import sqlite3

import pytest

from tests.plugin.conftest import read_results, run_suite, scripted_plugin
from tests.plugin.test_faults import tmpfs

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]


def _stored(cache) -> int:
    with contextlib.closing(sqlite3.connect(cache)) as db:  # closed: an open file would keep the tmpfs from unmounting
        return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]


def test_a_result_cache_that_fills_stops_the_run_with_one_error_and_a_rerun_resumes(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")
    whole = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "whole"), "--vlm-result-cache", str(tmp_path / "whole.sqlite"),
                      plugin=plugin)
    total = _stored(tmp_path / "whole.sqlite")
    with tmpfs(tmp_path / "small", "320k") as disk:  # room for the first chunk of groups, not for all
        cache = disk / "cache.sqlite"
        full = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), "--vlm-result-cache", str(cache), plugin=plugin)
        output = full.stdout.str()
        assert full.ret == 2, output[-3000:]
        assert f"Interrupted: result cache {cache}: database or disk is full; the run is stopped" in output
        assert "a rerun resumes from it" in output
        assert output.count("FAILED ") == 1  # the case that met it; the run stopped there instead of failing every later case
        assert "E   sqlite3.OperationalError" not in output  # no raw error: StorageError names the path
        outcomes = full.parseoutcomes()
        assert outcomes.get("failed", 0) == 1 and outcomes.get("passed", 0) < 22
        stored = _stored(cache)
        assert 0 < stored < total  # whole groups before the disk filled; nothing after
        shutil.copy(cache, tmp_path / "resumed.sqlite")
        for suffix in ("-wal", "-shm"):
            if (disk / f"cache.sqlite{suffix}").exists():
                shutil.copy(disk / f"cache.sqlite{suffix}", tmp_path / f"resumed.sqlite{suffix}")
    rerun = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r2"), "--vlm-result-cache", str(tmp_path / "resumed.sqlite"),
                      plugin=plugin)
    assert rerun.ret == whole.ret
    assert _stored(tmp_path / "resumed.sqlite") == total
    assert read_results(tmp_path / "r2") == read_results(tmp_path / "whole")


def test_a_full_disk_at_open_is_not_taken_for_corruption(tmp_path):
    from vlmcore.engine.result_store import ResultStore
    from vlmcore.errors import StorageError

    with tmpfs(tmp_path / "tiny", "4k") as disk:
        blocker = disk / "blocker"
        try:
            blocker.write_bytes(b"x" * 8192)
        except OSError:
            pass  # the disk is full now, which is the point
        with pytest.raises(StorageError, match=rf"result cache {disk / 'cache.sqlite'}: .*the run is stopped"):
            ResultStore(disk / "cache.sqlite")
        assert not list(disk.glob("cache.sqlite.corrupt-*"))


def test_a_partial_journal_on_a_full_disk_stops_the_run_and_leaves_no_half_line(tmp_path):
    """The per-worker journal (what a killed worker leaves) appends whole lines or nothing."""
    from types import SimpleNamespace

    from tests.verdict.rows import group
    from vlmcore.errors import StorageError
    from vlmcore.plugin.collector import ResultCollector

    rows = group("p1", ["yes"] * 40)
    with tmpfs(tmp_path / "small", "16k") as disk:
        collector = ResultCollector(SimpleNamespace(partial_dir=disk / ".partial" / "run", worker_id="gw0"))
        collector._journal(rows[:2])
        journal = disk / ".partial" / "run" / "gw0.jsonl"
        before = journal.read_bytes()
        with pytest.raises(StorageError, match=rf"partial results {journal}: No space left on device; the run is stopped"):
            for _ in range(20):
                collector._journal(rows)
        text = journal.read_text()
        assert text.startswith(before.decode()) and text.endswith("\n")  # whole lines only
        assert all(line.startswith("{") and line.endswith("}") for line in text.splitlines())
