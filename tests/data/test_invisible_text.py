"""Identifiers and questions are NFKC-normalised and checked for what a reader cannot see (issue 23
item 10): ids that render alike are refused naming file, row and key; a right-to-left override in a
question reaches the reports visibly escaped, never raw."""

import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from vlmcore.data import load_dataset
from vlmcore.data.text import INVISIBLE_RANGES, is_invisible, visible
from vlmcore.errors import DatasetError

HEADER = "group_id,image,question,answer,case_id,patient_id\n"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


REFUSED = [
    ("zero-width-space-in-case-id", ("g1,a.png,Is there effusion?,yes,c\u200b1,p1",), 2, "case_id",
     "holds invisible or bidirectional control characters (U+200B ZERO WIDTH SPACE)"),
    ("rtl-override-in-group-id", ("g\u202e1,a.png,Is there effusion?,yes,c1,p1",), 2, "group_id", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("bidi-isolate-in-patient-id", ("g1,a.png,Is there effusion?,yes,c1,p\u20661",), 2, "patient_id", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("soft-hyphen-in-case-id", ("g1,a.png,Is there effusion?,yes,c\u00ad1,p1",), 2, "case_id", "U+00AD SOFT HYPHEN"),
    ("bom-in-group-id", ("g\ufeff1,a.png,Is there effusion?,yes,c1,p1",), 2, "group_id", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("variation-selector", ("g1,a.png,Is there effusion?,yes,c1\ufe0f,p1",), 2, "case_id", "U+FE0F VARIATION SELECTOR-16"),
    ("cyrillic-a-in-latin-id", ("ph\u0430ntom01,a.png,Is there effusion?,yes,c1,p1",), 2, "group_id",
     "mixes letters of CYRILLIC and LATIN scripts"),
    ("greek-omicron-in-latin-id", ("g1,a.png,Is there effusion?,yes,case-\u03bf1,p1",), 2, "case_id", "mixes letters of GREEK and LATIN"),
    ("all-cyrillic-twin-of-a-latin-id", ("g1,a.png,Is there effusion?,yes,c1,p1", "g1,a.png,Is effusion present?,yes,\u04411,p1"), 3,
     "case_id", "case_id '\u04411' renders like 'c1' (row 2) but is a different identifier"),
    ("cyrillic-patient-twin", ("g1,a.png,Is there effusion?,yes,c1,p1", "g2,b.png,Is there effusion?,yes,c2,\u04401"), 3,
     "patient_id", "renders like 'p1' (row 2)"),
]


@pytest.mark.parametrize("name, rows, row, column, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_identifiers_that_hide_or_imitate_are_refused_naming_file_row_and_key(tmp_path, name, rows, row, column, message):
    path = _csv(tmp_path, *rows)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert (error.value.file, error.value.row, error.value.column) == (str(path), row, column), str(error.value)
    assert message in str(error.value)
    assert "\u200b" not in str(error.value) and "\u202e" not in str(error.value)  # the error itself shows them escaped


def test_full_width_and_compatibility_forms_are_normalised_so_duplicates_are_found(tmp_path):
    path = _csv(tmp_path, "g1,a.png,Is there effusion?,yes,c1,p1", "g1,a.png,Is effusion present?,yes,\uff43\uff11,p1")
    with pytest.raises(DatasetError, match=r"row 3, column 'case_id': duplicate case id 'c1' \(first at row 2\)"):
        load_dataset(path)


def test_questions_are_nfkc_and_keep_what_a_dataset_tests_on_purpose(tmp_path):
    path = _csv(tmp_path, "g1,a.png,Is there \ufb01brosis?,yes,c1,p1", "g1,a.png,Is there fibrosis\u200b?,yes,c2,p1",
                "g2,b.png,Ｉｓ ｔｈｅｒｅ effusion?,no,c3,\uff50\uff12")
    dataset = load_dataset(path)
    questions = [c.question for c in dataset.cases]
    assert questions == ["Is there fibrosis?", "Is there fibrosis\u200b?", "Is there effusion?"]
    assert dataset.cases[-1].patient_id == "p2"


def test_ids_in_one_script_other_than_latin_are_accepted(tmp_path):
    path = _csv(tmp_path, "\u0433\u0440\u0443\u043f\u043f\u04301,a.png,Is there effusion?,yes,\u0441\u043b\u0443\u0447\u0430\u0439-1,\u043f1")
    assert load_dataset(path).groups[0].group_id == "\u0433\u0440\u0443\u043f\u043f\u04301"


def test_visible_escapes_every_invisible_character_and_nothing_else():
    assert visible("a\u202eb\u200bc\nd\te") == "a⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩b⟨U+200B ZERO WIDTH SPACE⟩c\nd\te"
    assert visible("Is there a pneumothorax? Ünïcödé ok — 気胸") == "Is there a pneumothorax? Ünïcödé ok — 気胸"
    hidden = [p for p in range(0x110000) if is_invisible(chr(p))]
    assert all(any(low <= p <= high for low, high in INVISIBLE_RANGES) for p in hidden)  # the table covers this Python's Unicode
    assert all(visible(chr(p)) != chr(p) for p in hidden[::37])
    assert unicodedata.category("\u202e") == "Cf"


def test_reports_show_a_right_to_left_override_escaped(tmp_path):
    from tests.report.test_html_in_chromium import _report
    from vlmcore.report.html import render_html
    from vlmcore.report.markdown import render_markdown

    report = _report()
    hostile = "Is there \u202eeno\u202c effusion\u200b?"
    report.rows = [replace(r, question=hostile) for r in report.rows]
    report.flips = [{"model": "m", "group_id": "g0", "question": hostile, "paraphrase": hostile, "found": True, "transforms": ["voice"]}]
    for text in (render_html(report), render_markdown(report)):
        assert "\u202e" not in text and "\u200b" not in text and "\u202c" not in text
        assert "⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩eno⟨U+202C POP DIRECTIONAL FORMATTING⟩ effusion⟨U+200B ZERO WIDTH SPACE⟩?" in text
