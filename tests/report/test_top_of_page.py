"""The report read at a glance (issue 30 item 5): the chart beside the verdict draws the decision's
own numbers (baseline beside candidate when gated), paired tests only for the pairs that matter,
long lists capped with a count and where the rest is, report.md with one table per concept."""

import html
import json
import re
from dataclasses import replace

import pytest

from tests.report.test_html_in_chromium import _report
from tests.verdict.rows import group, row
from vlmcore.metrics.specs import Scope
from vlmcore.metrics.summary import summarise_run
from vlmcore.report.chart import beyond_the_rates, chart_rows, gate_chart_svg
from vlmcore.report.comparison_section import comparison_tables, pairs_that_matter
from vlmcore.report.html import render_html
from vlmcore.report.markdown import render_markdown
from vlmcore.report.run_report import RunReport
from vlmcore.report.write import write_report
from vlmcore.verdict.decision import NewFlip, decide_against_baseline, decide_first_run
from vlmcore.verdict.gate_settings import GateSettings
from vlmcore.verdict.manifest import RunManifest
from vlmcore.verdict.thresholds import load_thresholds


def _study(patients: int, flipped: int = 0, model: str = "m") -> list:
    """``patients`` patients, each a group of a base question, four paraphrases and a negated
    control; in the first ``flipped`` patients two paraphrases change their answer."""
    rows = []
    for index in range(patients):
        cluster = f"p{index:02d}"
        answers = ["no", "no", "yes", "yes"] if index < flipped else ["yes"] * 4
        rows += group(cluster, answers, model=model)
        rows.append(row(f"{cluster}-neg", cluster=cluster, relation="inverted", answer="no", base_answer="yes", expected="no",
                        model=model))
    metrics = {"inside_body_ratio": 0.9, "border_fraction": 0.1, "js_to_base": 0.0, "focus": 0.2, "patient_right": 0.5,
               "patient_left": 0.5, "apical": 0.4, "basal": 0.6, "border_ratio": 1.0}
    return [replace(r, metrics=metrics) for r in rows]


def _gated_report(flipped: int) -> RunReport:
    baseline, candidate = _study(40), _study(40, flipped)
    thresholds = load_thresholds()
    decision = decide_against_baseline(candidate, baseline, GateSettings(), "release", ["m"], thresholds=thresholds)
    return RunReport("gated", candidate, summarise_run(candidate), [], thresholds.describe(), {"software": {}}, decision,
                     RunManifest("gated", "d.csv", "fp", thresholds.gate))


def test_the_chart_draws_the_decisions_numbers_with_the_baseline_beside_the_candidate():
    report = _gated_report(flipped=8)
    decision = report.decision
    assert str(decision.status) == "FAIL"
    rows = {r.rate: r for r in chart_rows(decision)}
    checks = {c.rate: c for c in decision.checks if c.model_level and c.population == "all cases" and c.gating}
    assert set(rows) == {rate for rate, c in checks.items() if c.passed is not None}  # every judged gating rate, no other
    for rate, line in rows.items():
        check = checks[rate]
        assert (line.candidate.value, line.candidate.low, line.candidate.high) == (check.value, check.interval.low, check.interval.high)
        assert line.threshold == check.threshold
    consistency = rows["consistency"]
    gate = next(g for g in decision.gate if g.rate == "consistency" and g.scope is Scope.MODEL)
    assert consistency.baseline is not None and consistency.baseline.value == gate.baseline_value == 1.0
    assert consistency.baseline.low < 1.0 <= consistency.baseline.high  # its interval, not a bare point
    assert consistency.gate_limit == gate.baseline_value - gate.margin
    # 0.900 holds its first-run bar (its bound is above 0.9) but 8 patients turned worse: the gate fails it
    assert consistency.result == "pass" and consistency.gate_outcome in ("REGRESSION", "HARM")
    svg = gate_chart_svg(decision)
    assert svg.startswith("<svg") and "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert len(re.findall(r"class='chart-row'", svg)) == len(rows)
    assert "data-rate='consistency' data-result='pass'" in svg and f">gate {consistency.gate_outcome}<" in svg
    assert "baseline (paired cases)" in svg


def test_the_top_of_the_page_holds_verdict_reasons_and_chart_before_any_table():
    page = render_html(_gated_report(flipped=8))
    top = page[page.index("<div class='top'>"):page.index("<h2>")]
    assert "id='verdict'" in top and "<svg class='gate-chart'" in top
    assert "m: <span class='fail'>FAIL</span>" in top
    first_reason = _gated_report(flipped=8).decision.models[0].reasons[0]
    assert first_reason in html.unescape(top)
    clean = render_html(_gated_report(flipped=0))
    assert "<span id='verdict' class='pass'>PASS</span>" in clean and "data-result='pass'" in clean


def test_a_first_run_chart_marks_thin_data_not_judged_never_pass():
    rows = chart_rows(_report().decision)  # 3 patients: every check holds, nothing can be judged
    assert rows and {r.result for r in rows} == {"not judged"} and all(r.baseline is None for r in rows)


def test_paired_tests_show_the_reference_pairs_and_put_the_others_one_click_away():
    rows = [replace(r, model=name) for name in ("a", "b", "c", "d", "e") for r in _study(12)]
    tables = {t.title: t for t in comparison_tables(rows)}
    main = tables["Paired tests on shared cases"]
    assert {r[0] for r in main.rows} == {"a vs b", "a vs c", "a vs d", "a vs e"} and not main.collapsed
    others = next(t for title, t in tables.items() if title.startswith("Paired tests between the other"))
    assert others.collapsed and {r[0] for r in others.rows} == {"b vs c", "b vs d", "b vs e", "c vs d", "c vs e", "d vs e"}
    assert "<details class='collapsed-table'>" in others.html() and "<details>" in "".join(others.markdown())
    assert pairs_that_matter(["a", "b", "c"], reference="c") == [("c", "a"), ("c", "b")]
    assert pairs_that_matter(["x (old)", "y (old)", "x (new)", "y (new)"], pairs=[("x (old)", "x (new)"), ("y (old)", "y (new)")]) \
        == [("x (old)", "x (new)"), ("y (old)", "y (new)")]


