"""The map checks are per paraphrase group: a model whose base-question maps are measured but
whose paraphrases' maps fall back (the case a base-map-only check would let through) fails every
group's map check, each failure naming the fallback cases; ``allow_fallback_maps`` lets them by."""

import textwrap

from tests.plugin.conftest import NO_PROBES, SCRIPTED_PLUGIN, read_results, read_summary, run_suite

FALLBACK_ON_PARAPHRASES = SCRIPTED_PLUGIN.format(behaviour="honest") + '''
from dataclasses import replace


class FallsBackOnPhrasing(ScriptedAdapter):
    def _map(self, request):
        measured = super()._map(request)
        return replace(measured, fallback=True) if "present" in request.question.lower() else measured


def pytest_vlmcore_make_adapter(spec, run):
    if spec.key == "tiny-medgemma":
        return FallsBackOnPhrasing(margin, name="phrasing-fallback")
'''

SELECTION = ("-m", "smoke", "-k", "tiny-medgemma and (test_group_maps_measured or test_group_attention_inside_body)", *NO_PROBES)


def test_paraphrase_fallback_maps_fail_their_group_and_are_named(pytester, tmp_path):
    pytester.makepyfile(fallbacks=textwrap.dedent(FALLBACK_ON_PARAPHRASES))
    result = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "r"), plugin="fallbacks")
    rows = [r for r in read_results(tmp_path / "r") if r["model"] == "tiny-medgemma" and r["relation"] != "counterfactual"]
    fell_back = {g: sorted(r["case_id"] for r in rows if r["group_id"] == g and r["map_fallback"]) for g in {r["group_id"] for r in rows}}
    assert any(fell_back.values()) and not any(r["map_fallback"] for r in rows if r["relation"] == "base")
    failed = {case["subject"]: case["message"] for case in read_summary(tmp_path / "r")["failed_cases"]
              if case["check"] == "test_group_maps_measured"}
    assert set(failed) == {group for group, cases in fell_back.items() if cases}
    for group, message in failed.items():
        assert all(case in message for case in fell_back[group]), (group, message)
    assert result.ret == 1, result.stdout.str()[-2000:]  # (the scripted rule also fails accuracy here: the cases above are the proof)

    lenient = tmp_path / "lenient.toml"
    lenient.write_text("[thresholds]\nallow_fallback_maps = true\n")
    allowed = run_suite(pytester, *SELECTION, "--vlm-report-dir", str(tmp_path / "a"), "--vlm-thresholds", str(lenient),
                        plugin="fallbacks")
    assert all(case["check"] != "test_group_maps_measured" for case in read_summary(tmp_path / "a")["failed_cases"])
