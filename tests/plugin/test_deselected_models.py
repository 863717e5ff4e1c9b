"""``-m`` that deselects every case of a model asked for by ``--vlm-model`` says which marker
selects it (pytest alone prints only "N deselected" and exits 5)."""

from tests.plugin.conftest import PHANTOM, run_suite


def _run(pytester, *args):
    return run_suite(pytester, "--vlm-dataset", str(PHANTOM / "dataset.csv"), "--vlm-report-dir", str(pytester.path / "r"), *args)


def test_a_marker_that_deselects_a_requested_model_names_the_marker_it_needs(pytester):
    result = _run(pytester, "-m", "medgemma", "--vlm-model", "tiny-llava,tiny-blip2")
    out = result.stdout.str()
    assert result.ret == 5
    for model in ("tiny-llava", "tiny-blip2"):
        assert f"vlmcore: {model} was requested (--vlm-model) but -m 'medgemma' deselected all" in out
    assert "they carry the marker 'smoke' (select them with -m smoke, or -m 'medgemma or smoke')" in out


def test_no_such_line_when_the_model_keeps_cases(pytester):
    result = _run(pytester, "-m", "smoke", "--vlm-model", "tiny-llava", "-k", "test_model and consistency")
    assert result.ret in (0, 1, 10) and "was requested (--vlm-model) but" not in result.stdout.str()


def test_the_marker_line_also_comes_under_xdist(pytester):
    """The controller collects nothing under ``-n``: the workers' counts reach it, once, not per worker."""
    result = _run(pytester, "-n", "2", "-m", "medgemma", "--vlm-model", "tiny-llava")
    out = result.stdout.str()
    assert result.ret == 5
    line = next(line for line in out.splitlines() if "vlmcore: tiny-llava was requested (--vlm-model) but -m 'medgemma'" in line)
    single = _run(pytester, "-m", "medgemma", "--vlm-model", "tiny-llava").stdout.str()
    assert line in single  # the same count as a single-process run: one worker's view, not the sum
