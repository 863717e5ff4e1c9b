"""``vlmcore explain`` on the bundled reference test set with the trained robust model: one page
with all four parts, numbers that agree with the adapter, offline."""

import re
from pathlib import Path

import pytest

from vlmcore.cli import main

REPO = Path(__file__).resolve().parents[1]
TEST_SET = REPO / "fixtures" / "reference" / "test" / "dataset.csv"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("explain") / "case.html"
    code = main(["explain", "pt7-00015-f0.png", "Is there consolidation in the left lung?", "--dataset", str(TEST_SET),
                 "--out", str(out)])
    assert code == 0
    return out.read_text()


def test_the_page_has_all_four_parts(page):
    for section in ("answer", "map", "tokens", "paraphrases"):
        assert f"<section id='{section}'>" in page
    answer = re.search(r"<b>(yes|no)</b>, p\(yes\) ([0-9.]+)", page)
    assert answer and (answer.group(1) == "yes") == (float(answer.group(2)) >= 0.5)
    assert "<figcaption>consolidation</figcaption>" in page  # the finding word got its own map
    assert page.count("data:image/jpeg;base64,") >= 3  # the answer map, a token map, a paraphrase comparison
    changed = re.search(r"4\. Paraphrase sensitivity: (\d+) of (\d+) paraphrases change the answer", page)
    assert changed and int(changed.group(2)) >= 10
    paraphrases = page[page.index("<section id='paraphrases'>"):]
    paraphrases = paraphrases[:paraphrases.index("</section>")]
    assert paraphrases.count("class='flip'") == int(changed.group(1))  # each changed answer is marked in the table


def test_the_page_answers_as_the_adapter_does(page):
    import numpy as np

    from vlmcore.data.images import load_image
    from vlmcore.explain import REFERENCE, load_model
    from vlmcore.models.requests import Request

    film = load_image(REPO / "fixtures" / "reference" / "test" / "images" / "pt7-00015-f0.png").pixels
    score = load_model(str(REFERENCE)).score_yes_no([Request.of(film, "Is there consolidation in the left lung?")])[0]
    shown = float(re.search(r"p\(yes\) ([0-9.]+)", page).group(1))
    assert np.isclose(shown, score.p_yes, atol=5e-4)


def test_an_unknown_image_name_is_a_usage_error_naming_the_dataset(tmp_path, capsys):
    code = main(["explain", "nope.png", "Is there an effusion?", "--dataset", str(TEST_SET), "--out", str(tmp_path / "x.html")])
    assert code == 4 and "no case uses an image named 'nope.png'" in capsys.readouterr().err


def test_the_page_goes_under_the_report_folder_not_the_current_one(tmp_path, monkeypatch, capsys):
    film = min((REPO / "fixtures" / "phantom" / "images").glob("*.png"))
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    code = main(["explain", str(film), "Is there a pleural effusion?", "--model", "tiny-llava", "--report-dir", str(tmp_path / "r")])
    page = tmp_path / "r" / "explain" / f"{film.stem.lower()}-is-there-a-pleural-effusion.html"
    assert code == 0 and page.is_file() and f"page: {page}" in capsys.readouterr().out
    assert list(here.iterdir()) == []  # nothing written where the command was run


def test_page_names_are_safe_and_distinct():
    from vlmcore.explain import page_path

    first = page_path(Path("reports"), "../../etc/x.png", "Is there <script>?")
    assert first == Path("reports/explain/x-is-there-script.html")
    assert page_path(Path("reports"), "x.png", "Is there an effusion?") != page_path(Path("reports"), "x.png", "Is there a mass?")
