"""A run of benchmark cases only leaves out pytest's per-case log capture (``plugin.log_capture``); any
run that asks for logs, uses ``caplog`` or holds other tests keeps it."""

import textwrap
from types import SimpleNamespace

import pytest

from tests.plugin.conftest import run_suite
from vlmcore.plugin.log_capture import LOGGING_PLUGIN, drop_per_case_capture


def _case(model="m", fixtures=("vlm", "vlm_model")):
    return SimpleNamespace(callspec=SimpleNamespace(params={"vlm_model": model}), fixturenames=list(fixtures))


def _plain():
    return SimpleNamespace(fixturenames=["tmp_path"])


def _is_case(item) -> bool:
    return "vlm_model" in getattr(getattr(item, "callspec", None), "params", {})


@pytest.mark.parametrize("args, ini, items, dropped", [
    ((), "", [_case(), _case()], True),
    (("--log-level", "INFO"), "", [_case()], False),
    (("--log-file", "run.log"), "", [_case()], False),
    ((), "log_cli = true", [_case()], False),
    ((), "log_level = DEBUG", [_case()], False),
    ((), "", [_case(), _plain()], False),  # another project's test in the same run
    ((), "", [_case(fixtures=("vlm", "vlm_model", "caplog"))], False),
    ((), "", [], False),
], ids=["benchmark-only", "log-level", "log-file", "ini-log-cli", "ini-log-level", "mixed", "caplog", "empty"])
def test_dropped_only_for_benchmark_cases_nobody_asked_logs_of(pytester, args, ini, items, dropped):
    pytester.makeini(f"[pytest]\n{ini}\n")
    config = pytester.parseconfigure(*args)
    assert config.pluginmanager.get_plugin(LOGGING_PLUGIN) is not None
    assert drop_per_case_capture(config, items, _is_case) is dropped
    assert (config.pluginmanager.get_plugin(LOGGING_PLUGIN) is None) is dropped


RECORDER = '''
import json, os


def pytest_sessionfinish(session):
    with open(os.environ["LOG_PLUGIN_SEEN"], "a") as out:
        out.write(json.dumps(session.config.pluginmanager.get_plugin("logging-plugin") is not None) + "\\n")
'''


def test_a_benchmark_run_has_no_log_capture_and_a_log_option_brings_it_back(pytester, tmp_path, monkeypatch):
    pytester.makepyfile(recorder=textwrap.dedent(RECORDER))
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("LOG_PLUGIN_SEEN", str(seen))
    selection = ("-m", "smoke", "-k", "tiny-llava and test_model and consistency", "-p", "no:xdist", "--vlm-report-dir", str(tmp_path / "r"))
    for extra in ((), ("--log-level", "WARNING")):
        result = run_suite(pytester, *selection, *extra, plugin="recorder")
        assert result.ret in (0, 1, 10), result.stdout.str()[-2000:] + result.stderr.str()[-2000:]
    assert seen.read_text().split() == ["false", "true"]
