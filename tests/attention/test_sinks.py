"""Sinks are found whatever the film, handled three ways, and every handled map says what was done."""

import numpy as np
import pytest

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.sinks import find_sinks, handle
from vlmcore.errors import CaptureError, ConfigError


def _maps(count=60, sink=(0, 2), share=0.5, seed=0):
    """Maps whose content moves from film to film, plus a fixed sink holding ``share`` of each."""
    rng = np.random.default_rng(seed)
    maps = []
    for _ in range(count):
        content = np.zeros((8, 8))
        content[tuple(rng.integers(0, 8, 2))] = 1.0
        content = 0.9 * content + 0.1 * rng.random((8, 8))
        content = (1 - share) * content / content.sum()
        content[sink] += share
        maps.append(AttentionMap(content, "sdpa-rows", (8, 8)))
    return maps


def test_a_cell_that_holds_mass_on_every_map_is_a_sink_and_a_moving_peak_is_not():
    profile = find_sinks(_maps())
    assert profile.cells == ((0, 2),)
    assert profile.shares[0] == pytest.approx(0.5, abs=0.05)
    assert "(0, 2)" in profile.describe()
    no_sink = find_sinks(_maps(share=0.0))
    assert no_sink.cells == () and "no sink" in no_sink.describe()


def test_handled_maps_drop_the_sink_and_say_so():
    maps = _maps()
    profile = find_sinks(maps)
    removed = handle(maps[0], profile, "sink-removed")
    assert removed.values[0, 2] == 0 and removed.values.sum() == pytest.approx(1.0)
    assert removed.sink == "sink-removed (0,2)" and removed.describe()["sink"] == removed.sink
    relative = handle(maps[0], profile, "mean-relative")
    assert relative.sink.startswith("mean-relative") and relative.values.min() >= 0
    assert np.unravel_index(relative.values.argmax(), (8, 8)) == np.unravel_index(
        (maps[0].values - np.where(np.arange(64).reshape(8, 8) == 2, maps[0].values, 0)).argmax(), (8, 8))
    assert handle(maps[0], None, "raw").sink == "raw"


def test_bad_inputs_are_refused():
    maps = _maps()
    with pytest.raises(ConfigError, match="at least two"):
        find_sinks(maps[:1])
    with pytest.raises(ConfigError, match="unknown sink handling"):
        handle(maps[0], find_sinks(maps), "median")
    with pytest.raises(ConfigError, match="needs a sink profile"):
        handle(maps[0], None, "sink-removed")
    only_sink = np.zeros((8, 8))
    only_sink[0, 2] = 1.0
    with pytest.raises(CaptureError, match="sink cells"):
        handle(AttentionMap(only_sink, "sdpa-rows", (8, 8)), find_sinks(maps), "sink-removed")


def test_a_bimodal_sink_is_found_from_the_mean_map():
    """robust's sink holds most of the mass on a third of the maps and almost none on the rest:
    a per-map rule misses it, the mean map does not."""
    rng = np.random.default_rng(3)
    maps = []
    for index in range(90):
        values = rng.random((8, 8)) * 0.02
        values[tuple(rng.integers(0, 8, 2))] += 0.5
        if index % 3 == 0:
            values[0, 2] += 3.0
        maps.append(values)
    assert find_sinks(maps).cells == ((0, 2),)
