"""Benchmark cases run model by model, group by group (``plugin.ordering``); the flip-search
sample (``--vlm-flip-search-groups``) is fixed and spread over the findings."""

from collections import Counter
from types import SimpleNamespace

from vlmcore.plugin.flip_searches import sample
from vlmcore.plugin.ordering import group_major


def _item(name, **params):
    return SimpleNamespace(name=name, callspec=SimpleNamespace(params=params))


def test_every_check_of_a_group_runs_before_the_next_group_and_aggregates_last():
    items = [_item("flip-a-g1", vlm_model="a", vlm_group="g1"), _item("flip-a-g2", vlm_model="a", vlm_group="g2"),
             _item("flip-b-g1", vlm_model="b", vlm_group="g1"),
             _item("consistency-a-g1", vlm_model="a", vlm_group="g1"), _item("consistency-a-g2", vlm_model="a", vlm_group="g2"),
             SimpleNamespace(name="unrelated"),
             _item("map-a-c2", vlm_model="a", vlm_case="c2"), _item("map-a-c1", vlm_model="a", vlm_case="c1"),
             _item("model-a", vlm_model="a"), _item("finding-a", vlm_model="a", vlm_finding="effusion")]
    ordered = group_major(items, ["a", "b"], {"c1": "g1", "c2": "g2"}, ["g1", "g2"])
    assert [i.name for i in ordered] == ["flip-a-g1", "consistency-a-g1", "map-a-c1", "flip-a-g2", "consistency-a-g2",
                                         "unrelated", "map-a-c2", "model-a", "finding-a", "flip-b-g1"]
    assert sorted(i.name for i in ordered) == sorted(i.name for i in items)  # nothing lost or added


def test_the_flip_search_sample_is_fixed_spread_and_sized():
    groups = [(f"g{i}", "effusion") for i in range(90)] + [(f"p{i}", "pneumothorax") for i in range(8)] + [("n0", "nodule")]
    chosen = sample(groups, 12)
    assert len(chosen) == 12 and chosen == sample(list(reversed(groups)), 12)  # independent of file order
    by_finding = Counter(next(f for g, f in groups if g == c) for c in chosen)
    assert by_finding == {"effusion": 6, "pneumothorax": 5, "nodule": 1}  # round-robin: the rare finding is searched
    assert sample(groups, 500) == {g for g, _ in groups}
