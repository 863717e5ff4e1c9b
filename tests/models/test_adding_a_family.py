"""Adding a model family is one ``FamilySpec`` plus its implementation.

A plugin module holds the whole addition (here LLaVA-Rad as a family of its own: a two-line
adapter subclass, a tiny builder and the spec); with it loaded the family has a marker, is
benchmarked by default with a smoke model, is found by ``model_type`` when a checkpoint is
loaded, and every contract test runs on it. Nothing else in vlmcore is edited.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAMILY_PLUGIN = '''
from vlmcore.models import FamilySpec, register_family
from vlmcore.models.capabilities import VISION_HOOK
from vlmcore.models.families import DECODER_ONLY
from vlmcore.models.llava import LlavaAdapter


class LlavaRadAdapter(LlavaAdapter):
    family = "llava_rad"


def build_llava_rad(size, seed):
    from vlmcore.models.tiny.builders import build_llava

    return build_llava(size, seed + 7)


register_family(FamilySpec(
    "llava_rad", "family_plugin:LlavaRadAdapter", "LlavaForConditionalGeneration", "cases on LLaVA-Rad (added by a plugin)",
    "family_plugin:build_llava_rad", DECODER_ONLY | VISION_HOOK, ("llava_rad",), "microsoft/llava-rad"))
'''

DERIVED = '''
def test_every_table_knows_the_new_family():
    from vlmcore.models import ADAPTERS, tiny_adapter
    from vlmcore.models.families import default_families, families_with, family_of_model_type
    from vlmcore.models.capabilities import Capability
    from vlmcore.models.loading import default_checkpoint
    from vlmcore.plugin.options import BY_NAME

    assert ADAPTERS.get("llava_rad").__name__ == "LlavaRadAdapter"
    assert family_of_model_type("llava_rad") == "llava_rad" and default_checkpoint("llava_rad") == "microsoft/llava-rad"
    assert "llava_rad" in default_families() and "llava_rad" in BY_NAME["model"].default
    assert "llava_rad" in families_with(Capability.GRAD_CAM)
    adapter = tiny_adapter("llava_rad")
    assert adapter.name == "tiny-llava_rad" and Capability.PIN_FILM in adapter.capabilities
'''


def test_a_family_added_by_a_plugin_appears_everywhere(pytester):
    pytester.makepyfile(family_plugin=FAMILY_PLUGIN, test_derived=DERIVED)
    derived = pytester.runpytest_subprocess("-p", "family_plugin", "test_derived.py", "-p", "no:cacheprovider")
    derived.assert_outcomes(passed=1)
    markers = pytester.runpytest_subprocess("-p", "family_plugin", "--markers").stdout.str()
    assert "@pytest.mark.llava_rad: cases on LLaVA-Rad (added by a plugin)" in markers
    contract = pytester.runpytest_subprocess("-p", "family_plugin", str(REPO / "tests" / "models"), "--collect-only", "-q",
                                             "-k", "llava_rad", "-p", "no:cacheprovider", f"--rootdir={REPO}")
    collected = [line for line in contract.stdout.lines if "[llava_rad" in line]
    for contract_test in ("test_score_matches_first_generation_step", "test_batch_of_four_with_padding_equals_one_by_one",
                          "test_captured_rows_equal_eager_rows", "test_grad_cam_is_non_uniform_and_depends_on_target",
                          "test_perturbing_one_cell_moves_that_token_most"):
        assert any(f"::{contract_test}[llava_rad]" in line for line in collected), contract_test


@pytest.mark.slow
def test_the_new_family_runs_the_benchmark_under_its_smoke_model(pytester, tmp_path):
    pytester.makepyfile(family_plugin=FAMILY_PLUGIN)
    result = pytester.runpytest_subprocess(str(REPO / "benchmarks"), "-p", "family_plugin", "-m", "smoke", "-k",
                                           "tiny-llava_rad and test_group_accuracy", "-p", "no:cacheprovider", "-q",
                                           "--vlm-report-dir", str(tmp_path))
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("xfailed", 0) == 22, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*tiny-llava_rad*"])
