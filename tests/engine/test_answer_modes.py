"""The engine's answer modes on scripted models that talk: which rows generate, what they record,
where their maps are read, and what the result store keys on."""

import numpy as np
import pytest

from vlmcore.answers.settings import AnswerSettings, bounded_text
from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.engine.result_store import ResultStore
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT
from vlmcore.testing import ScriptedAdapter


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)


def _truth(question: str, image: np.ndarray) -> str:
    """A film-dependent answer (the phantoms differ in brightness), negations inverted."""
    said = float(np.mean(image)) < 95
    return "no" if said == (" no " in f" {question.lower()} ") else "yes"


def preamble_model(mass=0.02, **kwargs):
    """Answers after a preamble; its first-token p(yes) vs p(no) says the opposite of its answer."""
    return ScriptedAdapter(lambda q, i: -2.0 if _truth(q, i) == "yes" else 2.0, name="preamble", mass=mass,
                           text=lambda q, i: f"Based on the film, the answer is {_truth(q, i)}.", **kwargs)


def _rows(engine):
    return [row for evaluation in engine.all_groups() for row in evaluation.rows]


def test_auto_generates_only_below_the_floor_and_reads_the_text(dataset):
    mixed = ScriptedAdapter(lambda q, i: 3.0 if _truth(q, i) == "yes" else -3.0, name="mixed",
                            mass=lambda q, i: 0.9 if len(q) % 2 else 0.05,
                            text=lambda q, i: (f"{_truth(q, i)}" if len(q) % 2 else f"Based on the film, the answer is {_truth(q, i)}."))
    engine = Engine(mixed, dataset, model_key="m", answers=AnswerSettings(mode="auto"))
    rows = _rows(engine)
    generated = [r for r in rows if r.answer_mode == "generate"]
    assert generated and len(generated) < len(rows)
    assert all((r.answer_mode == "generate") == r.low_mass for r in rows)  # exactly the rows below the floor
    assert all(r.answer == ("yes" if r.margin > 0 else "no") for r in rows)  # the text and the score agree for this model
    assert all(r.parse_path == "generate:explicit-answer" and r.generated_text.startswith("Based on the film") for r in generated)
    assert all(r.parse_path == "score" and r.generated_text == "" and r.map_query == "answer" for r in rows if r.answer_mode == "score")


def test_auto_generates_where_the_first_token_is_a_preamble_word_even_above_the_floor(dataset):
    """p(yes) + p(no) = 0.6 clears the floor, but the most likely first token is the preamble's:
    greedy decoding writes "Based ...", and the first-token p(yes) vs p(no) says the opposite of the
    answer it then gives. ``auto`` reads the text there; ``score`` would read the noise."""
    split = preamble_model(mass=0.6, fingerprint="split-first-token")
    rows = _rows(Engine(split, dataset, model_key="m", answers=AnswerSettings(mode="auto")))
    assert rows and all(not r.low_mass for r in rows)  # above the floor on every row
    assert all(r.answer_mode == "generate" and r.parse_path == "generate:explicit-answer" for r in rows)
    assert all(r.answer == ("yes" if r.margin < 0 else "no") for r in rows)  # the text's answer, not the first token's
    scored = _rows(Engine(preamble_model(mass=0.6, fingerprint="split-first-token"), dataset, model_key="m",
                          answers=AnswerSettings(mode="score")))
    assert all(a.answer != b.answer for a, b in zip(rows, scored))


def test_score_mode_reads_the_first_token_and_generate_mode_reads_every_text(dataset):
    score = _rows(Engine(preamble_model(), dataset, model_key="m", answers=AnswerSettings(mode="score")))
    generate = _rows(Engine(preamble_model(), dataset, model_key="m", answers=AnswerSettings(mode="generate")))
    assert all(r.answer_mode == "score" and r.low_mass for r in score)
    assert all(r.answer_mode == "generate" for r in generate)
    by_case = {r.case_id: r for r in generate}
    assert all(r.answer != by_case[r.case_id].answer for r in score)  # this model's first token says the opposite
    assert np.mean([r.correct for r in generate]) > np.mean([r.correct for r in score])


