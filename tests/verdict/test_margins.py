"""Margins from seed replicas: the rule, on hand-built replicas whose drops are known."""

import pytest

from tests.verdict.rows import row
from vlmcore.errors import ConfigError
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.margins import replica_margins


def _replica(model: str, wrong: set[int], patients: int = 40):
    """One case per patient, answered wrong on the patients in ``wrong``."""
    return [row(f"c{i}", cluster=f"p{i}", relation="base", model=model, answer="no" if i in wrong else "yes") for i in range(patients)]


def test_margin_is_the_largest_replica_drop_rounded_up_plus_a_cushion():
    rows = _replica("a", set()) + _replica("b", {1, 2}) + _replica("c", {3})  # accuracy 1.000, 0.950, 0.975
    calibrated = replica_margins(rows, ["a", "b", "c"], GateSettings(metrics=("accuracy",)))
    assert calibrated.settings.margins["accuracy"] == pytest.approx(0.06)  # largest drop a -> b: 0.05; up to 0.05, + 0.01
    drops = {(d.baseline, d.candidate): d.drop for d in calibrated.drops}
    assert drops[("a", "b")] == pytest.approx(0.05) and drops[("b", "a")] == pytest.approx(-0.05)
    assert "accuracy_margin = 0.06" in calibrated.toml() and "replicas a, b, c" in calibrated.settings.source


def test_a_margin_never_drops_below_the_one_in_force():
    rows = _replica("a", set()) + _replica("b", set())
    calibrated = replica_margins(rows, ["a", "b"], GateSettings(metrics=("accuracy",), margins={"accuracy": 0.03}))
    assert calibrated.settings.margins["accuracy"] == pytest.approx(0.03)


def test_one_replica_is_not_a_spread():
    with pytest.raises(ConfigError, match="at least two replica models"):
        replica_margins(_replica("a", set()), ["a"], GateSettings())
    with pytest.raises(ConfigError, match=r"missing \['z'\]"):
        replica_margins(_replica("a", set()), ["a", "z"], GateSettings())
