"""Chat templates render within a budget of steps, time and size, and processor image sizes are
checked before any film is processed (issue 23 item 5). Each hostile case is refused quickly with
a message naming the limit; bundled templates render exactly as transformers renders them."""

import json
import time

import pytest

from vlmcore.models.pixel_budget import PixelBudgetExceeded, check_checkpoint_pixels, check_pixel_settings
from vlmcore.models.template_budget import TemplateBudgetExceeded, check_checkpoint_templates, render_budgeted, render_chat_prompt

MESSAGES = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Is there a pleural effusion?"}]}]
HOSTILE = [
    ("nested-100000-step-loops", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "more than 1,000,000 steps"),
    ("3e9-characters-printed", "{% for i in range(100000) %}{% for j in range(30000) %}x{% endfor %}{% endfor %}",
     "more than 1,000,000 steps|took more than 2 s"),  # ~1.2 s to reach the step budget; on a loaded machine the clock stops it first
    ("string-times-3e9", "{{ 'x' * 3000000000 }}", "a value of 3,000,000,000 characters"),
    ("list-times-3e9", "{{ ([1] * 3000000000)|length }}", "a value of 3,000,000,000 characters/items"),
    ("doubling-concatenation", "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "a '~' concatenation of 1,048,576"),
    ("doubling-plus", "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     "a value of 1,048,576"),
    ("output-in-a-set-block", "{% set s %}{% for i in range(1000) %}{{ 'y' * 999999 }}{% endfor %}{% endset %}",
     "more than 1,000,000 characters of output"),
    ("center-filter", "{{ 'x'|center(3000000000) }}", "the 'center' filter's argument 3,000,000,000"),
    ("indent-filter", "{{ 'a\nb'|indent(3000000000) }}", "the 'indent' filter's argument"),
    ("ljust-method", "{{ 'x'.ljust(3000000000) }}", "the 'ljust' method's argument"),
    ("format-width", "{{ '{:>3000000000}'.format(1) }}", "a format string with a width of a million or more"),
    ("format-map-width", "{{ '{a:>3000000000}'.format_map({'a': 1}) }}", "a format string with a width"),
    ("percent-width", "{{ '%3000000000s' % 'x' }}", "a format string with a width"),
    ("join-amplifies", "{{ (['x' * 999999] * 2)|join('y') }}", "'join' would build 1,999,999 characters"),
    ("replace-amplifies", "{{ ('x' * 1000)|replace('x', 'y' * 2000) }}", "'replace' would build 2,000,000 characters"),
    ("huge-power", "{{ 10 ** (10 ** 8) }}", "is too large a number"),
    ("endless-recursion", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recursion too deep"),
]


@pytest.mark.parametrize("template, message", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_hostile_template_is_refused_within_its_budget(template, message):
    started = time.perf_counter()
    with pytest.raises(TemplateBudgetExceeded, match="chat template: ") as error:
        render_budgeted(template, messages=MESSAGES, add_generation_prompt=True)
    assert any(part in str(error.value) for part in message.split("|")), str(error.value)
    assert time.perf_counter() - started < 10


def test_the_time_budget_stops_a_slow_template():
    from vlmcore.models.template_budget import TemplateBudget

    slow = "{% for i in range(99999) %}{{ (range(99999)|list)|length }}{% endfor %}"  # few steps, each one slow
    started = time.perf_counter()
    with pytest.raises(TemplateBudgetExceeded, match=r"took more than 0.3 s|more than 1,000,000 steps"):
        render_budgeted(slow, TemplateBudget(max_seconds=0.3), messages=MESSAGES)
    assert time.perf_counter() - started < 3


def test_the_sandbox_still_refuses_escapes():
    import jinja2

    with pytest.raises(jinja2.exceptions.SecurityError):
        render_budgeted("{{ ''.__class__.__mro__[1].__subclasses__() }}", messages=MESSAGES)


@pytest.mark.parametrize("family", ["medgemma", "qwen2_5_vl", "idefics3"])
@pytest.mark.parametrize("question", ["Is there a pleural effusion?", "  <b>odd</b> {{ x }} \u202e ? "])
def test_bundled_templates_render_as_transformers_renders_them(family, question):
    from vlmcore.models.tiny import build_tiny

    _, processor = build_tiny(family)
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]}]
    assert render_chat_prompt(processor, question) == processor.apply_chat_template(messages, add_generation_prompt=True,
                                                                                      tokenize=False)


def test_a_checkpoint_template_file_that_runs_away_is_named(tmp_path):
    (tmp_path / "chat_template.jinja").write_text(HOSTILE[0][1])
    with pytest.raises(TemplateBudgetExceeded, match=rf"{tmp_path / 'chat_template.jinja'}: chat template: more than 1,000,000 steps"):
        check_checkpoint_templates(tmp_path)
    (tmp_path / "chat_template.jinja").unlink()
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": "{{ 'x' * 3000000000 }}", "bos_token": "<s>"}))
    with pytest.raises(TemplateBudgetExceeded, match=r"tokenizer_config.json \(chat_template\): chat template: a value of 3,000,000,000"):
        check_checkpoint_templates(tmp_path)


PIXELS = [
    ("preprocessor_config.json", {"size": {"height": 40000, "width": 40000}}, "size.height = 40,000"),
    ("preprocessor_config.json", {"crop_size": 40000}, "crop_size = 40,000"),
    ("processor_config.json", {"image_processor": {"size": {"shortest_edge": 40000}}}, "image_processor.size.shortest_edge = 40,000"),
    ("processor_config.json", {"image_processor": {"max_image_size": {"longest_edge": 40000}}}, "max_image_size.longest_edge"),
    ("preprocessor_config.json", {"max_pixels": 1_600_000_000, "merge_size": 2}, "max_pixels = 1,600,000,000"),
    ("preprocessor_config.json", {"size": {"longest_edge": 1_600_000_000, "shortest_edge": 3136}, "merge_size": 2,
                                  "temporal_patch_size": 2}, "size.longest_edge = 1,600,000,000 asks for larger images than the "
                                                             "budget of 16,777,216 pixels per image"),
    ("preprocessor_config.json", {"size": {"height": 4096, "width": float("inf")}}, "size.width = inf is not a size"),
]


@pytest.mark.parametrize("name, settings, message", PIXELS, ids=[p[2].split(" =")[0] for p in PIXELS])
def test_a_processor_asking_for_huge_films_is_refused_naming_file_and_key(tmp_path, name, settings, message):
    (tmp_path / name).write_text(json.dumps(settings))
    with pytest.raises(PixelBudgetExceeded) as error:
        check_checkpoint_pixels(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / name}: ") and message in str(error.value)
    assert "refused before any film is processed" in str(error.value) or "is not a size" in str(error.value)


def test_real_families_sizes_are_within_the_budget():
    for settings in ({"size": {"height": 896, "width": 896}}, {"size": {"shortest_edge": 336}, "crop_size": {"height": 336, "width": 336}},
                     {"size": {"longest_edge": 12845056, "shortest_edge": 3136}, "merge_size": 2, "temporal_patch_size": 2},
                     {"size": {"longest_edge": 1536}, "max_image_size": {"longest_edge": 384}}):
        check_pixel_settings(settings, "real")


def test_the_pixel_budget_is_configurable(monkeypatch):
    monkeypatch.setenv("VLMCORE_MAX_IMAGE_SIDE", "100")
    with pytest.raises(PixelBudgetExceeded, match=r"x: size.height = 896 .* budget of 100 px per side \(VLMCORE_MAX_IMAGE_SIDE"):
        check_pixel_settings({"size": {"height": 896, "width": 896}}, "x")
    monkeypatch.setenv("VLMCORE_MAX_IMAGE_SIDE", "5000")
    monkeypatch.setenv("VLMCORE_MAX_IMAGE_PIXELS", "1000000")  # sides within, their product not
    with pytest.raises(PixelBudgetExceeded, match=r"size.height x size.width = 1,200,000 .* 1,000,000 pixels per image"):
        check_pixel_settings({"size": {"height": 1000, "width": 1200}}, "x")
