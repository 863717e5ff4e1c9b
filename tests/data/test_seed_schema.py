from collections import Counter

from tests.conftest import shared_file
from vlmcore.data import load_dataset
from vlmcore.data.strategies import STRATEGIES, normalise_strategy

SEED = ("seed-questions", "medical-cxr-vqa-questions_sample_hardpositives.csv")
SEED_BASE = ("seed-questions", "medical-cxr-vqa-questions_sample.csv")


def test_seed_paraphrase_file_is_100_groups_of_6_with_every_label_mapped():
    dataset = load_dataset(shared_file(*SEED))
    assert dataset.schema == "seed-paraphrases"
    assert len(dataset.groups) == 100
    assert all(len(group.cases) == 6 for group in dataset.groups)
    strategies = Counter(case.strategy for case in dataset.cases)
    # the mapping counts, reported: every raw label lands in the fixed vocabulary
    print("strategy mapping counts:", dict(strategies))
    assert set(strategies) <= set(STRATEGIES)
    assert strategies["baseline"] == 100
    assert strategies == Counter(
        {"baseline": 100, "phrasing": 119, "combined": 114, "synonym": 96, "clause_reordering": 64, "voice": 54, "register": 53}
    )
    assert all(case.strategy_raw for case in dataset.cases)


def test_seed_groups_keep_ids_answers_and_base():
    dataset = load_dataset(shared_file(*SEED))
    group = dataset.groups[0]
    assert group.group_id == "study50414267"
    assert group.base.question == "is there pleural effusion?"
    assert group.base.relation == "base" and group.base.strategy == "baseline"
    assert {case.relation for case in group.variants} == {"invariant"}
    assert {case.expected_answer for case in group.cases} == {"no"}
    assert group.base.patient_id == "10000032"
    assert group.finding == "pleural_effusion"
    assert group.base.source.row == 2  # line 2: the first record under the header


def test_seed_base_file_loads_one_group_per_study():
    dataset = load_dataset(shared_file(*SEED_BASE))
    assert dataset.schema == "seed-base"
    assert len(dataset.groups) == 100
    assert all(len(group.cases) == 1 for group in dataset.groups)
    assert Counter(case.expected_answer for case in dataset.cases) == Counter(yes=51, no=49)


def test_combined_and_parenthetical_labels():
    assert normalise_strategy("Register shift (telegraphic phrasing)") == "register"
    assert normalise_strategy("Voice change (passive) + phrasing variation") == "combined"
    assert normalise_strategy("Synonym/abbreviation replacement") == "synonym"
    assert normalise_strategy("clause reordering / punctuation variation") == "combined"
    assert normalise_strategy("baseline") == "baseline"
    assert normalise_strategy("made-up label") is None
