"""Dataset files from pull requests: every malformed value or file is a DatasetError naming file,
row and column; nothing is turned into question text or dropped silently."""

import json
from pathlib import Path

import pytest

from vlmcore.data import load_dataset
from vlmcore.errors import DatasetError

GOOD = {"group_id": "g1", "image": "a.png", "question": "Is there effusion?", "answer": "yes"}


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


JSON_VALUES = [
    ("bytes-like list", {"question": [1, 2]}, "question", "expected text or a number, got list"),
    ("object", {"question": {"text": "Is there effusion?"}}, "question", "expected text or a number, got dict"),
    ("nan", {"answer": float("nan")}, "answer", "nan is not a usable value"),
    ("infinity", {"patient_id": float("inf")}, "patient_id", "inf is not a usable value"),
    ("nul", {"question": "Is there\x00 effusion?"}, "question", "NUL byte in text"),
    ("huge cell", {"question": "Is there effusion?" * 1000}, "question", "characters (at most 10000)"),
    ("long path", {"image": "a/" * 3000 + "a.png"}, "image", "not a usable image path (6005 characters"),
]


@pytest.mark.parametrize("name, change, column, message", JSON_VALUES, ids=[v[0] for v in JSON_VALUES])
def test_json_values_that_are_not_text_are_refused(tmp_path, name, change, column, message):
    path = _jsonl(tmp_path / "d.jsonl", [GOOD, dict(GOOD, question="Is effusion present?") | change])
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert (error.value.file, error.value.row, error.value.column) == (str(path), 2, column)
    assert message in str(error.value)


def test_parquet_bytes_are_not_question_text(tmp_path):
    import pandas as pd

    path = tmp_path / "d.parquet"
    pd.DataFrame([GOOD, dict(GOOD, question=b"Is effusion present?")]).to_parquet(path)
    with pytest.raises(DatasetError, match=r"row 1, column 'question': expected text or a number, got bytes"):  # a binary column
        load_dataset(path)


def test_deeply_nested_json_is_a_dataset_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DatasetError, match="JSON nested too deeply"):
        load_dataset(path)
    lines = tmp_path / "deep.jsonl"
    lines.write_text(json.dumps(GOOD) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(DatasetError, match="row 2: JSON nested too deeply"):
        load_dataset(lines)


HEADER = "group_id,image,question,answer,relation\n"
LABELS = [
    ("inverted-same-answer", HEADER + "g1,a.png,Is there effusion?,yes,\ng1,a.png,Is there no effusion?,yes,inverted\n", 3,
     "an inverted control must expect the opposite of the base question's answer, got 'yes'"),
    ("invariant-other-answer", HEADER + "g1,a.png,Is there effusion?,yes,\ng1,a.png,Is effusion present?,no,invariant\n", 3,
     "an invariant paraphrase must expect the base question's answer, got 'no'"),
    ("default-invariant", "group_id,image,question,answer\ng1,a.png,Is there effusion?,no\ng1,a.png,Is effusion present?,yes\n", 3,
     "an invariant paraphrase must expect the base question's answer"),
]


@pytest.mark.parametrize("name, text, row, message", LABELS, ids=[v[0] for v in LABELS])
def test_answer_labels_must_agree_with_the_relation(tmp_path, name, text, row, message):
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert (error.value.row, error.value.column) == (row, "answer") and message in str(error.value)
    assert "base 'Is there effusion?' at row 2" in str(error.value)


@pytest.mark.parametrize("column, suggestion", [("pateint_id", "patient_id"), ("Patient_ID", "patient_id"),
                                                ("strategey", "strategy"), ("relaton", "relation"), ("case-id", "case_id")])
def test_a_misspelled_optional_column_is_an_error_with_a_suggestion(tmp_path, column, suggestion):
    path = tmp_path / "d.csv"
    path.write_text(f"group_id,image,question,answer,{column}\ng1,a.png,Is there effusion?,yes,p1\n")
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert error.value.column == column and f"did you mean {suggestion!r}?" in str(error.value) and error.value.row == 1


def test_an_unrelated_extra_column_is_kept_out_of_the_way(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("group_id,image,question,answer,radiologist_note\ng1,a.png,Is there effusion?,yes,fine\n")
    assert len(load_dataset(path).cases) == 1


def test_an_unreadable_dataset_is_a_dataset_error(tmp_path):
    folder = tmp_path / "d.csv"
    folder.mkdir()
    with pytest.raises(DatasetError, match="d.csv, row 1: file does not exist"):
        load_dataset(folder)
