"""Baselines and the gate; options, usage errors and help, as users meet them."""

import json

import pytest

from tests.plugin.conftest import read_results, read_summary, run_suite, scripted_plugin

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]


def _few_clusters_allowed(tmp_path):
    """The scripted model reads the phantom films only roughly (accuracy ~0.4): judge consistency alone."""
    path = tmp_path / "few.toml"
    path.write_text("[thresholds]\naccuracy = 0.0\n[verdict]\nmin_clusters = 2\n[gate]\nmin_clusters = 2\n")
    return path


def test_saved_run_compared_with_itself_passes(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")
    few = ["--vlm-thresholds", str(_few_clusters_allowed(tmp_path))]
    saved = run_suite(pytester, *SELECTION, *few, "--vlm-report-dir", str(tmp_path), "--vlm-save-baseline", "good", plugin=plugin)
    assert saved.ret == 0, saved.stdout.str()[-2000:]
    assert (tmp_path / "baselines" / "good" / "results.jsonl").is_file()
    again = run_suite(pytester, *SELECTION, *few, "--vlm-report-dir", str(tmp_path), "--vlm-baseline", "good", plugin=plugin)
    assert again.ret == 0, again.stdout.str()[-2000:]
    again.stdout.fnmatch_lines(["*ok tiny-medgemma: consistency 1.000 -> 1.000*", "*verdict: PASS*"])


def test_six_patients_are_too_few_to_pass_but_a_regression_in_all_of_them_fails(pytester, tmp_path):
    """The bundled phantom set has 6 patients: nothing can be ruled out, so a first run on it may
    not PASS. A regression there could never fail before issue 25 (the sign-flip test's smallest p
    with 6 patients is 2^-6, above every Holm level); every patient turned from right to wrong is
    now a FAIL by the harm rule, with the patients counted."""
    good = scripted_plugin(pytester, "honest")
    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[thresholds]\naccuracy = 0.0\n")
    first = run_suite(pytester, *SELECTION, "--vlm-thresholds", str(lenient), "--vlm-report-dir", str(tmp_path), "--vlm-save-baseline", "v1",
                      "--vlm-save-baseline-force", "six phantom patients: a gate test", plugin=good)
    assert first.ret == 10
    first.stdout.fnmatch_lines(["*tiny-medgemma: NOT EVALUATED - only 6 clusters evaluated; a verdict needs at least 10*"])
    bad = scripted_plugin(pytester, "degraded")
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path), "--vlm-baseline", "v1", plugin=bad)
    assert result.ret == 1, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*HARM tiny-medgemma: consistency 1.000 -> 0.333*sign-flip p=0.0156*6 clusters (6 changed)*"
                                 "patients turned from right to wrong 6, the other way 0*"])
    assert result.stdout.lines[-1].startswith("=") and "vlmcore verdict: FAIL (exit code 1)" in result.stdout.lines[-1]
    gate = read_summary(tmp_path)["decision"]["gate"]
    consistency = next(g for g in gate if g["rate"] == "consistency" and g["scope"] == "model")
    assert consistency["drop"] > 0.02 and consistency["worse"] and not consistency["regressed"] and consistency["outcome"] == "HARM"


def test_missing_baseline_fails_before_any_model_loads(pytester, tmp_path):
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path), "--vlm-baseline", "nope")
    assert result.ret == 4  # usage error
    result.stderr.fnmatch_lines(["*baseline 'nope'*does not exist*--vlm-save-baseline nope*"])


def test_bad_option_values_are_usage_errors_naming_the_option(pytester, tmp_path):
    bad_dtype = run_suite(pytester, *SELECTION, "--vlm-dtype", "float8")
    assert bad_dtype.ret == 4
    assert "--vlm-dtype" in bad_dtype.stderr.str()
    missing = run_suite(pytester, *SELECTION, "--vlm-dataset", str(tmp_path / "absent.csv"))
    assert missing.ret == 4
    missing.stderr.fnmatch_lines(["*--vlm-dataset*absent.csv does not exist*"])
    typo = tmp_path / "typo.toml"
    typo.write_text("[thresholds]\nconsistensy = 0.5\n")
    result = run_suite(pytester, *SELECTION, "--vlm-thresholds", str(typo))
    assert result.ret == 4
    assert "unknown key 'consistensy' (did you mean 'consistency'?) in [thresholds]" in result.stderr.str()


