"""Margins from seed replicas: the rule, on hand-built replicas whose drops are known, for every
scope the gate tests (model level, per finding, per strategy)."""

import math

import pytest

from tests.verdict.rows import group, row
from vlmcore.errors import ConfigError
from vlmcore.metrics.specs import Scope
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.margins import replica_margins
from vlmcore.verdict.pairing import pair_model
from vlmcore.verdict.regression import regression_tests


def _replica(model: str, wrong: set[int], patients: int = 40):
    """One case per patient, answered wrong on the patients in ``wrong``."""
    return [row(f"c{i}", cluster=f"p{i}", relation="base", model=model, answer="no" if i in wrong else "yes") for i in range(patients)]


def _upper_bound(differences: list[int], cases_per_patient: int) -> float:
    """The one-sided 95% bound of a paired gap, written out here (not the module's code): clustered SE
    of sum(d) / N, t on patients - 1 degrees of freedom."""
    from scipy import stats

    k, n = len(differences), len(differences) * cases_per_patient
    change = sum(differences) / n  # candidate minus baseline: negative when worse
    se = math.sqrt(k / (k - 1) * sum((d - cases_per_patient * change) ** 2 for d in differences)) / n
    return -change + float(stats.t.ppf(0.95, k - 1)) * se


def test_margin_is_the_upper_clustered_bound_of_the_replica_gap_not_the_raw_drop():
    rows = _replica("a", set(), 200) + _replica("b", set(range(10)), 200)  # accuracy 1.000, 0.950: a 0.05 gap
    calibrated = replica_margins(rows, ["a", "b"], GateSettings(metrics=("accuracy",)))
    expected = math.ceil(_upper_bound([-1] * 10 + [0] * 190, 1) * 100) / 100
    assert expected == pytest.approx(0.08)  # 0.05 + 1.65 x 0.0155, up to 0.01: the raw drop (0.05) would fall short
    assert calibrated.settings.margins["accuracy"] == pytest.approx(expected)
    drops = {(d.baseline, d.candidate): d for d in calibrated.drops}
    assert drops[("a", "b")].drop == pytest.approx(0.05) and drops[("b", "a")].drop == pytest.approx(-0.05)
    assert drops[("a", "b")].standard_error == pytest.approx(drops[("b", "a")].standard_error) and drops[("a", "b")].clusters == 200
    assert "accuracy_margin = 0.08" in calibrated.toml() and "replicas a, b" in calibrated.settings.source
    assert not calibrated.flagged()


def _two_findings(model: str, wrong: int, patients: int = 60) -> list:
    """``patients`` pneumothorax and as many pleural-effusion patients, a base question and five paraphrases
    each (all expecting yes); the first ``wrong`` pneumothorax patients answer one paraphrase no."""
    rows = []
    for i in range(patients):
        answers = ["no" if i < wrong else "yes"] + ["yes"] * 4
        rows += group(f"pt{i}", answers, model=model, finding="pneumothorax")
        rows += group(f"pe{i}", ["yes"] * 5, model=model, finding="pleural_effusion")
    return rows


def test_replicas_differing_only_in_one_finding_get_a_margin_for_that_finding_and_pass_the_gate():
    """A retrain that is 20 cases worse on pneumothorax alone: the default 0.05 subgroup margin calls
    it a regression; the calibrated margin is that finding's own, the other finding keeps 0.05."""
    a, b = _two_findings("a", 0), _two_findings("b", 20)
    settings = GateSettings(metrics=("accuracy",))
    calibrated = replica_margins(a + b, ["a", "b"], settings)
    own = calibrated.settings.finding_margins
    expected = math.ceil(_upper_bound([-1] * 20 + [0] * 40, 6) * 100) / 100
    assert set(own) == {"pneumothorax"} and own["pneumothorax"]["accuracy"] == pytest.approx(expected) and expected > 0.05
    assert calibrated.settings.margin("accuracy", Scope.FINDING, "pleural_effusion") == 0.05
    assert "[gate.findings.pneumothorax]\naccuracy_margin = " + f"{expected:.2f}" in calibrated.toml()
    assert "pleural_effusion" not in calibrated.toml() and not calibrated.flagged()
    before = regression_tests([pair_model(a, b, "a", "b")], settings)
    assert any(r.failed and r.where == "accuracy (finding pneumothorax)" for r in before), [r.sentence for r in before]
    after = regression_tests([pair_model(a, b, "a", "b")], calibrated.settings)
    assert not any(r.failed for r in after), [r.sentence for r in after if r.failed]