def test_generated_maps_are_read_where_the_answer_was_emitted(dataset):
    rows = _rows(Engine(preamble_model(), dataset, model_key="m"))
    for row in rows:
        assert row.map_at_answer and row.map_query == "emits the answer: generated token 8 ('" + row.answer + "')"
        assert row.metrics["answer_position_mass"] == 0.95
    engine = Engine(preamble_model(), dataset, model_key="m")
    evaluation = engine.group(dataset.groups[0].group_id)
    for attention in evaluation.maps.values():
        assert np.unravel_index(np.argmax(attention.values), attention.grid) != (0, 0)  # never the preamble's sink


def test_a_hedge_keeps_the_first_token_map_and_says_it_is_not_the_answers(dataset):
    hedger = ScriptedAdapter(lambda q, i: 0.0, name="hedger", mass=0.01, text=lambda q, i: "It might possibly be present.")
    rows = _rows(Engine(hedger, dataset, model_key="m"))
    assert {r.answer for r in rows} == {"uncertain"} and not any(r.map_at_answer for r in rows)
    assert all(r.map_query == "first token (not the answer: the model hedged)" for r in rows)
    assert all("js_to_base" not in r.metrics for r in rows)  # a preamble map is never compared as an answer's


def test_the_store_keys_generations_by_budget_and_shares_first_token_scores_across_modes(dataset, tmp_path):
    store = ResultStore(tmp_path / "cache.sqlite")
    first = Engine(preamble_model(), dataset, model_key="m", store=store, answers=AnswerSettings(mode="auto"))
    rows = _rows(first)
    assert first.generated["groups"] > 0
    again = Engine(preamble_model(), dataset, model_key="m", store=store, answers=AnswerSettings(mode="auto"))
    assert _rows(again) == rows and again.model_calls["groups"] == 0 and again.generated["groups"] == 0  # all read back
    shorter = Engine(preamble_model(), dataset, model_key="m", store=store, answers=AnswerSettings(mode="auto", max_new_tokens=4))
    cut = _rows(shorter)
    assert shorter.generated["groups"] == first.generated["groups"]  # a new budget: every generation recomputed
    assert all(r.answer == "none" and r.generation_finished is False for r in cut)  # cut before the answer
    scored = Engine(preamble_model(), dataset, model_key="m", store=store, answers=AnswerSettings(mode="score"))
    _rows(scored)
    assert scored.model_calls["groups"] == 0  # the first-token scores are the same computation in every mode


def test_reasoning_budget_and_format_come_from_the_checkpoint_or_the_override(dataset):
    text = lambda q, i: "<think> " + "looking " * 60 + f"</think> <answer> {_truth(q, i)} </answer>"
    reasoner = ScriptedAdapter(lambda q, i: 0.0, name="reasoner", mass=0.01, text=text, reasoning="think")
    engine = Engine(reasoner, dataset, model_key="m")
    assert engine.reasoning.name == "think" and engine.answers.budget("think") == 512
    rows = _rows(engine)
    assert {r.reasoning for r in rows} == {"think"} and all(r.generation_finished for r in rows)
    # tokens: <think>, 60 words, </think>, <answer>, then the answer at 63
    assert all(r.map_query.startswith("emits the answer: generated token 63 (") for r in rows)
    plain = Engine(ScriptedAdapter(lambda q, i: 0.0, name="reasoner", mass=0.01, text=text, reasoning="think"), dataset,
                   model_key="m", answers=AnswerSettings(reasoning="plain"))
    cut = _rows(plain)  # declared plain by the user: the 48-token budget cuts the reasoning off
    assert all(r.answer == "none" and r.parse_path == "generate:reasoning-cut-off" for r in cut)
    assert len(bounded_text("x" * 5000)) < 700 and bounded_text("short") == "short"


def test_an_adapter_that_cannot_generate_answers_at_the_first_token_and_says_so(dataset):
    silent = ScriptedAdapter(lambda q, i: 1.0, name="silent")
    silent.mass = 0.01
    engine = Engine(silent, dataset, model_key="m", answers=AnswerSettings(mode="auto"))
    rows = _rows(engine)
    assert all(r.answer_mode == "score" and r.low_mass for r in rows)
    assert any("cannot generate" in event for event in engine.events)


def test_flip_search_margins_follow_the_answer_mode(dataset):
    engine = Engine(preamble_model(), dataset, model_key="m")
    group = dataset.groups[0]
    evaluation = engine.group(group.group_id)
    margins = engine.margins(evaluation.image, evaluation.base.image_sha, [group.base.question])
    said = evaluation.base.answer
    assert margins[group.base.question] == (4.0 if said == "yes" else -4.0)  # the margin where "yes"/"no" was emitted
