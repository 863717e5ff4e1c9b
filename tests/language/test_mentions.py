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


@pytest.mark.parametrize("text, finding, side, location, state", [
    ("Left upper extremity PICC with tip in the mid SVC.", "picc", "left", {"upper", "middle", "tip:svc"}, "present"),
    ("The endotracheal tube tip is in the right mainstem bronchus.", "endotracheal_tube", None, {"tip:right_mainstem"},
     "present"),  # "right" belongs to the bronchus, not to the tube
    ("Is the ET tube appropriately positioned?", "endotracheal_tube", None, set(), "normal:position"),
    ("Nasogastric tube tip is in the distal esophagus and should be advanced.", "nasogastric_tube", None,
     {"tip:esophagus"}, "abnormal:high"),
    ("Is the trachea deviated to the right?", "tracheal_deviation", "right", set(), "present"),
    ("Mediastinal shift to the right due to a large left pleural effusion.", "mediastinal_shift", "right", set(), "present"),
    ("Is the left hemidiaphragm raised?", "diaphragm_elevation", "left", set(), "present"),
    ("Is the left costophrenic angle blunted?", "costophrenic_blunting", "left", set(), "present"),
    ("There is free air under the right hemidiaphragm.", "subdiaphragmatic_air", "right", set(), "present"),
])
def test_devices_tips_and_structure_predicates(text, finding, side, location, state):
    mention = _one(text, finding)
    assert (mention.side, set(mention.location), mention.state) == (side, location, state)


def test_lengths_are_one_value_and_thresholds_bind_to_their_finding():
    assert _one("A single 8 mm nodule.", "nodule").size == {"0.8cm"}
    assert _one("Is there a nodule larger than 1 cm?", "nodule").size == {">1cm"}
    assert _one("Is there a nodule measuring more than 10 mm?", "nodule").size == {">1cm"}
    assert _one("Does the cardiothoracic ratio exceed 0.5?", "structure:heart").size == {">0.5"}
    assert _one("Is the cardiothoracic ratio less than 0.5?", "structure:heart").size == {"<0.5"}


def test_height_is_a_comparison_of_its_own():
    (c,) = read_statement("Is the left hemidiaphragm lower than the right?").comparisons
    assert (c.relation, c.larger.side, c.smaller.side) == ("higher", "right", "left")


def test_units_bound_to_no_finding_are_kept():
    assert read_statement("Are there acute interstitial changes?").free == ("TIME:acute", "TIME:changed")
    assert "SIDE:right" in read_statement("Is there a right-sided venous port?").free
    assert read_statement("Is there a right pleural effusion?").free == ()


def test_headings_pronouns_and_causes_carry_a_side():
    mentions = read_statement("Left: no effusion. Right: small effusion.").mentions
    assert [(m.side, m.negated) for m in mentions] == [("left", True), ("right", False)]
    assert _one("There is an effusion, but it is on the right side.", "pleural_effusion").side == "right"
    assert _one("The left costophrenic angle is blunted by a small effusion.", "pleural_effusion").side == "left"


def test_counts_time_and_certainty_words():
    assert _one("Is there more than one pulmonary nodule?", "nodule").count == {"many"}
    assert _one("Is there a recent rib fracture?", "fracture").time == {"acute"}
    assert _one("The previously reported small effusion was due to technique.", "pleural_effusion").time == {"prior"}
    assert _one("Is a pneumothorax definitely present?", "pneumothorax").certainty == "definite"
    assert _one("Interval removal of the endotracheal tube.", "endotracheal_tube").absent


def test_a_question_about_an_unknown_thing_reads_its_words_as_the_finding():
    terms = frozenset({"aortic", "stent"})
    (asked,) = read_statement("Is there an aortic stent?", terms).mentions
    assert asked.finding == "term:aortic stent"
    said = read_statement("Aortic stent graft in place. No pneumothorax.", terms)
    assert [(m.finding, m.negated) for m in said.mentions] == [("term:aortic stent", False), ("pneumothorax", True)]
