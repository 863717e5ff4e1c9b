"""The Ray backend: a local CPU cluster with two replicas gives the serial run's results, also
when a replica is killed mid-run (its chunk goes to the other one; nothing is stored twice)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the Ray backend is optional: pip install -e '.[distributed]'")

from vlmcore.data import load_dataset  # noqa: E402
from vlmcore.distributed.ray_backend import ReplicaRecipe, StoredModel, evaluate_on_ray  # noqa: E402
from vlmcore.engine import Engine  # noqa: E402
from vlmcore.engine.engine import plan_chunks  # noqa: E402
from vlmcore.engine.result_store import ResultStore  # noqa: E402
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATASET = DEFAULT_OUT / "dataset.csv"


def _smoke(report_dir: Path, *extra: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "pytest", "benchmarks", "-m", "smoke", "-k", "tiny-llava", "-q", "-p", "no:cacheprovider",
                           "--vlm-report-dir", str(report_dir), *extra], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, OMP_NUM_THREADS="1"), timeout=900)
    # random weights: a failed check, or answers too unreadable to judge (NOT EVALUATED); never a crash
    assert done.returncode in (0, 1, 10), done.stdout[-3000:] + done.stderr[-3000:]
    run = report_dir / (report_dir / "latest.txt").read_text().strip()
    return ([json.loads(line) for line in (run / "results.jsonl").read_text().splitlines()],
            (run / "report.md").read_text() + (run / "summary.json").read_text())


@pytest.mark.slow
def test_a_two_replica_local_cluster_gives_the_serial_runs_rows(tmp_path):
    serial, _ = _smoke(tmp_path / "serial")
    on_ray, report = _smoke(tmp_path / "ray", "--vlm-backend", "ray")
    assert len(serial) > 50 and {r["model"] for r in serial} == {"tiny-llava"}
    drop = ("run_id",)
    # counterfactual trials' films batch differently across replicas: their scores agree to float noise (<= 1e-5)
    numeric = ("margin", "p_yes", "mass")
    same = lambda rows: sorted(({k: v for k, v in r.items() if k not in drop + numeric} for r in rows), key=lambda r: r["case_id"])  # noqa: E731
    assert same(on_ray) == same(serial)
    scores = lambda rows: {r["case_id"]: [r[k] for k in numeric] for r in rows}  # noqa: E731
    ray_scores = scores(on_ray)
    assert all(abs(x - y) <= 1e-5 for case, values in scores(serial).items() for x, y in zip(values, ray_scores[case]))
    assert "evaluated on Ray by 2 replica(s)" in report


@pytest.mark.slow
def test_a_replica_killed_mid_run_leaves_the_same_results(tmp_path):
    dataset = load_dataset(DATASET)
    ids = [g.group_id for g in dataset.groups]
    chunks = plan_chunks(dataset.groups, films_per_forward=3)
    assert len(chunks) > 3
    recipe = ReplicaRecipe("llava", True, None, str(DATASET), None, "tiny-llava")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        whole = ResultStore(tmp_path / "whole.sqlite")
        evaluate_on_ray(recipe, chunks, whole, actors=2)
        killed = []

        def kill_one(done, pool):
            if done == 1 and len(pool) == 2:
                ray.kill(pool[0])
                killed.append(True)

        events = []
        cut = ResultStore(tmp_path / "cut.sqlite")
        described = evaluate_on_ray(recipe, chunks, cut, actors=2, on_result=kill_one, events=events)
    finally:
        ray.shutdown()
    assert killed and any("replica lost" in e and "resubmitted" in e for e in events), events
    entries = lambda store: {k: json.loads(v) for k, v in store._db.execute("SELECT key, value FROM results")}  # noqa: E731
    whole_entries, cut_entries = entries(whole), entries(cut)
    assert cut_entries.keys() == whole_entries.keys() and len(whole_entries) > len(dataset.cases)  # the same set, none twice
    for key, value in whole_entries.items():  # the moved chunk's blank batch may pack with other replicas' history: <= 1e-5
        other = cut_entries[key]
        if "top_token" not in value:  # a generated answer (issue 26): its text, greedy, is the same
            assert other == value, key
            continue
        assert other["top_token"] == value["top_token"] and abs(other["margin"] - value["margin"]) <= 1e-5, key
    # the stored results read back through the stand-in give the rows a serial engine computes
    serial = Engine(_tiny(), dataset, model_key="tiny-llava", films_per_forward=3)
    replayed = Engine(StoredModel(described, "tiny-llava"), dataset, model_key="tiny-llava", store=cut)
    for gid in ids:
        assert [r.to_json() for r in replayed.group(gid).rows] == [r.to_json() for r in serial.group(gid).rows]
    assert replayed.model_calls == {"groups": 0, "flip_search": 0}


def _tiny():
    from vlmcore.models import tiny_adapter

    return tiny_adapter("llava")