def test_replicas_differing_in_one_strategy_get_a_strategy_margin_that_loads_back():
    """Consistency is gated per paraphrase strategy: the margin lands in [gate.strategies.<name>],
    and the printed thresholds file reads back to the same margin for every test."""
    from vlmcore.verdict.thresholds import load_thresholds

    strategies = ("synonym", "voice", "register", "phrasing", "combined")

    def replica(model: str, departs: int) -> list:
        rows = []
        for i in range(60):
            rows.append(row(f"g{i}-base", cluster=f"p{i}", relation="base", model=model))
            for strategy in strategies:
                answer = "no" if strategy == "register" and i < departs else "yes"
                rows.append(row(f"g{i}-{strategy}", cluster=f"p{i}", answer=answer, strategy=strategy, model=model))
        return rows

    calibrated = replica_margins(replica("a", 0) + replica("b", 8), ["a", "b"], GateSettings(metrics=("consistency",)))
    assert set(calibrated.settings.strategy_margins) == {"register"}
    margin = calibrated.settings.strategy_margins["register"]["consistency"]
    assert margin == pytest.approx(math.ceil(_upper_bound([-1] * 8 + [0] * 52, 1) * 100) / 100) and margin > 0.05
    path = __import__("pathlib").Path(__import__("tempfile").mkdtemp()) / "thresholds.toml"
    path.write_text(calibrated.toml())
    loaded = load_thresholds(path).gate
    for test in calibrated.margins:
        assert loaded.margin(test.rate, test.scope, test.subject) == pytest.approx(test.margin), test.where


def test_a_margin_never_drops_below_the_one_in_force():
    rows = _replica("a", set()) + _replica("b", set())
    calibrated = replica_margins(rows, ["a", "b"], GateSettings(metrics=("accuracy",), margins={"accuracy": 0.03}))
    assert calibrated.settings.margins["accuracy"] == pytest.approx(0.03)


def test_one_replica_is_not_a_spread():
    with pytest.raises(ConfigError, match="at least two replica models"):
        replica_margins(_replica("a", set()), ["a"], GateSettings())
    with pytest.raises(ConfigError, match=r"missing \['z'\]"):
        replica_margins(_replica("a", set()), ["a", "z"], GateSettings())


