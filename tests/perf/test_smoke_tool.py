"""``python -m vlmcore.perf.smoke --also ARGS``: this tree's extra runs each get their own cold
ratio against the reference of their round, and the breakdown shows the collector's part."""

from types import SimpleNamespace

from vlmcore.perf import smoke


def test_each_run_of_this_tree_is_compared_with_the_reference_of_its_round(monkeypatch, capsys):
    walls = {"ref": iter([100.0, 80.0]), "this": iter([60.0, 50.0]), "also0": iter([40.0, 30.0])}
    seen_args = []

    def cold_and_warm(tree, scratch, extra_path=None, same_work="", extra_args=()):
        seen_args.append(tuple(extra_args))
        wall = next(walls[scratch.name])
        timings = {"engine_s": 1.0, "collector_s": 2.5, "model_calls_groups": 0, "model_calls_flip_search": 0}
        return {phase: {"wall_s": wall, "exit": 1, "timings": timings, "summary": ""} for phase in ("cold", "warm")}

    monkeypatch.setattr(smoke, "cold_and_warm", cold_and_warm)
    monkeypatch.setattr(smoke, "subprocess", SimpleNamespace(run=lambda *a, **k: None))
    assert smoke.main(["--reference", "abc1234", "--rounds", "2", "--also=--vlm-probes none"]) == 0
    out = capsys.readouterr().out
    assert seen_args == [(), (), ("--vlm-probes", "none")] * 2
    assert "cold run: 60.0 s vs 100.0 s (0.60 of commit abc1234)" in out
    assert "cold run --vlm-probes none: 30.0 s vs 80.0 s (0.38 of commit abc1234)" in out
    assert "cold run over 2 alternating rounds: 0.60, 0.62 of commit abc1234 (median 0.61)" in out
    assert "cold run --vlm-probes none over 2 alternating rounds: 0.40, 0.38" in out
    assert "collector 2.5" in out
