"""The blank film's image reliance no longer gates (issue 27). A thresholds file or a marker that
still names it is refused with the reason and what to do, wherever the key sits; a baseline saved
by an earlier vlmcore with it among its gate rates still gates on the rest, and says so."""

import pytest

from vlmcore.errors import ConfigError
from vlmcore.metrics.rates import RATES, gateable
from vlmcore.verdict.gate_settings import RETIRED, GateSettings
from vlmcore.verdict.thresholds import load_thresholds


@pytest.mark.parametrize("text, where", [
    ("[thresholds]\nimage_reliance = 0.9\n", "[thresholds] image_reliance"),
    ("[findings.pleural_effusion]\nimage_reliance = 0.8\n", "[findings.pleural_effusion] image_reliance"),
    ("[gate]\nimage_reliance_margin = 0.02\n", "[gate] image_reliance_margin"),
    ('[gate]\nmetrics = ["consistency", "image_reliance"]\n', "[gate] metrics"),
    ("[gate.findings.pleural_effusion]\nimage_reliance_margin = 0.02\n", "[gate.findings.pleural_effusion] image_reliance_margin"),
])
def test_a_thresholds_file_naming_the_retired_key_is_refused_with_the_reason(tmp_path, text, where):
    path = tmp_path / "thresholds.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_thresholds(path)
    message = str(error.value)
    assert str(path) in message and where in message, message
    assert "image_reliance is retired" in message and "prior" in message and "grounding" in message, message


def test_the_blank_film_is_a_diagnostic_with_no_bar_and_no_margin():
    assert "image_reliance" in RATES and RATES["image_reliance"].bar is None and RATES["image_reliance"].margin is None
    assert "image_reliance" not in gateable() and "grounding" in gateable()
    assert not RATES["image_reliance"].checks and not RATES["blank_yes_rate"].checks
    assert set(RETIRED) == {"image_reliance"}


def test_a_baseline_saved_with_the_retired_rate_gates_on_the_rest_and_says_so():
    saved = {"metrics": ["consistency", "accuracy", "inverted_flip_rate", "image_reliance"], "alpha": 0.05,
             "min_paired_share": 0.9, "consistency_margin": 0.02, "accuracy_margin": 0.02, "inverted_flip_rate_margin": 0.02,
             "image_reliance_margin": 0.02, "findings": {"pleural_effusion": {"image_reliance_margin": 0.01, "accuracy_margin": 0.01}}}
    settings = GateSettings.from_json(saved, "baselines/release.json")
    assert settings.metrics == ("consistency", "accuracy", "inverted_flip_rate")
    assert "image_reliance" not in settings.margins and settings.finding_margins == {"pleural_effusion": {"accuracy": 0.01}}
    assert len(settings.notes) == 1 and "baselines/release.json" in settings.notes[0] and "image_reliance" in settings.notes[0]
    assert "image_reliance" in saved["metrics"] and "findings" in saved  # the stored copy is not changed under the caller
    merged = settings.stricter(GateSettings())  # this run's defaults add grounding; the note travels with the merge
    assert "grounding" in merged.metrics and "image_reliance" not in merged.metrics and merged.notes == settings.notes


def test_only_the_retired_rate_in_a_baseline_falls_back_to_the_default_rates():
    settings = GateSettings.from_json({"metrics": ["image_reliance"]}, "old.json")
    assert settings.metrics == GateSettings().metrics and settings.notes