def test_non_replicas_are_refused_naming_what_differs(tmp_path):
    """Issue 25 item 10: another family, another configuration or the same weights twice are not
    seed replicas, and their spread is not retrain noise."""
    rows = _replica("llava@a", set()) + _replica("medgemma@b", {1, 2}) + _replica("llava@c", {3}) + _replica("llava@d", set())
    described = {"llava@a": "llava fingerprint=aaa dtype=float32 device=cpu", "medgemma@b": "medgemma fingerprint=bbb dtype=float32 device=cpu",
                 "llava@c": "llava fingerprint=ccc dtype=float32 device=cpu", "llava@d": "llava fingerprint=aaa dtype=float32 device=cpu"}
    settings = GateSettings(metrics=("accuracy",))
    with pytest.raises(ConfigError, match=r"llava@a and medgemma@b are different families \(llava, medgemma\)"):
        replica_margins(rows, ["llava@a", "medgemma@b"], settings, described)
    with pytest.raises(ConfigError, match="llava@a and llava@d have the same weights"):
        replica_margins(rows, ["llava@a", "llava@d"], settings, described)
    for name, width in (("a", 64), ("c", 128)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_text(
            f'{{"model_type": "llava", "_name_or_path": "/x/{name}", "text_config": {{"hidden_size": {width}}}}}')
    with pytest.raises(ConfigError, match=r"different configurations \(text_config.hidden_size: 64 vs 128\)"):
        replica_margins(rows, ["llava@a", "llava@c"], settings, described, {"llava@a": str(tmp_path / "a"), "llava@c": str(tmp_path / "c")})
    (tmp_path / "c" / "config.json").write_text('{"model_type": "llava", "_name_or_path": "/y/c", "text_config": {"hidden_size": 64}}')
    calibrated = replica_margins(rows, ["llava@a", "llava@c"], settings, described,
                                 {"llava@a": str(tmp_path / "a"), "llava@c": str(tmp_path / "c")})
    assert calibrated.settings.margins["accuracy"] == pytest.approx(math.ceil(_upper_bound([-1] + [0] * 39, 1) * 100) / 100)
    assert not calibrated.flagged()


def test_a_margin_beyond_the_sanity_bound_is_flagged_and_the_command_exits_1(tmp_path, capsys):
    import json

    from vlmcore.cli import main
    from vlmcore.verdict.manifest import RunManifest

    wide = _replica("llava@a", set()) + _replica("llava@b", set(range(12)))  # 0.30 apart: not a retrain's spread
    calibrated = replica_margins(wide, ["llava@a", "llava@b"], GateSettings(metrics=("accuracy",)))
    expected = math.ceil(_upper_bound([-1] * 12 + [0] * 28, 1) * 100) / 100
    assert calibrated.settings.margins["accuracy"] == pytest.approx(expected) and expected == pytest.approx(0.43)
    assert len(calibrated.flagged()) == 1
    assert calibrated.flagged()[0].startswith("FLAG [gate] accuracy_margin = 0.43 is beyond the sanity bound 0.1: the replicas differ by +0.300")
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r.to_json()) + "\n" for r in wide))
    models = {"llava@a": "llava fingerprint=aaa dtype=float32 device=cpu", "llava@b": "llava fingerprint=bbb dtype=float32 device=cpu"}
    (tmp_path / "manifest.json").write_text(json.dumps(RunManifest("r", "d", "f", GateSettings(metrics=("accuracy",)), models).to_json()))
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b"]) == 1
    shown = capsys.readouterr().out
    assert "FLAG [gate] accuracy_margin = 0.43" in shown and "[gate]\n" not in shown
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b", "--max-margin", "0.5"]) == 0
    assert "accuracy_margin = 0.43" in capsys.readouterr().out


def test_a_subgroup_margin_beyond_the_bound_is_flagged_on_its_own_with_exit_1(tmp_path, capsys):
    """Per value: a flat model-level gap with one finding's margin beyond the bound is flagged, naming
    the subgroup's table, and no thresholds file is printed."""
    import json

    from vlmcore.cli import main
    from vlmcore.verdict.manifest import RunManifest

    a, b = _two_findings("llava@a", 0), _two_findings("llava@b", 45)  # 45 of 60 pneumothorax patients: 0.125 worse there
    settings = GateSettings(metrics=("accuracy",))
    calibrated = replica_margins(a + b, ["llava@a", "llava@b"], settings)
    flagged = calibrated.flagged()
    assert calibrated.settings.margins["accuracy"] <= 0.10 and len(flagged) == 1, flagged
    assert flagged[0].startswith("FLAG [gate.findings.pneumothorax] accuracy_margin = ") and "accuracy (finding pneumothorax)" in flagged[0]
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r.to_json()) + "\n" for r in a + b))
    models = {"llava@a": "llava fingerprint=aaa dtype=float32 device=cpu", "llava@b": "llava fingerprint=bbb dtype=float32 device=cpu"}
    (tmp_path / "manifest.json").write_text(json.dumps(RunManifest("r", "d", "f", settings, models).to_json()))
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b"]) == 1
    shown = capsys.readouterr().out
    assert "FLAG [gate.findings.pneumothorax] accuracy_margin" in shown and "Paste into" not in shown
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b", "--max-margin", "0.3"]) == 0
    assert "[gate.findings.pneumothorax]\naccuracy_margin = " in capsys.readouterr().out


