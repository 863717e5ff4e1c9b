"""Processes opening one new result cache at the same moment (xdist workers starting a run) all
open it: switching a new file to WAL takes a lock SQLite's busy timeout does not wait for, and one
opening in about twenty failed with "database is locked", stopping the run (found by
``test_xdist_gives_the_same_summary_as_serial`` failing in CI)."""

import multiprocessing

from vlmcore.engine.result_store import ResultStore


def _open_and_store(path, barrier, name, out):
    barrier.wait()
    try:
        ResultStore(path).put_many({name: {"p_yes": 0.5}})
        out.put("ok")
    except Exception as error:  # reported to the test, which fails on it
        out.put(f"{type(error).__name__}: {error}")


def test_processes_opening_one_new_cache_together_all_open_it(tmp_path):
    context = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(15):
        path = tmp_path / f"cache{round_}.sqlite"
        barrier, out = context.Barrier(4), context.Queue()
        workers = [context.Process(target=_open_and_store, args=(path, barrier, f"w{n}", out)) for n in range(4)]
        for worker in workers:
            worker.start()
        outcomes = [out.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join()
        failures += [o for o in outcomes if o != "ok"]
        assert set(ResultStore(path).get_many([f"w{n}" for n in range(4)])) == {f"w{n}" for n in range(4)}
    assert not failures, failures