def test_environment_variable_sets_an_option(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("VLMCORE_REPORT_DIR", str(tmp_path / "from-env"))
    plugin = scripted_plugin(pytester, "honest")
    run_suite(pytester, *SELECTION, plugin=plugin)
    assert (tmp_path / "from-env" / "latest.txt").is_file()


def test_help_lists_the_vlmcore_options(pytester):
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*vlmcore robustness benchmark*", "*--vlm-model=MODEL*", "*--vlm-baseline=NAME*", "*--vlm-quantization=MODE*"])


def test_absent_real_weights_skip_with_a_reason(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    result = run_suite(pytester, "-m", "medgemma", "-k", "test_consistency", "-rs", "--vlm-report-dir", str(tmp_path))
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*medgemma*not available offline*--vlm-model-path*"])
    summary = json.loads((tmp_path / (tmp_path / "latest.txt").read_text().strip() / "summary.json").read_text())
    assert summary["cases"]["skipped"] == 1


def test_progress_lines_show_under_default_capture_and_in_ci_unless_off(pytester, tmp_path, monkeypatch):
    """Default capture, not a terminal, CI set: the lines still reach the output (a CI log), via
    pytest's terminal reporter; ``--vlm-progress off`` hides them."""
    plugin = scripted_plugin(pytester, "honest")
    monkeypatch.setenv("CI", "true")
    shown = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "a"), plugin=plugin).stdout.str()
    lines = [line for line in shown.splitlines() if line.startswith("[vlmcore] ")]
    assert lines and lines[-1].startswith("[vlmcore] 22/22 cases (100%), 22 groups judged (") and "ETA 0s" in lines[-1]
    assert "groups/s" in lines[-1] and "\r" not in shown
    quiet = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "b"), "--vlm-progress", "off", plugin=plugin)
    assert "[vlmcore] " not in quiet.stdout.str()


@pytest.fixture(scope="session")
def medgemma_checkpoint_folder(saved_tiny_checkpoints):
    """A saved tiny MedGemma (built before pytester is active: see ``saved_tiny_checkpoints``)."""
    return saved_tiny_checkpoints("medgemma", "medgemma-candidate")


def test_real_checkpoint_folder_runs_under_its_family_marker(medgemma_checkpoint_folder, pytester, tmp_path):
    folder = medgemma_checkpoint_folder
    by_path = run_suite(pytester, "-m", "medgemma", "-k", "test_group_accuracy", "--vlm-model", "medgemma", "--vlm-model-path",
                        str(folder), "--vlm-report-dir", str(tmp_path / "a"))
    outcomes = by_path.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) + outcomes.get("xfailed", 0) == 22 and "skipped" not in outcomes
    summary = read_summary(tmp_path / "a")
    assert set(summary["models"]) == {"medgemma"}
    assert "fingerprint=" in summary["environment"]["models"]["medgemma"]
    by_folder = run_suite(pytester, "-m", "medgemma", "-k", "test_consistency", "--vlm-model", str(folder),
                          "--vlm-report-dir", str(tmp_path / "b"))
    by_folder.stdout.fnmatch_lines(["*medgemma@medgemma-candidate: NOT EVALUATED - only 6 clusters*"])


@pytest.fixture(scope="session")
def qwen_checkpoint_folder(saved_tiny_checkpoints):
    """A saved tiny Qwen2.5-VL (see ``saved_tiny_checkpoints``)."""
    return saved_tiny_checkpoints("qwen2_5_vl", "tiny-qwen-vl")


def test_saved_qwen_checkpoint_runs_offline_under_hf_prefix(qwen_checkpoint_folder, pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run_suite(pytester, "-m", "qwen2_5_vl", "-k", "test_group_accuracy or test_group_consistency", "--vlm-model",
                       f"hf:{qwen_checkpoint_folder}", "--vlm-report-dir", str(tmp_path))
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) + outcomes.get("xfailed", 0) == 44 and "skipped" not in outcomes
    summary = read_summary(tmp_path)
    assert set(summary["models"]) == {"hf@tiny-qwen-vl"}
    assert "fingerprint=" in summary["environment"]["models"]["hf@tiny-qwen-vl"]
    rows = read_results(tmp_path)
    cases = [r for r in rows if not r.get("probe")]  # counterfactual trials (issue 27) are answers without maps
    assert cases and all(r["map_method"] == "sdpa-rows" and r["map_grid"] == [8, 8] and not r["map_fallback"] for r in cases)
    # random weights on 6 films: a failed check or too few clusters, and the exit code says which
    assert summary["verdict"] in ("FAIL", "NOT EVALUATED") and result.ret == {"FAIL": 1, "NOT EVALUATED": 10}[summary["verdict"]]


def test_baseline_without_shared_cases_fails_the_gate(pytester, tmp_path):
    plugin = scripted_plugin(pytester, "honest")
    run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path), "--vlm-save-baseline", "medgemma-only",
              "--vlm-save-baseline-force", "a NOT EVALUATED phantom run, saved for this test", plugin=plugin)
    other = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava and test_consistency", "--vlm-report-dir", str(tmp_path),
                      "--vlm-baseline", "medgemma-only")
    assert other.ret == 11
    other.stdout.fnmatch_lines(["*tiny-llava: COMPARISON IMPOSSIBLE - the baseline has no results for tiny-llava*"])


def test_all_skipped_run_is_not_evaluated_not_passed(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    result = run_suite(pytester, "-m", "llava", "-k", "test_group_accuracy", "--vlm-report-dir", str(tmp_path))
    result.stdout.fnmatch_lines(["*verdict: NOT EVALUATED (exit code 10)*"])
    assert result.ret == 10
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
    result = pytester.runpytest_subprocess("-m", "smoke", "-k", "tiny-medgemma", "-p", "no:cacheprovider", "--vlm-report-dir", str(tmp_path))
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unknown keys*consistensy*"])