def test_a_small_subgroup_is_flagged_for_its_size_not_its_gap():
    """A wide bound from few patients says so: the cure is more patients or replicas."""
    a = _replica("a", set(), 8)
    b = _replica("b", {0}, 8)
    flagged = replica_margins(a + b, ["a", "b"], GateSettings(metrics=("accuracy",))).flagged()
    assert len(flagged) == 1 and "too small to pin the gap down (8 patients" in flagged[0], flagged


def test_replicas_at_two_paths_on_one_adapter_are_replicas_and_two_adapters_are_not():
    """A run describes a model as ``<checkpoint path> fingerprint=... adapter=<class>``: two seed
    replicas always sit at two paths (the demo's robust-seed1 / robust-seed2 were refused for it)."""
    rows = _replica("llava@s1", set()) + _replica("llava@s2", {1, 2})
    described = {"llava@s1": "/m/robust-seed1 fingerprint=a1 dtype=float32 device=cpu adapter=LlavaAdapter",
                 "llava@s2": "/m/robust-seed2 fingerprint=a2 dtype=float32 device=cpu adapter=LlavaAdapter"}
    settings = GateSettings(metrics=("accuracy",))
    expected = math.ceil(_upper_bound([-1] * 2 + [0] * 38, 1) * 100) / 100
    assert replica_margins(rows, ["llava@s1", "llava@s2"], settings, described).settings.margins["accuracy"] == pytest.approx(expected)
    described["llava@s2"] = described["llava@s2"].replace("adapter=LlavaAdapter", "adapter=GenericAdapter")
    with pytest.raises(ConfigError, match=r"llava@s1 and llava@s2 run on different adapters \(LlavaAdapter, GenericAdapter\)"):
        replica_margins(rows, ["llava@s1", "llava@s2"], settings, described)


def test_strategy_and_probe_margin_tables_are_checked_stored_and_never_loosen_the_other_side(tmp_path):
    from vlmcore.verdict.thresholds import load_thresholds

    path = tmp_path / "thresholds.toml"
    path.write_text("[gate.strategies.register]\nconsistency_margin = 0.08\n[gate.probes.label_swap]\ngrounding_margin = 0.09\n")
    gate = load_thresholds(path).gate
    assert gate.margin("consistency", Scope.STRATEGY, "register") == 0.08 and gate.margin("consistency", Scope.STRATEGY, "voice") == 0.05
    assert gate.margin("grounding", Scope.PROBE, "label_swap") == 0.09 and gate.margin("grounding", Scope.PROBE, "lesion_occlusion") == 0.05
    stored = GateSettings.from_json(gate.to_json(), "manifest.json")  # a baseline keeps them
    assert stored.strategy_margins == gate.strategy_margins and stored.probe_margins == gate.probe_margins
    assert "strategies" not in GateSettings().to_json()  # a baseline saved without them reads as before
    merged = gate.stricter(GateSettings())  # the other side applies its 0.05 subgroup margin there: 0.05 wins
    assert merged.margin("consistency", Scope.STRATEGY, "register") == 0.05 and merged.margin("grounding", Scope.PROBE, "label_swap") == 0.05
    path.write_text("[gate.probes.labelswap]\ngrounding_margin = 0.09\n")
    with pytest.raises(ConfigError, match=r"\[gate.probes.labelswap\] names no known probe family; did you mean 'label_swap'"):
        load_thresholds(path)
    path.write_text("[gate.strategies.register]\nconsistency_margin = 1.0\n")
    with pytest.raises(ConfigError, match=r"gate.strategies.register\] consistency_margin = 1.0"):
        load_thresholds(path)
