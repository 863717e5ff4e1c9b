"""A chat template is rendered once per question, not once per lookup: every result-cache key
holds the prompt, and the flip search looks up about a hundred candidates per group (on a rerun,
all from the store), so rendering per lookup was most of the warm search's own time."""

import pytest

from vlmcore.answers.settings import AnswerSettings
from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.models import template_budget, tiny_adapter
from vlmcore.models.requests import image_hash
from vlmcore.paraphrase.search import candidate_texts
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT


def test_the_flip_searchs_candidates_render_the_template_once_each(monkeypatch):
    dataset = load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)
    adapter = tiny_adapter("medgemma")
    render = template_budget.render_chat_prompt
    renders = []
    monkeypatch.setattr(template_budget, "render_chat_prompt", lambda processor, question: renders.append(question)
                        or render(processor, question))
    engine = Engine(adapter, dataset, model_key="m", answers=AnswerSettings(mode="score"))
    evaluation = engine.group(engine.group_ids()[0])
    asked = [case.question for case in evaluation.group.cases]
    # scoring the chunk (this group, the following ones, the probes): one render per distinct question
    assert set(asked) <= set(renders) and len(renders) == len(set(renders))
    question = evaluation.group.base.question
    texts = [question] + candidate_texts(question)[:12]
    first = engine.margins(evaluation.image, evaluation.base.image_sha, texts)
    again = engine.margins(evaluation.image, evaluation.base.image_sha, texts)  # the search's lookups, a second time
    assert first == again
    assert set(texts) <= set(renders)
    assert len(renders) == len(set(renders))  # not once per key, per encoding and per call
    for text in texts:  # the kept prompt is the template's own rendering
        assert adapter.prompt(text) == render(adapter.processor, text)
    assert evaluation.base.image_sha == image_hash(evaluation.image)


def test_a_refused_template_stays_refused_for_prompts_rendered_before(monkeypatch):
    adapter = tiny_adapter("medgemma")
    kept = adapter.prompt("Is there a pleural effusion?")
    assert kept

    def over_budget(processor, question):
        raise template_budget.TemplateBudgetExceeded("ran over its step budget")

    monkeypatch.setattr(template_budget, "render_chat_prompt", over_budget)
    with pytest.raises(template_budget.TemplateBudgetExceeded):
        adapter.prompt("Is there a pneumothorax?")
    with pytest.raises(template_budget.TemplateBudgetExceeded):  # refused from then on, kept renderings included
        adapter.prompt("Is there a pleural effusion?")
