"""Which questions the mirror probe asks, and how label swap matches a question on another film."""

import pytest

from vlmcore.grounding.laterality import mirror_question, question_key, side_of


@pytest.mark.parametrize("question, mirror", [
    ("Is there consolidation in the left lung?", "Is there consolidation in the right lung?"),
    ("Right pleural effusion?", "Left pleural effusion?"),
    ("Is there a left-sided effusion?", "Is there a right-sided effusion?"),
    ("Is the RIGHT hemidiaphragm elevated?", "Is the LEFT hemidiaphragm elevated?"),
    ("Is there cardiomegaly?", None),
    ("Are there effusions in both lungs?", None),
    ("Is there bilateral effusion, worse on the left?", None),  # bilateral: the mirror keeps its meaning
    ("Is the left effusion larger than the right?", None),  # both sides named
    ("Is the patient's bright spot visible?", None),  # "bright", not "right"
])
def test_mirror_question_swaps_one_named_side(question, mirror):
    assert mirror_question(question) == mirror
    assert (side_of(question) is None) == (mirror is None)


def test_the_same_question_is_the_same_text_up_to_case_spacing_and_final_punctuation():
    assert question_key("Is there  cardiomegaly?") == question_key("is there cardiomegaly") == "is there cardiomegaly"
    assert question_key("Is cardiomegaly present?") != question_key("Is there cardiomegaly?")  # a paraphrase is not matched
