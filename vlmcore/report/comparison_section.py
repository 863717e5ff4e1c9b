"""The comparison view: every model of a run (or two runs) side by side, as the seed study's
tables, with clustered intervals and, where two models answered the same cases, paired tests."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.comparison import measures_by, model_measures
from vlmcore.metrics.js_flips import HEADERS as JS_FLIP_HEADERS, NOTE as JS_FLIP_NOTE, js_flip_test
from vlmcore.metrics.rates import RATES, gateable
from vlmcore.metrics.specs import Scope
from vlmcore.report.tables import Table
from vlmcore.verdict.pairing import pair_model
from vlmcore.verdict.regression import PairedDifference, paired_difference

MAX_PAIRS = 10  # pairwise paired-test blocks shown; more are named in the note
SIDE_BY_SIDE = "Models side by side"  # the comparison's first table: every measure per model


def _by_model(rows: list[VariantRow]) -> dict[str, list[VariantRow]]:
    grouped: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        grouped[row.model].append(row)
    return dict(sorted(grouped.items()))


def _subgroup_table(title: str, by_model: dict[str, list[VariantRow]], key, rate: str, note: str, scope: Scope | None = None) -> Table:
    """``scope``: the subgroup's kind when a first-run check of ``rate`` judges each subgroup over
    these same rows (the table then restates that check's values: ``Table.restates``)."""
    restates = next((check.name(rate) for check in RATES[rate].checks if check.scope is scope), "") if scope else ""
    columns = {model: measures_by(rows, key, rate) for model, rows in by_model.items()}
    names = sorted({name for table in columns.values() for name in table})
    rows = tuple((name, *[columns[m][name].shown() if name in columns[m] else "-" for m in by_model]) for name in names)
    rows = tuple(row for row in rows if any(value != "-" for value in row[1:]))  # e.g. no paraphrase is a "baseline"
    return Table(title, ("", *by_model), rows, note, restates=restates)


def paired_differences(first: list[VariantRow], second: list[VariantRow]) -> list[PairedDifference]:
    """Every rate the gate can take, tested on the cases both models answered (the gate's pairing:
    same case id, question, expected answer, group and film). Empty when they share no case."""
    if not first or not second:
        return []
    pairing = pair_model(first, second, first[0].model, second[0].model)
    return [d for name in gateable() if (d := paired_difference(pairing, name)) is not None]


def comparison_tables(rows: list[VariantRow], reference: str | None = None, pairs: list[tuple[str, str]] | None = None
                      ) -> list[Table]:
    """Empty for a single model: there is nothing to compare. ``reference`` / ``pairs``: which
    paired tests come first (``pairs_that_matter``)."""
    by_model = _by_model(rows)
    if len(by_model) < 2:
        return []
    columns = {model: model_measures(model_rows) for model, model_rows in by_model.items()}
    first = next(iter(columns.values()))
    headline = tuple((m.label, m.direction, *[columns[model][i].shown() for model in by_model]) for i, m in enumerate(first))
    tables = [Table(SIDE_BY_SIDE, ("measure", "direction", *by_model), headline,
                    "95% intervals clustered by patient (film without patient ids). Map measures on each group's base "
                    "question; 'descriptive' measures have no good end, they show where the map looks.")]
    tables.append(_subgroup_table("Accuracy by finding", by_model, lambda r: r.finding, "accuracy", "", Scope.FINDING))
    tables.append(_subgroup_table("Accuracy by strategy", {m: [r for r in v if r.relation != "base"] for m, v in by_model.items()},
                                  lambda r: r.strategy, "accuracy", "paraphrases and controls, by how they were written"))
    tables.append(_subgroup_table("Consistency by strategy", by_model, lambda r: r.strategy, "consistency",
                                  "verified paraphrases answered as their base question", Scope.STRATEGY))
    flip_tests = [test for model_rows in by_model.values() if (test := js_flip_test(model_rows)) is not None]
    if flip_tests:
        tables.append(Table("Map change when the answer changes (strategy-stratified, patient-clustered)", JS_FLIP_HEADERS,
                            tuple(test.row() for test in flip_tests), JS_FLIP_NOTE))
    tables += paired_tables(by_model, pairs_that_matter(list(by_model), reference, pairs))
    return tables


def pairs_that_matter(models: list[str], reference: str | None = None, pairs: list[tuple[str, str]] | None = None
                      ) -> list[tuple[str, str]]:
    """The pairs a reader compares: the ones given (``vlmcore compare``: each model's baseline vs
    candidate), else the reference (``--vlm-reference``; default the first model) against each other
    model. ``models`` - 1 pairs, not ``models`` choose 2."""
    if pairs:
        return [(first, second) for first, second in pairs if first in models and second in models]
    reference = reference if reference in models else models[0]
    return [(reference, other) for other in models if other != reference]


def _paired_rows(by_model: dict[str, list[VariantRow]], pairs) -> list[tuple]:
    rows = []
    for first_model, second_model in pairs:
        for difference in paired_differences(by_model[first_model], by_model[second_model]):
            rows.append((f"{first_model} vs {second_model}", difference.rate, f"{difference.first:.3f}",
                         f"{difference.second:.3f}", f"{difference.second - difference.first:+.3f}",
                         f"{difference.p_two_sided:.3g}", f"{difference.clusters}", f"{difference.cases}"))
    return rows


PAIRED_HEADERS = ("models", "rate", "first", "second", "difference", "p (two-sided sign-flip)", "clusters", "paired cases")
PAIRED_NOTE = ("Exact sign-flip test on per-patient differences; not corrected for the number of tests shown: "
               "for a ship decision use the gate (vlmcore compare / --vlm-baseline).")


def paired_tables(by_model: dict[str, list[VariantRow]], main: list[tuple[str, str]]) -> list[Table]:
    """The pairs that matter as a table, and every other pair (up to ``MAX_PAIRS``) as a second,
    collapsed one: one click away in report.html, never 40 rows up front."""
    tables = []
    rows = _paired_rows(by_model, main)
    if rows:
        tables.append(Table("Paired tests on shared cases", PAIRED_HEADERS, tuple(rows), PAIRED_NOTE))
    chosen = set(main) | {(second, first) for first, second in main}
    others = [pair for pair in combinations(by_model, 2) if pair not in chosen]
    rest = _paired_rows(by_model, others[:MAX_PAIRS])
    if rest:
        hidden = f" {len(others) - MAX_PAIRS} more pairs not shown." if len(others) > MAX_PAIRS else ""
        tables.append(Table(f"Paired tests between the other {len(others[:MAX_PAIRS])} pairs", PAIRED_HEADERS, tuple(rest),
                            PAIRED_NOTE + hidden, collapsed=True))
    return tables
