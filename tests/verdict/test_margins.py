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
    assert calibrated.settings.margins["accuracy"] == pytest.approx(0.04) and not calibrated.flagged()


def test_a_margin_beyond_the_sanity_bound_is_flagged_and_the_command_exits_1(tmp_path, capsys):
    import json

    from vlmcore.cli import main
    from vlmcore.verdict.manifest import RunManifest

    wide = _replica("llava@a", set()) + _replica("llava@b", set(range(12)))  # 0.30 apart: not a retrain's spread
    calibrated = replica_margins(wide, ["llava@a", "llava@b"], GateSettings(metrics=("accuracy",)))
    assert calibrated.settings.margins["accuracy"] == pytest.approx(0.31)
    assert len(calibrated.flagged()) == 1 and calibrated.flagged()[0].startswith("FLAG accuracy_margin = 0.31 is beyond the sanity bound")
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r.to_json()) + "\n" for r in wide))
    models = {"llava@a": "llava fingerprint=aaa dtype=float32 device=cpu", "llava@b": "llava fingerprint=bbb dtype=float32 device=cpu"}
    (tmp_path / "manifest.json").write_text(json.dumps(RunManifest("r", "d", "f", GateSettings(metrics=("accuracy",)), models).to_json()))
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b"]) == 1
    shown = capsys.readouterr().out
    assert "FLAG accuracy_margin = 0.31" in shown and "[gate]" not in shown
    assert main(["margins", str(tmp_path), "--models", "llava@a,llava@b", "--max-margin", "0.5"]) == 0
    assert "accuracy_margin = 0.31" in capsys.readouterr().out


def test_replicas_at_two_paths_on_one_adapter_are_replicas_and_two_adapters_are_not():
    """A run describes a model as ``<checkpoint path> fingerprint=... adapter=<class>``: two seed
    replicas always sit at two paths (the demo's robust-seed1 / robust-seed2 were refused for it)."""
    rows = _replica("llava@s1", set()) + _replica("llava@s2", {1, 2})
    described = {"llava@s1": "/m/robust-seed1 fingerprint=a1 dtype=float32 device=cpu adapter=LlavaAdapter",
                 "llava@s2": "/m/robust-seed2 fingerprint=a2 dtype=float32 device=cpu adapter=LlavaAdapter"}
    settings = GateSettings(metrics=("accuracy",))
    assert replica_margins(rows, ["llava@s1", "llava@s2"], settings, described).settings.margins["accuracy"] == pytest.approx(0.06)
    described["llava@s2"] = described["llava@s2"].replace("adapter=LlavaAdapter", "adapter=GenericAdapter")
    with pytest.raises(ConfigError, match=r"llava@s1 and llava@s2 run on different adapters \(LlavaAdapter, GenericAdapter\)"):
        replica_margins(rows, ["llava@s1", "llava@s2"], settings, described)
