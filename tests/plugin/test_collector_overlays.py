"""A group's overlays are drawn on the collector's painter thread while the model runs on, and
``overlays`` waits for them: the same JPEGs as drawn in line, none lost, a failed drawing raised."""

import base64
import threading
from types import SimpleNamespace

import numpy as np
import pytest

import vlmcore.report.overlays as overlays_module
from vlmcore.plugin.collector import MAX_DRAWING, ResultCollector
from vlmcore.report.html import BASE_MAPS_PER_MODEL
from vlmcore.report.overlays import comparison_jpeg, overlay_jpeg


def _evaluation(index: int, flipped: bool = True):
    rng = np.random.default_rng(index)
    image = (rng.random((64, 64)) * 255).astype(np.uint8)
    base = SimpleNamespace(model="m", case_id=f"g{index}-base", group_id=f"g{index}", answer="yes", map_method="attention",
                           map_region=None, relation="base", consistent=True)
    variant = SimpleNamespace(model="m", case_id=f"g{index}-v", group_id=f"g{index}", answer="no" if flipped else "yes",
                              map_method="attention", map_region=None, relation="invariant", consistent=not flipped)
    maps = {row.case_id: SimpleNamespace(values=rng.random((4, 4)), grid=(4, 4)) for row in (base, variant)}
    return SimpleNamespace(base=base, rows=[base, variant], probes=[], examples={}, maps=maps, image=image)


def test_overlays_are_drawn_off_the_calling_thread_and_equal_to_drawing_in_line(monkeypatch):
    threads = []
    drawing = overlays_module.comparison_jpeg

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return drawing(*args, **kwargs)

    monkeypatch.setattr(overlays_module, "comparison_jpeg", recording)
    collector = ResultCollector(SimpleNamespace())
    evaluations = [_evaluation(index) for index in range(MAX_DRAWING + 5)]  # more than may wait: the oldest are collected
    for evaluation in evaluations:
        collector._overlays(evaluation)
    drawn = collector.overlays
    assert len(drawn) == len(evaluations) + BASE_MAPS_PER_MODEL  # every group's flip, and the model's first base maps
    assert threads and all(name.startswith("vlmcore-overlays") for name in threads)
    first = evaluations[0]
    expected = comparison_jpeg(first.image, first.maps["g0-base"].values, first.maps["g0-v"].values, region=None,
                               titles=("base: yes", "variant: no"))
    assert base64.b64decode(drawn["m/g0-v"]) == expected
    expected = overlay_jpeg(first.image, first.maps["g0-base"].values, region=None, title="g0: yes (attention, 4x4)")
    assert base64.b64decode(drawn["m/g0-base"]) == expected


def test_a_drawing_that_fails_is_raised_when_the_overlays_are_read(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("map of the wrong shape")

    monkeypatch.setattr(overlays_module, "comparison_jpeg", broken)
    collector = ResultCollector(SimpleNamespace())
    collector._overlays(_evaluation(1))
    with pytest.raises(ValueError, match="wrong shape"):
        collector.overlays
