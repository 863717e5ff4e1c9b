"""Baselines and the gate; options, usage errors and help, as users meet them."""

import json

from tests.plugin.conftest import read_summary, run_suite, scripted_plugin

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]


def test_saved_run_compared_with_itself_passes(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")
    saved = run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path), "--save-baseline", "good", plugin=plugin)
    assert saved.ret == 0
    assert (tmp_path / "baselines" / "good" / "results.jsonl").is_file()
    again = run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path), "--baseline", "good", plugin=plugin)
    assert again.ret == 0, again.stdout.str()[-2000:]
    again.stdout.fnmatch_lines(["*ok tiny-medgemma: consistency 1.000 -> 1.000*", "*verdict: PASS*"])


def test_degraded_model_fails_the_gate_and_lists_changed_cases(pytester, tmp_path):
    good = scripted_plugin(pytester, "honest")
    run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path), "--save-baseline", "v1", plugin=good)
    # the degraded model flips on some phrasings; its own per-group consistency cases are not run here,
    # so only the gate can fail the session
    bad = scripted_plugin(pytester, "degraded")
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_group_accuracy", "--report-dir", str(tmp_path),
                       "--baseline", "v1", "--thresholds", str(_lenient(tmp_path)), plugin=bad)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*REGRESSION tiny-medgemma: consistency 1.000 -> *McNemar p=*", "*cases that got worse: phantom*"])
    gate = read_summary(tmp_path)["gate"]
    regressed = [g for g in gate if not g["passed"]]
    assert regressed and all(g["worse"] for g in regressed)


def _lenient(tmp_path):
    path = tmp_path / "lenient.toml"
    path.write_text("[thresholds]\naccuracy = 0.0\n")
    return path


def test_missing_baseline_fails_before_any_model_loads(pytester, tmp_path):
    result = run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path), "--baseline", "nope")
    assert result.ret == 4  # usage error
    result.stderr.fnmatch_lines(["*baseline 'nope'*does not exist*--save-baseline nope*"])


def test_bad_option_values_are_usage_errors_naming_the_option(pytester, tmp_path):
    bad_dtype = run_suite(pytester, *SELECTION, "--dtype", "float8")
    assert bad_dtype.ret == 4
    assert "--dtype" in bad_dtype.stderr.str()
    missing = run_suite(pytester, *SELECTION, "--dataset", str(tmp_path / "absent.csv"))
    assert missing.ret == 4
    missing.stderr.fnmatch_lines(["*--dataset*absent.csv does not exist*"])
    typo = tmp_path / "typo.toml"
    typo.write_text("[thresholds]\nconsistensy = 0.5\n")
    result = run_suite(pytester, *SELECTION, "--thresholds", str(typo))
    assert result.ret == 4
    assert "unknown keys ['consistensy'] in [thresholds]" in result.stderr.str()


def test_environment_variable_sets_an_option(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("VLMCORE_REPORT_DIR", str(tmp_path / "from-env"))
    plugin = scripted_plugin(pytester, "honest")
    run_suite(pytester, *SELECTION, plugin=plugin)
    assert (tmp_path / "from-env" / "latest.txt").is_file()


def test_help_lists_the_vlmcore_options(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*vlmcore robustness benchmark*", "*--vlm-model=MODEL*", "*--baseline=NAME*", "*--quantization=MODE*"])


def test_absent_real_weights_skip_with_a_reason(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    result = run_suite(pytester, "-m", "medgemma", "-k", "test_image_reliance", "-rs", "--report-dir", str(tmp_path))
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*medgemma*not available offline*--model-path*"])
    summary = json.loads((tmp_path / (tmp_path / "latest.txt").read_text().strip() / "summary.json").read_text())
    assert summary["cases"]["skipped"] == 1


def test_progress_line_shows_rate_and_eta_unless_quiet(pytester, tmp_path, monkeypatch):
    plugin = scripted_plugin(pytester, "honest")
    shown = run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path / "a"), "--progress", "on", plugin=plugin)
    assert "[vlmcore] tiny-medgemma:" in shown.stdout.str() and "variants/s" in shown.stdout.str() and "ETA" in shown.stdout.str()
    monkeypatch.setenv("CI", "true")
    quiet = run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path / "b"), plugin=plugin)
    assert "[vlmcore]" not in quiet.stdout.str()


def test_real_checkpoint_folder_runs_under_its_family_marker(pytester, tmp_path):
    from vlmcore.models.tiny import build_tiny

    folder = tmp_path / "medgemma-candidate"
    model, processor = build_tiny("medgemma")
    model.save_pretrained(folder, safe_serialization=True)
    processor.save_pretrained(folder)
    by_path = run_suite(pytester, "-m", "medgemma", "-k", "test_group_accuracy", "--vlm-model", "medgemma", "--model-path",
                        str(folder), "--report-dir", str(tmp_path / "a"))
    outcomes = by_path.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 22 and "skipped" not in outcomes
    summary = read_summary(tmp_path / "a")
    assert set(summary["models"]) == {"medgemma"}
    assert "fingerprint=" in summary["environment"]["models"]["medgemma"]
    by_folder = run_suite(pytester, "-m", "medgemma", "-k", "test_image_reliance", "--vlm-model", str(folder),
                          "--report-dir", str(tmp_path / "b"))
    by_folder.stdout.fnmatch_lines(["*test_image_reliance[[]medgemma@medgemma-candidate[]]*"])


def test_baseline_without_shared_cases_fails_the_gate(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")
    run_suite(pytester, *SELECTION, "--report-dir", str(tmp_path), "--save-baseline", "medgemma-only", plugin=plugin)
    other = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava and test_image_reliance", "--report-dir", str(tmp_path),
                      "--baseline", "medgemma-only")
    assert other.ret == 1
    other.stdout.fnmatch_lines(["*REGRESSION CHECK IMPOSSIBLE: no case of this run*"])


def test_all_skipped_run_is_not_evaluated_not_passed(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    result = run_suite(pytester, "-m", "llava", "-k", "test_group_accuracy", "--report-dir", str(tmp_path))
    result.stdout.fnmatch_lines(["*verdict: NOT EVALUATED*"])
    assert read_summary(tmp_path)["verdict"] == "NOT EVALUATED"


def test_threshold_markers_override_the_toml_per_case(pytester, tmp_path):
    pytester.makepyfile(test_own_cases='''
        import pytest

        pytestmark = pytest.mark.vlm_threshold(accuracy=0.3)

        @pytest.mark.vlm_threshold(consistency=0.5)
        def test_marked(vlm_threshold, vlm_model):
            assert vlm_threshold("consistency") == 0.5
            assert vlm_threshold("accuracy") == 0.3  # module marker
            assert vlm_threshold("accuracy", "pneumothorax") == 0.3  # the marker wins over the TOML's per-finding value

        def test_unmarked(vlm_threshold, vlm_model):
            assert vlm_threshold("consistency") == 0.9
            assert vlm_threshold("accuracy", "pneumothorax") == 0.3

        @pytest.mark.vlm_threshold(consistensy=0.5)
        def test_typo(vlm_threshold, vlm_model):
            pass
    ''')
    result = pytester.runpytest_subprocess("-m", "smoke", "-k", "tiny-medgemma", "-p", "no:cacheprovider", "--report-dir", str(tmp_path))
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unknown keys*consistensy*"])
