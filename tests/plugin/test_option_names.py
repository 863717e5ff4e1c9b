"""The plugin loads in every pytest run of an environment where vlmcore is installed (``pytest11``):
its options must not take names another project's conftest declares."""

from vlmcore.plugin.options import OPTIONS

from tests.plugin.conftest import run_suite

OTHER_PROJECT_CONFTEST = '''
def pytest_addoption(parser):
    parser.addoption("--device", default="cpu", help="the other project's device")
    parser.addoption("--dataset", default="mnist", help="the other project's dataset")


def pytest_report_header(config):
    return f"other project: device={config.getoption('device')} dataset={config.getoption('dataset')}"
'''


def test_a_project_declaring_device_and_dataset_runs_beside_the_plugin(pytester):
    pytester.makeconftest(OTHER_PROJECT_CONFTEST)
    pytester.makepyfile(test_other='''
def test_options(request):
    assert request.config.getoption("device") == "tpu"
    assert request.config.getoption("dataset") == "cifar"
    assert request.config.getoption("vlm_device") == "cpu"
''')
    result = pytester.runpytest_subprocess("--device", "tpu", "--dataset", "cifar", "--vlm-device", "cpu", "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()[-2000:] + result.stderr.str()[-2000:]
    result.stdout.fnmatch_lines(["other project: device=tpu dataset=cifar", "*1 passed*"])
    assert "already used" not in result.stderr.str()
    help_text = pytester.runpytest_subprocess("--help").stdout.str()
    assert "--device=DEVICE" in help_text and "the other project's device" in help_text  # theirs
    assert "--vlm-device=DEVICE" in help_text and "--vlm-dataset=FILE" in help_text  # ours, beside it


def test_every_option_is_prefixed_with_its_env_and_ini_names_following():
    for option in OPTIONS:
        assert option.flag.startswith("--vlm-"), option.flag
        assert option.dest == "vlm_" + option.flag.removeprefix("--vlm-").replace("-", "_")
        assert option.env == "VLMCORE_" + option.flag.removeprefix("--vlm-").replace("-", "_").upper()


def test_help_shows_each_default(pytester):
    # argparse wraps lines and breaks a long default (a comma list of families) inside a word:
    # compare with every space removed.
    text = "".join(pytester.runpytest_subprocess("--help").stdout.str().split())
    for option in OPTIONS:
        if option.default is not None:
            assert "".join(f"(default: {option.default})".split()) in text, option.flag


def test_a_bad_value_from_the_environment_is_a_usage_error_naming_the_variable(pytester, monkeypatch):
    monkeypatch.setenv("VLMCORE_DTYPE", "float8")
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_consistency")
    assert result.ret == 4
    assert "VLMCORE_DTYPE (environment, for --vlm-dtype): 'float8' is not one of auto" in result.stderr.str()


def test_a_bad_device_on_the_command_line_is_a_usage_error_naming_the_option(pytester):
    result = run_suite(pytester, "-m", "smoke", "--vlm-device", "gpu0")
    assert result.ret == 4
    assert "argument --vlm-device: 'gpu0' is not auto, cpu, cuda or cuda:N" in result.stderr.str()


def test_the_plugin_loads_without_xdist(pytester, tmp_path):
    """``-p no:xdist`` (a common way to debug a run in one process): the plugin's xdist hooks are
    optional, so the run neither stops on an unknown hook nor loses anything. (It stopped with an
    INTERNALERROR "unknown hook 'pytest_testnodedown'", found 2026-12-05.)"""
    pytester.makepyfile(test_other="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:xdist", "-p", "no:cacheprovider", "test_other.py")
    assert result.ret == 0 and "INTERNALERROR" not in result.stdout.str() + result.stderr.str(), result.stdout.str()[-2000:]
    result = run_suite(pytester, "-p", "no:xdist", "-m", "smoke", "-k", "test_model and tiny-llava", "--vlm-report-dir", str(tmp_path))
    text = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in text and result.ret in (0, 1, 10), text[-3000:]
    assert (tmp_path / "latest.txt").is_file(), text[-3000:]
