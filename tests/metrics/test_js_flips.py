"""The seed study's JS comparison as a strategy-stratified, patient-clustered paired test.

Corpus built first, before the rule: a model whose register paraphrases move the map a lot and
flip often, and whose phrasing paraphrases move it little and rarely flip. Inside each strategy
changed and unchanged answers move the map alike: the pooled means differ (confounded), the
stratified test must not call it. A second model whose flips truly move the map more inside
every strategy must be called, with an interval excluding 0.
"""

from dataclasses import replace

import numpy as np

from tests.verdict.rows import row
from vlmcore.metrics.js_flips import js_flip_test


def _rows(extra_when_changed: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for patient in range(30):
        cluster = f"p{patient}"
        for strategy, level, flip_rate in (("register", 0.5, 0.5), ("phrasing", 0.02, 0.05)):
            for index in range(6):
                changed = rng.random() < flip_rate
                js = level + rng.normal(0, 0.02 + level * 0.1) + (extra_when_changed if changed else 0.0)
                r = row(f"{cluster}-{strategy}-{index}", cluster=cluster, strategy=strategy, answer="no" if changed else "yes")
                rows.append(replace(r, metrics={"js_to_base": max(js, 0.0)}))
    return rows


def test_strategy_confounding_is_not_called_a_map_effect():
    test = js_flip_test(_rows(0.0))
    assert test.naive_changed - test.naive_unchanged > 0.2  # pooled: register's high JS and flips look like an effect
    assert test.difference.low < 0 < test.difference.high and test.p_value > 0.05
    register = next(s for s in test.by_strategy if s.strategy == "register")
    assert abs(register.changed - register.unchanged) < 0.05


def test_a_real_map_effect_is_found_inside_strata():
    test = js_flip_test(_rows(0.08))
    assert test.difference.low > 0 and test.p_value < 0.01
    assert test.strata >= 20 and test.difference.clusters >= 20
    assert test.row()[0] == "m" and test.row()[5] != "-"


def test_no_paraphrase_no_test():
    assert js_flip_test([row("b", cluster="p", relation="base")]) is None
