"""The report's map-evaluation section: from the shipped evaluation, every family's default with its
faithfulness and sanity, localisation per model x finding x side, and stale entries marked."""

import json

from vlmcore.demo import MODELS, REFERENCE
from vlmcore.report.map_section import map_sections, tables

EVALUATION = REFERENCE / "map_evaluation.json"


def test_section_shows_defaults_scores_and_localisation_per_side():
    data = json.loads(EVALUATION.read_text())
    defaults, every, local = tables(data, {p.name: p for p in MODELS.iterdir()})
    families = {row[0] for row in defaults.rows}
    assert {"llava", "medgemma"} <= families
    for row in defaults.rows:
        low = float(row[3].split("[")[1].split(",")[0])
        assert low > 0 and row[7] == "PASS", row  # the default beats random cells; the sanity check passes
    sides = {(row[0], row[2], row[3]) for row in local.rows}
    assert ("robust", "pleural_effusion", "right") in sides and ("robust", "consolidation", "left") in sides
    assert all("(stale)" not in row[0] for row in local.rows)
    assert any(row[-1] == "default" for row in every.rows)
    markdown = "\n".join(line for table in (defaults, every, local) for line in table.markdown())
    assert "Localisation per model x finding x side" in markdown and "uniform" in markdown


def test_an_entry_measured_on_other_weights_is_marked_stale(tmp_path):
    data = json.loads(EVALUATION.read_text())
    data["models"][0]["weights_sha256"] = "0" * 64
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(data))
    (section,) = map_sections(path, {p.name: p for p in MODELS.iterdir()})
    local = section.tables[-1]
    stale = {row[0] for row in local.rows if "(stale)" in row[0]}
    assert stale == {f"{data['models'][0]['model']} (stale)"}
    assert map_sections(tmp_path / "absent.json") == []
