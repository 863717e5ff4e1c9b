"""Map-diagnostic bars read off seed replicas: a healthy retrain fails about 1% of groups, not all."""

from dataclasses import replace

import numpy as np
import pytest

from tests.verdict.rows import row
from vlmcore.errors import ConfigError
from vlmcore.verdict.diagnostic_bars import lines, replica_bars, toml


def _model(name: str, level: float, seed: int):
    rng = np.random.default_rng(seed)
    rows = []
    for group in range(200):
        cluster = f"p{group}"
        base = row(f"{cluster}-b", cluster=cluster, relation="base", model=name)
        rows.append(replace(base, group_id=f"g{group}", metrics={"inside_body_ratio": 1.1 + rng.normal(0, 0.05),
                                                                  "border_ratio": 1.0 + abs(rng.normal(0, 0.2))}))
        for index in range(5):
            r = row(f"{cluster}-{index}", cluster=cluster, model=name)
            rows.append(replace(r, group_id=f"g{group}", metrics={"js_to_base": max(0.0, level + rng.normal(0, 0.05))}))
    return rows


def test_a_healthy_retrain_fails_few_groups_and_a_fixed_bar_fails_them_all():
    rows = _model("seed1", 0.3, 1) + _model("seed2", 0.3, 2)
    bars = {b.measure: b for b in replica_bars(rows, ["seed1", "seed2"])}
    js = bars["js_divergence"].bar
    assert 0.3 < js < 0.45 and bars["js_divergence"].units == 400
    candidate = _model("robust", 0.3, 3)
    group_means = {}
    for r in candidate:
        if r.relation == "invariant":
            group_means.setdefault(r.group_id, []).append(r.metrics["js_to_base"])
    failing = sum(np.mean(v) > js for v in group_means.values())
    assert failing < 10  # about 1% of 200
    assert all(np.mean(v) > 0.15 for v in group_means.values())  # the fixed default bar: every group fails
    assert bars["inside_body_ratio"].bar < 1.1 and bars["border_ratio"].bar > 1.0
    assert "js_divergence = " in toml(list(bars.values())) and "| js_divergence |" in "\n".join(lines(list(bars.values()), ["seed1", "seed2"]))


def test_too_few_replicas_is_refused():
    with pytest.raises(ConfigError, match="two replica"):
        replica_bars(_model("seed1", 0.3, 1), ["seed1"])
