"""One table of bad inputs for load_dataset: each gives a DatasetError naming file and row."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vlmcore.data import load_dataset
from vlmcore.errors import DatasetError

HEADER = "group_id,image,question,answer\n"

BAD_TABLES = [
    ("missing-column", "group_id,image,question\ng1,a.png,is there x?\n", 1, "missing columns ['answer']"),
    ("unknown-answer", HEADER + "g1,a.png,is there effusion?,maybe\n", 2, "unknown answer"),
    ("empty-question", HEADER + "g1,a.png,is there effusion?,yes\ng1,a.png,,no\n", 3, "empty value"),
    ("mixed-images", HEADER + "g1,a.png,is there effusion?,yes\ng1,b.png,is effusion present?,yes\n", 3, "mixes images"),
    ("ragged-row", HEADER + "g1,a.png,is there effusion?,yes,extra\n", 2, "fields where the header has"),
    ("bad-quote", HEADER + 'g1,a.png,"is there effusion?,yes\n', 2, "malformed CSV"),
    ("traversal", HEADER + "g1,../../etc/passwd,is there effusion?,yes\n", 2, "escapes the image root"),
    ("bad-relation", "group_id,image,question,answer,relation\ng1,a.png,q?,yes,\ng1,a.png,p?,yes,sideways\n", 3, "unknown relation"),
    ("bad-strategy", "group_id,image,question,answer,strategy\ng1,a.png,q?,yes,\ng1,a.png,p?,yes,interpretive dance\n", 3, "names no known strategy"),
    ("two-bases", "group_id,image,question,answer,role\ng1,a.png,q?,yes,base\ng1,a.png,p?,yes,base\n", 2, "2 base questions"),
    ("duplicate-case-id", "group_id,image,question,answer,case_id\ng1,a.png,q?,yes,c1\ng1,a.png,p?,yes,c1\n", 3, "duplicate case id"),
    ("empty-file", "", 1, "empty file"),
    ("not-utf8", HEADER + "g1,a.png,is there \xe9ffusion?,yes\n", 2, "not UTF-8"),
]


@pytest.mark.parametrize("name,text,row,message", BAD_TABLES, ids=[t[0] for t in BAD_TABLES])
def test_bad_table_names_file_and_row(tmp_path: Path, name: str, text: str, row: int, message: str):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("latin-1") if name == "not-utf8" else text.encode())
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    error = caught.value
    assert error.row == row, str(error)
    assert message in str(error)
    assert str(path) in str(error) and f"row {row}" in str(error)


def test_missing_image_is_an_error_naming_the_row(tmp_path: Path):
    (tmp_path / "a.png").write_bytes(b"")
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "g1,a.png,is there effusion?,yes\ng2,missing.png,is there effusion?,no\n")
    with pytest.raises(DatasetError, match="row 3.*does not exist"):
        load_dataset(path, tmp_path)


def test_absolute_path_outside_root_refused(tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "g1,/etc/passwd,is there effusion?,yes\n")
    with pytest.raises(DatasetError, match="escapes the image root"):
        load_dataset(path, tmp_path)


def test_generic_jsonl_and_parquet_read_the_same_groups(tmp_path: Path):
    import pandas as pd

    rows = [
        {"group_id": "g1", "image": "a.png", "question": "Is there effusion?", "answer": "yes"},
        {"group_id": "g1", "image": "a.png", "question": "Is effusion present?", "answer": "yes", "strategy": "phrasing variation"},
        {"group_id": "g1", "image": "a.png", "question": "Is there no effusion?", "answer": "no", "relation": "inverted", "strategy": "control"},
    ]
    pd.DataFrame(rows).to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    pd.DataFrame(rows).to_parquet(tmp_path / "d.parquet")
    pd.DataFrame(rows).to_csv(tmp_path / "d.csv", index=False)
    loaded = [load_dataset(tmp_path / name) for name in ("d.jsonl", "d.parquet", "d.csv")]
    for dataset in loaded:
        (group,) = dataset.groups
        assert group.base.question == "Is there effusion?"
        assert [c.relation for c in group.variants] == ["invariant", "inverted"]
        assert [c.strategy for c in group.variants] == ["phrasing", "control"]
        assert group.finding == "pleural_effusion"


_tokens = list('ab,"\n\r x?.g1/\\\t\x00') + ["png", "yes", "no", "..", "a.png", "is there effusion?"]
cells = st.lists(st.sampled_from(_tokens), max_size=6).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["group_id", "image", "question", "answer", "role", "relation", "strategy", "case_id", "", "x"]), min_size=0, max_size=7),
    rows=st.lists(st.lists(cells, max_size=8), max_size=6),
    raw_tail=st.binary(max_size=8),
)
def test_fuzzed_csv_gives_dataset_error_with_row_or_loads(tmp_path: Path, header, rows, raw_tail):
    """Any malformed table gives a DatasetError with a row number, never another exception."""
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path = tmp_path / "fuzz.csv"
    path.write_bytes("\n".join(lines).encode() + raw_tail)
    try:
        dataset = load_dataset(path)
    except DatasetError as error:
        assert error.row >= 1
        assert f"row {error.row}" in str(error) and str(path) in str(error)
    else:
        assert all(case.source.row >= 2 for case in dataset.cases)
