"""report.md goes into $GITHUB_STEP_SUMMARY, which renders HTML: user text must arrive inert."""

from dataclasses import replace

from tests.report.test_html_in_chromium import _report
from vlmcore.report.markdown import render_markdown
from vlmcore.report.run_report import CaseOutcome


def test_questions_ids_and_messages_cannot_inject_html_or_break_tables():
    report = _report()
    hostile = "<img src=x onerror=alert(1)>|[click](http://evil)`x`"
    report.rows = [replace(r, question=hostile) for r in report.rows]
    report.cases = [CaseOutcome("b::t[m-g0]", "test_group_consistency", "m", f"g0{hostile}", "failed", f"flipped: {hostile}\nsecond line")]
    report.flips = [{"model": "m", "group_id": "g<b>", "question": hostile, "paraphrase": "p|q", "found": True, "transforms": ["voice"]}]
    text = render_markdown(report)
    assert "<img" not in text and "<b>" not in text and "[click](" not in text
    assert "&lt;img src=x onerror=alert(1)>\\|\\[click\\](http://evil)\\`x\\`" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| test_group_consistency |")]
    assert table_rows and all(row.count("|") - row.count("\\|") == 5 for row in table_rows)  # 4 cells: 5 bare pipes
    assert "second line" in table_rows[-1]  # the example row: the message's line break did not end the row


def test_summary_json_stays_valid_json_when_a_metric_is_not_finite(tmp_path):
    import json
    from dataclasses import replace as with_values

    from vlmcore.report.json_files import write_summary

    report = _report()
    report.rows = [with_values(r, metrics=dict(r.metrics, js_to_base=float("nan"))) for r in report.rows]
    from vlmcore.metrics.summary import summarise_run

    report.summary = summarise_run(report.rows)
    text = write_summary(report, tmp_path).read_text()
    document = json.loads(text)  # strict parsers refuse NaN; the file has none
    assert "NaN" not in text and document["non_finite_values_replaced"] > 0
    assert document["models"]["m"]["js_divergence"]["value"] is None
