"""Paraphrase generation on the seed study's base questions, and controls."""

import pandas as pd
import pytest

from tests.conftest import shared_file
from vlmcore.paraphrase import check_paraphrase, meaning_controls, normalise_question, paraphrases, parse_question
from vlmcore.paraphrase.generate import strategy_objects

LABELS = ["synonym", "voice", "register", "clause_reordering", "phrasing", "combined"]


@pytest.fixture(scope="module")
def seed_questions():
    table = pd.read_csv(shared_file("seed-questions", "medical-cxr-vqa-questions_sample.csv"))
    return list(table.question)


def test_every_strategy_produces_outputs_on_every_seed_base_question(seed_questions):
    for question in seed_questions:
        produced = paraphrases(question, valid_only=False)
        missing = [label for label in LABELS if not produced[label]]
        assert not missing, f"{question!r}: no output from {missing}"


def test_share_of_seed_questions_with_five_valid_paraphrases(seed_questions):
    counts = [sum(len(v) for v in paraphrases(q).values()) for q in seed_questions]
    share = sum(c >= 5 for c in counts) / len(counts)
    print(f"seed base questions with >= 5 valid paraphrases: {share:.0%} ({len(counts)} questions)")
    assert share >= 0.9


def test_controls_are_rejected_by_the_validity_check(seed_questions):
    emitted = 0
    for question in seed_questions + ["is there a nodule in the left lung?"]:
        for control in meaning_controls(question):
            emitted += 1
            verdict = check_paraphrase(question, control.text)
            assert not verdict.valid, (question, control.text)
            assert control.relation in ("inverted", "different") and control.strategy == "control"
    assert emitted > len(seed_questions)


def test_generated_outputs_carry_labels_and_normalised_casing():
    for label, produced in paraphrases("is there pleural effusion?").items():
        for paraphrase in produced:
            assert paraphrase.strategy == label
            assert paraphrase.text == normalise_question(paraphrase.text)
            assert paraphrase.text[0].isupper()


def test_parse_question_shapes():
    parts = parse_question("is there atelectasis in the bibasilar area?")
    assert (parts.kind, parts.finding, parts.location, parts.location_area) == ("presence", "atelectasis", "bibasilar", True)
    parts = parse_question("is there evidence of pneumothorax in this image?")
    assert parts.evidence and parts.image_ref and parts.location is None
    parts = parse_question("is the pleural effusion bilateral?")
    assert (parts.kind, parts.predicate) == ("attribute", "bilateral")


def test_strategy_reprs_read_like_source():
    combined = strategy_objects()["combined"][0]
    assert repr(combined) == "CombinedStrategy(SynonymStrategy(), VoiceStrategy())"


@pytest.mark.parametrize("question, expected", [
    ("Is there a nodule in the left lung?", {"In the left lung, is there a nodule?", "Is a nodule present in the left lung?",
                                             "Can a nodule be seen in the left lung?"}),
    ("Is there an opacity in the right lower lobe?", {"Is an opacity seen in the right lower lobe?",
                                                      "Is there an opacification in the right lower lobe?"}),
    ("Is there any pneumothorax?", {"Is any pneumothorax present?", "Is there any collapsed lung?"}),
])
def test_generated_paraphrases_keep_the_article(question, expected):
    texts = {p.text for group in paraphrases(question).values() for p in group}
    assert expected <= texts
    assert not [t for t in texts if " a nodules" in t or " an opacities" in t or "is there nodule" in t.lower()]


def test_flip_search_results_always_name_their_transforms():
    from vlmcore.paraphrase.search import search_flip

    # a model that flips on *any* rewording: the identity program must not be reported as a flip
    def margin(text: str) -> float:
        return 2.0 if text == "Is there a nodule in the left lung?" else -2.0

    result = search_flip(margin, "Is there a nodule in the left lung?", budget=30)
    assert result.found and result.transforms and result.paraphrase != result.question
