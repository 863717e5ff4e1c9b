"""The probes as users meet them: ``pytest benchmarks`` with scripted models (a conftest hook) on the
bundled phantom test set (80 patients), exit codes and the report's grounding section."""

import os
import textwrap
from pathlib import Path

import pytest

from tests.grounding.scripted_models import TEST_SET
from tests.plugin.conftest import latest_run, read_summary, run_suite

REPO = Path(__file__).resolve().parents[2]
PLUGIN = '''
from vlmcore.testing import ScriptedAdapter
from tests.grounding import scripted_models


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-llava":
        return ScriptedAdapter(scripted_models.{rule}, name="{rule}")
'''


def _run(pytester, tmp_path, rule: str):
    pytester.makepyfile(**{f"scripted_{rule}": textwrap.dedent(PLUGIN.format(rule=rule))})
    os.environ["PYTHONPATH"] = f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    report = tmp_path / rule
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava and (test_model or grounding)", "--vlm-dataset", str(TEST_SET),
                       "--vlm-report-dir", str(report), "--vlm-progress", "off", plugin=f"scripted_{rule}")
    return result, report


@pytest.fixture
def restore_pythonpath():
    saved = os.environ.get("PYTHONPATH")
    yield
    if saved is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = saved


@pytest.mark.slow
def test_a_model_that_reads_the_film_passes_and_ones_that_ignore_the_lesion_or_the_film_fail(pytester, tmp_path, restore_pythonpath):
    grounded, report = _run(pytester, tmp_path, "reads_the_film")
    assert grounded.ret == 0, grounded.stdout.str()[-3000:]
    summary = read_summary(report)["models"]["tiny-llava"]
    assert summary["label_swap"]["value"] == 1.0 and summary["lesion_occlusion"]["value"] == 1.0
    assert summary["mirror_laterality"]["value"] == 1.0
    page = (latest_run(report) / "report.md").read_text()
    assert "## Does the answer come from the film?" in page and "| tiny-llava | Ideal |" in page
    blind_to_lesion, report = _run(pytester, tmp_path, "ignores_the_lesion")  # same answers on every dataset film
    assert blind_to_lesion.ret == 1, blind_to_lesion.stdout.str()[-3000:]
    blind_to_lesion.stdout.fnmatch_lines(["*FAIL tiny-llava lesion_occlusion (model): 0.500*"])
    summary = read_summary(report)["models"]["tiny-llava"]
    assert summary["label_swap"]["value"] == 1.0 and summary["lesion_occlusion"]["value"] == 0.5
    question, report = _run(pytester, tmp_path, "question_only")
    assert question.ret == 1
    question.stdout.fnmatch_lines(["*FAIL tiny-llava label_swap (model): 0.500*"])
    page = (latest_run(report) / "report.md").read_text()
    assert "| tiny-llava | **Worst** |" in page  # neither consistent (answers hash the wording) nor grounded
    outcomes = question.parseoutcomes()
    assert outcomes["failed"] >= 2 and outcomes["xfailed"] > 100  # label swap, occlusion; the per-group probe cases: diagnostics


def test_a_whole_run_without_probes_skips_their_cases_by_name(pytester, tmp_path, restore_pythonpath):
    """``--vlm-probes none`` (or a dataset that allows no trial of a probe) leaves the per-group probe
    cases with no subject: pytest's own empty-parameter case carries no model, which crashed the report
    with an internal error. Every model gets one skipped case per probe, saying why."""
    pytester.makepyfile(**{"scripted_reader": textwrap.dedent(PLUGIN.format(rule="by_label"))})
    os.environ["PYTHONPATH"] = f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava and (grounding or test_group_consistency or test_lesion_occlusion)", "--vlm-dataset",
                       str(TEST_SET), "--vlm-report-dir", str(tmp_path / "r"), "--vlm-progress", "off", "--vlm-probes", "label_swap",
                       "-rs", plugin="scripted_reader")
    out = result.stdout.str()
    assert result.ret in (0, 1, 10), out[-3000:]
    assert "INTERNALERROR" not in out
    for kind in ("lesion_occlusion", "mirror_laterality"):
        assert f"the {kind} probe is not run (--vlm-probes leaves it out)" in out
    assert "label_swap probe is not run" not in out
    assert "lesion_occlusion : not judged: the lesion_occlusion probe was not run (--vlm-probes label_swap)" in out  # model level
    assert (latest_run(tmp_path / "r") / "summary.json").is_file()
