"""Hostile datasets end to end through ``pytest benchmarks`` (issue 23 items 5 and 10): refused at
start-up with exit 4 and a message naming file and row, before any model loads; a question with a
right-to-left override runs, and the reports show it escaped."""

import pytest

from tests.plugin.conftest import copy_phantom, latest_run, run_suite
from vlmcore.perf.refusals import parquet_30m_rows

SELECTION = ["-m", "smoke", "-k", "tiny-medgemma and test_group_consistency"]


def _edit_phantom(tmp_path, old: str, new: str, count: int = 1):
    folder = copy_phantom(tmp_path)
    dataset = folder / "dataset.csv"
    text = dataset.read_text()
    assert old in text
    dataset.write_text(text.replace(old, new, count))
    return dataset


def test_a_30_million_row_parquet_is_refused_at_start(pytester, tmp_path):
    path = parquet_30m_rows(tmp_path)
    result = run_suite(pytester, *SELECTION, "--vlm-dataset", str(path), "--vlm-report-dir", str(tmp_path / "r"))
    assert result.ret == 4
    assert f"{path}, row 1000001: more than 1,000,000 rows: over the dataset budget" in result.stderr.str()


@pytest.mark.parametrize("old, new, column, message", [
    ("phantom00-cardiomegaly-base,", "phantom00-cardiomegaly-b\u200base,", "case_id", "U+200B ZERO WIDTH SPACE"),
    (",p01,phantom00,test\n", ",p\u043e1,phantom00,test\n", "patient_id", "mixes letters of CYRILLIC and LATIN scripts"),
], ids=["zero-width-space", "cyrillic-o"])
def test_an_identifier_a_reader_cannot_see_is_refused_at_start(pytester, tmp_path, old, new, column, message):
    dataset = _edit_phantom(tmp_path, old, new)
    result = run_suite(pytester, *SELECTION, "--vlm-dataset", str(dataset), "--vlm-report-dir", str(tmp_path / "r"))
    assert result.ret == 4
    assert f"{dataset}, row 2, column '{column}'" in result.stderr.str() and message in result.stderr.str()


def test_a_right_to_left_override_in_a_question_is_escaped_in_every_report(pytester, tmp_path):
    dataset = _edit_phantom(tmp_path, '"In this image, is there cardiomegaly?"', '"In this image, is there \u202eylagemoidrac?"')
    pytester.makepyfile(flips_on_override='''
        import numpy as np
        from vlmcore.testing import ScriptedAdapter


        def margin(question, image):
            says = 2.0 if float(np.mean(image)) < 120 else -2.0
            return -says if "\u202e" in question else says  # the override flips the answer: the question is reported


        def pytest_vlmcore_make_adapter(spec, run):
            if spec.key == "tiny-medgemma":
                return ScriptedAdapter(margin, name="override-flipper")
    ''')
    result = run_suite(pytester, *SELECTION, "--vlm-dataset", str(dataset), "--vlm-report-dir", str(tmp_path / "r"), plugin="flips_on_override")
    assert result.ret in (0, 1, 10)
    run = latest_run(tmp_path / "r")
    for name in ("report.html", "report.md"):
        text = (run / name).read_text()
        assert "\u202e" not in text, name
    results = (run / "results.jsonl").read_text()
    assert "\\u202eylagemoidrac" in results  # the data keeps what the dataset holds; only the reports escape it
    escaped = "⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩ylagemoidrac"
    assert escaped in (run / "report.html").read_text()  # the flipped pair's caption and the explain command
    assert "\u202e" not in result.stdout.str()  # nor raw in the terminal
