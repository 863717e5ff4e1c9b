"""Dataset rows are counted while reading (issue 23 item 5): a small file holding millions of rows
is refused at the first row past the budget, naming file and row, in little memory."""

import json

import pytest

from vlmcore.data import load_dataset
from vlmcore.errors import DatasetError
from vlmcore.perf.refusals import parquet_30m_rows, refuse

ROW = {"group_id": "g1", "image": "a.png", "question": "Is there effusion?", "answer": "yes"}


def test_a_small_parquet_file_with_30_million_rows_is_refused_under_300_mb(tmp_path):
    path = parquet_30m_rows(tmp_path)
    assert path.stat().st_size < 1_000_000  # the file is tiny: its rows are run-length encoded
    outcome = refuse("dataset", str(path))  # a fresh process: its own peak memory
    assert outcome.refused, outcome.message
    assert f"{path}, row 1000001: more than 1,000,000 rows: over the dataset budget" in outcome.message
    assert "its footer says 30,000,000" in outcome.message
    assert outcome.peak_mb < 300, outcome


def _over_budget(path, monkeypatch, rows=50):
    monkeypatch.setenv("VLMCORE_MAX_DATASET_ROWS", str(rows))
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    return error.value


def test_a_csv_over_the_row_budget_names_the_first_row_past_it(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("group_id,image,question,answer\n" + "g1,a.png,q?,yes\n" * 51)
    error = _over_budget(path, monkeypatch)
    assert (error.file, error.row) == (str(path), 52)  # line 52: the 51st record (the header is line 1)
    assert "more than 50 rows: over the dataset budget (VLMCORE_MAX_DATASET_ROWS raises it)" in str(error)


def test_a_jsonl_over_the_row_budget_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(ROW) + "\n" for _ in range(60)))
    assert _over_budget(path, monkeypatch).row == 51


def test_a_json_list_over_the_row_budget_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "d.json"
    path.write_text("[" + ",".join("{}" for _ in range(60)) + "]")
    error = _over_budget(path, monkeypatch)
    assert error.row == 51 and "more than 50 rows" in str(error)


def test_a_parquet_over_the_row_budget_is_refused_from_its_footer(tmp_path, monkeypatch):
    import pandas as pd

    path = tmp_path / "d.parquet"
    pd.DataFrame([ROW] * 60).to_parquet(path)
    error = _over_budget(path, monkeypatch)
    assert error.row == 51 and "its footer says 60" in str(error)


def test_a_file_over_the_byte_budget_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("group_id,image,question,answer\n" + "g1,a.png,q?,yes\n" * 2000)
    monkeypatch.setenv("VLMCORE_MAX_DATASET_MB", "0.01")
    with pytest.raises(DatasetError, match=r"d.csv, row 1: 0 MiB: over the dataset budget of 0 MiB \(VLMCORE_MAX_DATASET_MB"):
        load_dataset(path)


def test_a_parquet_file_with_thousands_of_columns_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table({f"c{i}": [1] for i in range(300)}), path)
    with pytest.raises(DatasetError, match=r"wide.parquet, row 1: 300 columns \(at most 256\)"):
        load_dataset(path)


def test_an_endless_jsonl_line_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(ROW) + "\n" + '{"question": "' + "x" * (2 << 20) + '"}\n')
    with pytest.raises(DatasetError, match=r"d.jsonl, row 2: line longer than 1,048,576 characters"):
        load_dataset(path)


def test_a_dataset_within_budget_still_loads(tmp_path, monkeypatch):
    path = tmp_path / "d.json"
    path.write_text(json.dumps([ROW, dict(ROW, question="Is effusion present?")]))
    monkeypatch.setenv("VLMCORE_MAX_DATASET_ROWS", "2")
    assert len(load_dataset(path).cases) == 2
