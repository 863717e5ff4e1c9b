"""The map evaluation in the report: the default map recipe per family with its faithfulness and
sanity scores, every recipe's faithfulness, and localisation per model x finding x side.

Reads the JSON that ``python -m vlmcore.reference.map_eval`` writes. Each model's entry carries
the weights digest it was measured on; a model whose shipped weights differ is marked stale,
so a report never shows another model's map scores as this one's.
"""

from __future__ import annotations

from pathlib import Path

from vlmcore.report.sections import Section
from vlmcore.report.tables import Table


def _est(entry: dict | None, digits: int = 2) -> str:
    if not entry or not entry.get("n"):
        return "-"
    if entry.get("low") is None:
        return f"{entry['mean']:.{digits}f}"
    return f"{entry['mean']:.{digits}f} [{entry['low']:.{digits}f}, {entry['high']:.{digits}f}]"


def _stale(model: dict, folders: dict[str, Path]) -> bool:
    from vlmcore.reference.checkpoint import weights_digest

    folder = folders.get(model["model"])
    return folder is not None and weights_digest(folder) != model["weights_sha256"]


def tables(data: dict, folders: dict[str, Path] | None = None) -> list[Table]:
    folders = folders or {}
    models = data["models"]
    stale = {m["model"] for m in models if _stale(m, folders)}
    chosen = [m for m in models if m["default"]["chosen_here"]]
    defaults = Table(
        "Default map recipe per family (chosen by faithfulness)",
        ("family", "chosen on", "recipe", "faithfulness (AUC gap vs random cells) [95% CI]", "p (sign-flip, patients)",
         "films / patients", "sanity: Spearman trained vs randomised [95% CI]", "sanity", "sinks found"),
        tuple((m["family"], m["model"], m["default"]["recipe"],
               _est(next(f for f in m["faithfulness"] if f["recipe"] == m["default"]["recipe"])["score"], 3),
               f"{next(f for f in m['faithfulness'] if f['recipe'] == m['default']['recipe'])['p_value']:.2g}",
               f"{m['faithfulness_films']} / {m['faithfulness_patients']}", _est(m["sanity"]["spearman"]),
               "PASS" if m["sanity"]["passed"] else "FAIL", m["sinks"]) for m in chosen),
        note="Faithfulness: mean over films of the deletion and insertion areas between the map's cell order and random "
             "orders (p of the model's own answer; positive: the map's cells matter more). Sanity (Adebayo et al. 2018): "
             "the maps of a weight-randomised copy must not rank cells like the trained model's (upper bound < 0.5).")
    recipes = []
    for m in chosen:
        for f in m["faithfulness"]:
            recipes.append((m["model"], f["recipe"], _est(f["score"], 3), _est(f["deletion"], 3), _est(f["insertion"], 3),
                            f"{f['p_value']:.2g}", "default" if f["recipe"] == m["default"]["recipe"] else ""))
        for u in m.get("unavailable", []):  # a method that gave no map on some film is not a candidate
            recipes.append((m["model"], u["recipe"], "no map", "", "", "", u["reason"]))
    every = Table("Faithfulness of every map recipe", ("model", "recipe", "score [95% CI]", "deletion gap", "insertion gap", "p", ""),
                  tuple(recipes))
    rows, classes = [], {}
    for m in models:
        for recipe, entries in m["localisation"].items():
            for e in entries:
                below = e["mass_ratio"]["mean"] <= max(1.0, e["mass_ratio_mean_map"]["mean"])
                if below:
                    classes[(len(rows), 4)] = "fail"
                rows.append((m["model"] + (" (stale)" if m["model"] in stale else ""), recipe, e["finding"], e["side"],
                             _est(e["mass_ratio"]), f"{e['mass_ratio_mean_map']['mean']:.2f}",
                             f"{e['mass_ratio_without_finding']['mean']:.2f}", "1.00", _est(e["pointing"]),
                             f"{e['pointing_mean_map']['mean']:.2f}", f"{e['pointing_chance']:.2f}", e["n"]))
    local = Table("Localisation per model x finding x side",
                  ("model", "recipe", "finding", "side", "mass ratio [95% CI]", "mean map", "film without finding", "uniform",
                   "pointing [95% CI]", "mean map pointing", "chance", "n"),
                  tuple(rows), classes=classes,
                  note="Mass ratio: the map's mass on the true lesion mask over the mask's share of the film (1 = uniform). "
                       "Mean map: the model's mean map for the same question over every film asked. Bold: not above both "
                       "uniform and the mean map. Intervals are clustered by patient.")
    return [defaults, every, local]


def map_sections(path: Path, folders: dict[str, Path] | None = None) -> list[Section]:
    """The report's map-evaluation section from ``path`` (no section when it is absent)."""
    import json

    if not path.is_file():
        return []
    data = json.loads(path.read_text())
    return [Section("Map evaluation (reference models, bundled test set)",
                    (f"From {path.name}, written by python -m vlmcore.reference.map_eval (docs/maps.md).",),
                    tuple(tables(data, folders)))]


class MapEvaluationReport:
    """A pytest plugin object (the demo registers it) adding the map-evaluation section."""

    def __init__(self, path: Path, folders: dict[str, Path]):
        self.path, self.folders = path, folders

    def pytest_vlmcore_report_sections(self, config, report):
        return map_sections(self.path, self.folders)
