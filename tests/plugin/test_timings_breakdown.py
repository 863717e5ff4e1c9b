"""The timings breakdown counts each second once: the flip search's own time excludes the
model time its candidates cost (the engine's ``flip_search`` seconds) and any group it had to
evaluate first (the engine's ``groups`` seconds)."""

from types import SimpleNamespace

import pytest

from vlmcore.plugin import flip_searches
from vlmcore.plugin.flip_searches import FlipSearches


class _Collector:
    def __init__(self):
        self.flips = {}

    def flip(self, key, group_id):
        return self.flips.get((key, group_id))

    def add_flip(self, found):
        self.flips[found] = found


def test_flip_search_seconds_exclude_the_engines_model_time(monkeypatch):
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(flip_searches, "time", SimpleNamespace(perf_counter=lambda: clock.now))
    engine = SimpleNamespace(seconds={"groups": 0.0, "flip_search": 0.0})
    searches = FlipSearches(configuration=SimpleNamespace(options=SimpleNamespace(flip_search_groups=None)), pool=SimpleNamespace(engine=lambda key: engine), collector=_Collector())

    def search(key, group_id):  # 3 s evaluating the group, 5 s scoring candidates (the engine's), 2 s of its own
        engine.seconds["groups"] += 3.0
        engine.seconds["flip_search"] += 5.0
        clock.now += 10.0
        return (key, group_id)

    monkeypatch.setattr(searches, "_search", search)
    searches.result("m", "g1")
    assert searches.seconds == pytest.approx(2.0)  # not the 10 s of the whole call (7 s are counted by the engine)
    searches.result("m", "g1")  # kept: no second search, no time
    assert searches.seconds == pytest.approx(2.0)


def test_flip_search_seconds_exclude_the_collectors_work_on_a_group_it_evaluated(monkeypatch):
    """When the search is a group's first case, the group's journal and overlays (the engine's
    ``on_group`` seconds, reported as the collector's) are not the search's."""
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(flip_searches, "time", SimpleNamespace(perf_counter=lambda: clock.now))
    engine = SimpleNamespace(seconds={"groups": 0.0, "flip_search": 0.0, "on_group": 0.0})
    searches = FlipSearches(configuration=SimpleNamespace(options=SimpleNamespace(flip_search_groups=None)),
                            pool=SimpleNamespace(engine=lambda key: engine), collector=_Collector())

    def search(key, group_id):  # 3 s evaluating, 4 s of overlays, 5 s scoring candidates, 1 s of its own
        engine.seconds["groups"] += 3.0
        engine.seconds["on_group"] += 4.0
        engine.seconds["flip_search"] += 5.0
        clock.now += 13.0
        return (key, group_id)

    monkeypatch.setattr(searches, "_search", search)
    searches.result("m", "g1")
    assert searches.seconds == pytest.approx(1.0)
