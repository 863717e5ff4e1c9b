"""Gate and threshold values are typed and range-checked: a value that would switch a check off is an error naming file and key."""

import json
import math

import pytest

from tests.plugin.conftest import run_suite
from vlmcore.errors import ConfigError
from vlmcore.verdict.baseline import read_run
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.thresholds import load_thresholds

BAD = [
    ("[gate]\nalpha = nan\n", "[gate] alpha = nan: must be a finite number in (0.0, 0.5]"),
    ("[gate]\nalpha = 0\n", "[gate] alpha = 0.0: must be a finite number in (0.0, 0.5]"),
    ("[gate]\nalpha = 0.7\n", "in (0.0, 0.5]"),
    ("[gate]\nconsistency_margin = 1.0\n", "[gate] consistency_margin = 1.0: must be a finite number in [0.0, 1.0)"),
    ("[gate]\naccuracy_margin = -0.1\n", "accuracy_margin = -0.1"),
    ("[gate]\nmetrics = ['consistency', 'speed']\n", "unknown rates ['speed']"),
    ("[gate]\nmetrics = []\n", "must be a non-empty list"),
    ("[gate]\nmin_paired_share = 0\n", "min_paired_share = 0.0"),
    ("[gate]\nconsistency_margn = 0.1\n", "unknown key 'consistency_margn' (did you mean 'consistency_margin'?)"),
    ("[verdict]\nalpha = inf\n", "[verdict] alpha = inf"),
    ("[verdict]\nmin_clusters = 1\n", "[verdict] min_clusters = 1: must be a whole number in [2, 1000000]"),
    ("[thresholds]\nallow_fallback_maps = \"false\"\n", "allow_fallback_maps = 'false': must be true or false (unquoted)"),
    ("[thresholds]\nconsistency = nan\n", "[thresholds] consistency = nan"),
    ("[thresholds]\naccuracy = 1.5\n", "[thresholds] accuracy = 1.5: must be a finite number in [0.0, 1.0]"),
    ("[thresholds]\naccuracy = \"0.7\"\n", "accuracy = '0.7': must be a number"),
    ("[thresholds]\nflip_search_budget = -3\n", "flip_search_budget = -3: must be a whole number in [0, 10000]"),
    ("[thresholds]\nflip_search_budget = true\n", "flip_search_budget = True: must be a number"),
    ("[findings.pnuemothorax]\naccuracy = 0.8\n", "[findings.pnuemothorax] names no known finding; did you mean 'pneumothorax'?"),
    ("[findings.pneumothorax]\nflip_search_budget = 3\n", "unknown key 'flip_search_budget' in [findings.pneumothorax]"),
    ("findings = 3\n", "[findings] must be a table, got int"),
    ("gate = [1, 2]\n", "[gate] must be a table, got list"),
    ("[thresold]\n", "unknown top-level keys ['thresold']"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m[:40] for _, m in BAD])
def test_bad_values_name_the_file_and_key(tmp_path, text, message):
    path = tmp_path / "t.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_thresholds(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_dataset_finding_may_have_its_own_table(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[findings.pacemaker_lead]\naccuracy = 0.9\n")
    assert load_thresholds(path, {"pacemaker_lead"}).get("accuracy", "pacemaker_lead") == 0.9


def test_gate_settings_stored_in_a_baseline_are_checked_too(tmp_path):
    (tmp_path / "results.jsonl").write_text("")
    manifest = {"format": 1, "run_id": "r", "dataset": "d", "dataset_fingerprint": "f", "gate": dict(GateSettings().to_json(), alpha=math.inf)}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match="gate alpha = inf"):
        read_run(tmp_path)
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(ConfigError, match="no manifest.json"):
        read_run(tmp_path)


def test_nan_alpha_is_a_usage_error_before_any_model_loads(pytester, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[gate]\nalpha = nan\n")
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava", "--vlm-thresholds", str(bad))
    assert result.ret == 4
    assert "[gate] alpha = nan" in result.stderr.str() and "passed" not in result.stdout.str()


def test_a_baseline_can_live_at_a_folder_path_that_survives_a_clean_checkout(tmp_path):
    from vlmcore.verdict.baseline import baseline_dir, save_baseline

    run = tmp_path / "run"
    run.mkdir()
    for name in ("results.jsonl", "summary.json", "manifest.json"):
        (run / name).write_text("{}\n")
    target = tmp_path / "benchmarks" / "baselines" / "release"
    assert baseline_dir(tmp_path / "reports", str(target)) == target  # a path, though it does not exist yet
    assert save_baseline(tmp_path / "reports", str(target), run) == target and (target / "results.jsonl").is_file()
    assert baseline_dir(tmp_path / "reports", "release") == tmp_path / "reports" / "baselines" / "release"
    with pytest.raises(ConfigError, match="a folder path with a '/'"):
        baseline_dir(tmp_path / "reports", "rel ease")