def test_new_flips_are_capped_with_a_count_and_all_of_them_are_in_a_file(tmp_path):
    report = _gated_report(flipped=8)
    flips = tuple(NewFlip("m", f"g{i}", f"c{i}", "voice", "Is there X?", "yes", f"Paraphrase {i}?", "no") for i in range(83))
    report.decision = replace(report.decision, new_flips=flips)
    run = write_report(report, tmp_path)
    page, markdown = (run / "report.html").read_text(), (run / "report.md").read_text()
    for text in (page, markdown):
        assert "New flips (83)" in text and "20 of 83 listed here; all 83 are in new_flips.jsonl" in text
        assert "Paraphrase 19?" in text and "Paraphrase 20?" not in text
    saved = [json.loads(line) for line in (run / "new_flips.jsonl").read_text().splitlines()]
    assert len(saved) == 83 and saved[82]["paraphrase"] == "Paraphrase 82?"


def test_report_md_states_each_judged_number_once():
    report = _gated_report(flipped=0)
    markdown = render_markdown(report)
    assert "## Scorecard" not in markdown and "Models side by side" not in markdown
    consistency = next(c for c in report.decision.checks if c.check == "consistency" and c.population == "all cases")
    judged = f"| m | consistency | model | {consistency.value:.3f} |"
    assert markdown.count(judged) == 1  # in the checks table
    measures = markdown[markdown.index("## Measures"):markdown.index("## Measures") + 4000]
    assert "| consistency |" not in measures and "| accuracy (all cases) |" not in measures  # judged: not repeated
    assert "| fully consistent groups |" in measures and "| clusters | more is better | 40 by patient |" in measures
    assert "### Accuracy by finding" not in markdown  # finding_accuracy judged every finding: the checks table has them
    # a first run of two models keeps what no check judged (accuracy by strategy) and the paired tests
    first = _report()
    two = render_markdown(first)
    assert "### Accuracy by strategy" in two and "### Paired tests on shared cases" in two


def test_first_run_without_baseline_draws_no_baseline():
    rows = _study(40)
    thresholds = load_thresholds()
    decision = decide_first_run(rows, thresholds, ["m"])
    lines = chart_rows(decision)
    assert str(decision.status) == "PASS" and {r.result for r in lines} == {"pass"}
    assert all(r.baseline is None and r.gate_limit is None for r in lines)
    assert "hollow: baseline" not in gate_chart_svg(decision)


def test_verdict_reasons_and_chart_are_on_screen_at_1400_by_900_in_headless_chromium(tmp_path):
    """The first screen a reader sees, rendered for real: the chart's shaded fail side and its
    points lie inside the 1400 x 900 window, beside the red verdict."""
    import shutil
    import subprocess

    import numpy as np
    from PIL import Image

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium); the screenshot check needs it")
    page = tmp_path / "report.html"
    page.write_text(render_html(_gated_report(flipped=8)))
    shot = tmp_path / "top.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=3000",
                    "--window-size=1400,900", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, text=True, timeout=120)
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape[:2] == (900, 1400)

    def near(colour: str, region) -> int:
        target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(region - target).sum(axis=2) < 12).sum())

    assert near("#fdecea", pixels) > 2000  # the chart's fail-side shading, on screen
    assert near("#7f8c8d", pixels) > 50  # the baseline's hollow points and whiskers
    assert near("#b03a2e", pixels[:120, :700]) > 50  # the verdict FAIL, top left


def test_a_model_failing_only_in_a_subgroup_shows_red_under_the_chart():
    """36 patients of one finding answered right, 10 of another answered consistently wrong: the
    model-level rates hold, finding_accuracy for the second fails; the chart must not look all green."""
    right = _study(36)
    wrong = [replace(r, finding="effusion", patient_id=f"q{r.patient_id}", group_id=f"q{r.group_id}", case_id=f"q{r.case_id}",
                     expected="no" if r.relation != "inverted" else "yes")
             for r in _study(10)]
    decision = decide_first_run(right + wrong, load_thresholds(), ["m"])
    assert str(decision.status) == "FAIL"
    assert {r.rate: r.result for r in chart_rows(decision)}["consistency"] == "pass"
    (line,) = beyond_the_rates(decision)
    assert line.result == "FAIL" and any(name.startswith("finding_accuracy (finding effusion) 0.000") for name in line.failed)
    svg = gate_chart_svg(decision)
    assert "class='chart-beyond' data-model='m' data-result='FAIL'" in svg and "finding_accuracy (finding effusion)" in svg
    assert "data-result='pass'" in gate_chart_svg(decide_first_run(right, load_thresholds(), ["m"])).split("chart-beyond")[1]


def test_a_long_model_name_keeps_its_ends_in_the_label_column():
    """The label column is fixed; "medgemma@medgemma-robust" overflowed it and lost its family
    (seen in a headless-Chromium screenshot of the demo's report, 2026-12-05)."""
    from vlmcore.report.chart import LABEL_CHARS, _label

    assert _label("llava@robust-seed1") == "llava@robust-seed1"
    shown = _label("medgemma@medgemma-robust-finetune-v2")
    assert len(shown) == LABEL_CHARS and shown.startswith("medgemma@") and shown.endswith("-v2") and "\u2026" in shown
