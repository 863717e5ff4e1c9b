"""Extending vlmcore from a plugin, as a user does: a new rate (one ``RateSpec``) becomes a
benchmark case, a summary entry and a scorecard line; the summary, report-section and
environment hooks add to the run's files; a hook that returns something that is not an adapter
is refused by name."""

import json
import textwrap

from tests.plugin.conftest import SCRIPTED_PLUGIN, latest_run, read_summary, run_suite

EXTENSION = '''
from vlmcore.metrics.rates import register_rate
from vlmcore.metrics.specs import CheckSpec, RateSpec
from vlmcore.report.sections import Section
from vlmcore.report.tables import Table

register_rate(RateSpec("yes_rate", "answered yes", "share of cases answered yes", False, lambda r: True,
                       lambda r: r.answer == "yes", bar=0.99, checks=(CheckSpec(),)))


def pytest_vlmcore_update_summary(config, model, rows, summary):
    summary.extras["questions_seen"] = len({r.question for r in rows})


def pytest_vlmcore_report_sections(config, report):
    return [Section("Site notes", ("Reviewed by the imaging team.",), (Table("Films", ("model", "films"), (("m", 22),)),))]


def pytest_vlmcore_update_environment(config, environment):
    environment.software["site"] = "ward 7"
'''

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and (test_yes_rate or test_group_consistency)"]


def test_a_rate_and_the_report_hooks_added_by_a_plugin(pytester, tmp_path):
    pytester.makepyfile(extension=textwrap.dedent(SCRIPTED_PLUGIN.format(behaviour="honest")) + EXTENSION)
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path), "-rA", plugin="extension")
    result.stdout.fnmatch_lines(["*PASSED*test_model.py::test_yes_rate[[]tiny-medgemma[]]*"])
    summary = read_summary(tmp_path)
    model = summary["models"]["tiny-medgemma"]
    assert model["yes_rate"]["clusters"] == 6 and 0.0 <= model["yes_rate"]["value"] <= 1.0
    assert model["extras"] == {"questions_seen": len({r["question"] for r in _rows(tmp_path)})}
    assert summary["environment"]["software"]["site"] == "ward 7"
    assert summary["thresholds"]["thresholds"]["yes_rate"] == 0.99
    assert any(c["check"] == "yes_rate" for c in summary["decision"]["checks"])
    report = (latest_run(tmp_path) / "report.md").read_text()
    assert "## Site notes" in report and "Reviewed by the imaging team." in report and "| m | 22 |" in report
    assert "| yes_rate |" in report and "answered yes" in report  # scorecard line, summary column
    assert "<h2>Site notes</h2>" in (latest_run(tmp_path) / "report.html").read_text()


def _rows(report_dir):
    return [json.loads(line) for line in (latest_run(report_dir) / "results.jsonl").read_text().splitlines()]


def test_a_hook_returning_something_that_is_not_an_adapter_fails_its_cases_naming_the_hook(pytester, tmp_path):
    pytester.makepyfile(not_an_adapter='''
def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return object()
''')
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-medgemma and test_group_accuracy", "--vlm-report-dir", str(tmp_path),
                       plugin="not_an_adapter")
    assert result.ret == 10  # every case failed, nothing was evaluated: NOT EVALUATED
    result.stdout.fnmatch_lines(["*pytest_vlmcore_make_adapter for tiny-medgemma returned object, which does not meet the vlmcore "
                                 "Adapter protocol*lacks name, fingerprint, dtype, device, capabilities, evaluate*"])
