"""The shared mention model: what binds to which finding, cue scope, relations, time."""

import pytest

from vlmcore.language import read_statement


def _one(text, finding):
    found = [m for m in read_statement(text).mentions if m.finding == finding]
    assert len(found) == 1, (text, read_statement(text).mentions)
    return found[0]


@pytest.mark.parametrize("text, finding, side, location", [
    ("Small left pleural effusion.", "pleural_effusion", "left", frozenset()),
    ("Is there a nodule in the right upper lobe?", "nodule", "right", frozenset({"upper"})),
    ("Is there a fracture of the left sixth rib?", "fracture", "left", frozenset({"rib:6", "bone:rib"})),
    ("Is there fluid present in the right pleural space?", "pleural_effusion", "right", frozenset()),
    ("Does the left lung contain a mass?", "mass", "left", frozenset()),
    ("Bibasilar atelectasis.", "atelectasis", "bilateral", frozenset({"lower:base"})),
    ("Are there effusions on both sides?", "pleural_effusion", "bilateral", frozenset()),
])
def test_side_and_location_bind_to_their_finding(text, finding, side, location):
    mention = _one(text, finding)
    assert (mention.side, mention.location) == (side, location)


def test_a_swapped_binding_is_a_different_structure():
    first = read_statement("Is there a right effusion and a left pneumothorax?").mentions
    second = read_statement("Is there a left effusion and a right pneumothorax?").mentions
    assert {(m.finding, m.side) for m in first} == {("pleural_effusion", "right"), ("pneumothorax", "left")}
    assert {(m.finding, m.side) for m in second} == {("pleural_effusion", "left"), ("pneumothorax", "right")}


@pytest.mark.parametrize("text, negated", [
    ("No pneumothorax. Moderate right pleural effusion.", {"pneumothorax"}),
    ("Cardiomegaly without pulmonary edema.", {"edema"}),
    ("No focal consolidation, pleural effusion, or pneumothorax.", {"consolidation", "pleural_effusion", "pneumothorax"}),
    ("There is no pneumothorax, but a small left pleural effusion is present.", {"pneumothorax"}),
    ("No pleural effusion is identified, and there is mild cardiomegaly.", {"pleural_effusion"}),
    ("The heart does not appear enlarged.", {"cardiomegaly"}),
    ("No change in the moderate left pleural effusion.", set()),
    ("There is no focal airspace opacity to suggest pneumonia.", {"opacity", "pneumonia"}),
])
def test_negation_reaches_its_own_group_only(text, negated):
    assert {m.finding for m in read_statement(text).mentions if m.negated} == negated


def test_hedges_reach_their_finding_only():
    mentions = {m.finding: m for m in read_statement("Left basilar opacity may represent atelectasis. No effusion.").mentions}
    assert mentions["opacity"].certainty == "certain" and mentions["atelectasis"].certainty == "uncertain"
    assert mentions["pleural_effusion"].negated and mentions["pleural_effusion"].certainty == "certain"
    qualified = _one("No definite pneumothorax.", "pneumothorax")
    assert qualified.negated and qualified.certainty == "uncertain" and qualified.cue == "qualified-negation"


@pytest.mark.parametrize("text, time", [
    ("Interval resolution of the left effusion.", {"resolved"}),
    ("Previously seen right pneumothorax is no longer visualized.", {"resolved"}),
    ("Persistent right pleural effusion.", {"persistent"}),
    ("Stable mild cardiomegaly.", {"stable"}),
    ("Has the pleural effusion gotten worse?", {"worsened"}),
    ("Has a pleural effusion developed since the prior study?", {"new"}),
    ("Is the right pneumothorax getting larger?", {"increased"}),
])
def test_time_and_change_words_are_units(text, time):
    finding = read_statement(text).mentions[0]
    assert set(finding.time) == time


def test_comparisons_keep_their_order_and_read_the_converse_alike():
    def order(text):
        (c,) = read_statement(text).comparisons
        return c.relation, c.larger.side, c.smaller.side

    assert order("Is the left effusion larger than the right?") == ("larger", "left", "right")
    assert order("Is the right effusion smaller than the left?") == ("larger", "left", "right")
    assert order("Is the effusion larger on the right than on the left?") == ("larger", "right", "left")
    assert order("Bilateral effusions, left greater than right.") == ("larger", "left", "right")
    assert order("Is the left effusion as large as the right?")[0] == "equal"


def test_ellipsis_copies_the_finding_with_the_side_it_names():
    mentions = read_statement("Is there an effusion on the left but not on the right?").mentions
    assert [(m.finding, m.side, m.negated) for m in mentions] == [("pleural_effusion", "left", False),
                                                                 ("pleural_effusion", "right", True)]
    alternatives = read_statement("Is there a pleural effusion on the left or on the right?")
    assert alternatives.alternatives and len(alternatives.mentions) == 2


def test_structures_with_predicates_become_findings_or_states():
    assert _one("Is the heart enlarged?", "cardiomegaly").state == "present"
    assert _one("Is the heart larger than normal?", "cardiomegaly")
    assert _one("Are the costophrenic angles sharp?", "structure:costophrenic").state == "normal:sharp"
    assert _one("The heart may be mildly enlarged.", "cardiomegaly").certainty == "uncertain"


def test_words_not_understood_stay_bound_to_their_finding():
    assert _one("Is there a loculated pleural effusion?", "pleural_effusion").qualifiers == {"loculated"}


def test_one_model_serves_both_readers():
    """The paraphrase check and the answer reader read questions with the same function."""
    from vlmcore.answers import judge
    from vlmcore.paraphrase import alignment

    assert judge.read_statement is alignment.read_statement is read_statement
