from collections import Counter

from tests.conftest import shared_file
from vlmcore.data import load_dataset
from vlmcore.data.tables import read_table
from vlmcore.data.vqa_rad import paraphrase_pairs

VQA_RAD = ("vqa-rad", "VQA_RAD Dataset Public.json")


def test_vqa_rad_chest_closed_yes_no_pairs():
    path = shared_file(*VQA_RAD)
    pairs = paraphrase_pairs(read_table(path))
    assert len(pairs) == 155
    assert len({free.values["qid_linked_id"] for free, _ in pairs}) == 150
    relations = Counter(para.values["question_relation"] for _, para in pairs)
    assert relations["strict agreement"] == 130
    assert relations["inversion"] == 5


def test_vqa_rad_groups_mark_strict_invariant_and_inversions_inverted():
    dataset = load_dataset(shared_file(*VQA_RAD))
    assert dataset.schema == "vqa-rad"
    assert len(dataset.groups) == 150
    relations = Counter(case.relation for case in dataset.cases)
    assert relations["invariant"] == 130
    assert relations["inverted"] == 5
    for group in dataset.groups:
        for case in group.variants:
            if case.relation == "inverted":
                assert case.expected_answer != group.base.expected_answer
            if case.relation == "invariant":
                assert case.expected_answer == group.base.expected_answer
    # exclusions are reported, not silent
    assert any("other organ" in note for note in dataset.notes)


def test_vqa_rad_quirks_string_qid_integer_answers_and_trailing_space():
    path = shared_file(*VQA_RAD)
    table = read_table(path)
    assert any(r.values["qid"] == "0" for r in table.records)
    assert any(r.values["answer_type"] == "CLOSED " for r in table.records)
    dataset = load_dataset(path)
    assert {case.expected_answer for case in dataset.cases} == {"yes", "no"}
