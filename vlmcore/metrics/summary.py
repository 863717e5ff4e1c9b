"""Run summaries computed from variant rows alone (so they can be recomputed from
``results.jsonl``). Each headline rate has a 95% interval clustered by patient (by film
when the dataset has no patient ids; ``intervals`` says how), flagged unreliable below 10
clusters.

Definitions (per model):
- consistency: share of invariant variants answering as their group's base question;
  flip rate = 1 - consistency;
- accuracy: share of all cases answering the expected answer;
- js_divergence: mean JS divergence (base 2, in [0, 1]) between each invariant variant's
  map and its base question's map;
- inverted_flip_rate: share of inverted controls whose answer differs from the base's;
- image_reliance: share of cases whose answer is unchanged when the image is blanked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.clusters import cluster_unit, tally
from vlmcore.metrics.intervals import mean_interval, rate_interval
from vlmcore.metrics.rates import RATES


def _mean(values) -> float | None:
    values = [float(v) for v in values]
    return round(float(np.mean(values)), 6) if values else None


def consistency(rows: list[VariantRow]) -> float | None:
    return _mean(r.consistent for r in rows if RATES["consistency"].applies(r))


def flip_rate(rows: list[VariantRow]) -> float | None:
    value = consistency(rows)
    return None if value is None else round(1 - value, 6)


def accuracy(rows: list[VariantRow]) -> float | None:
    return _mean(r.correct for r in rows)


def js_divergence_mean(rows: list[VariantRow]) -> float | None:
    return _mean(r.metrics["js_to_base"] for r in rows if r.relation == "invariant")


def inverted_flip_rate(rows: list[VariantRow]) -> float | None:
    return _mean(r.answer != r.base_answer for r in rows if r.relation == "inverted")


def image_reliance(rows: list[VariantRow]) -> float | None:
    return _mean(r.blank_answer == r.answer for r in rows if r.blank_answer is not None)


HEADLINE: dict[str, Callable[[list[VariantRow]], float | None]] = {
    "consistency": consistency, "flip_rate": flip_rate, "accuracy": accuracy, "js_divergence": js_divergence_mean,
    "inverted_flip_rate": inverted_flip_rate, "image_reliance": image_reliance,
}


def _by(rows: list[VariantRow], key: Callable[[VariantRow], str]) -> dict[str, list[VariantRow]]:
    groups: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(sorted(groups.items()))


def _interval(rows: list[VariantRow], name: str) -> dict:
    """The 95% interval of one headline metric, with its cluster count and reliability."""
    if name == "js_divergence":
        by_cluster = _by([r for r in rows if r.relation == "invariant"], lambda r: r.cluster)
        interval = mean_interval([[r.metrics["js_to_base"] for r in v] for v in by_cluster.values()])
    else:
        interval = rate_interval(tally(rows, "consistency" if name == "flip_rate" else name))
        if interval is not None and name == "flip_rate":
            return {"ci95": [round(1 - interval.high, 6), round(1 - interval.low, 6)], "clusters": interval.clusters,
                    "reliable": interval.reliable}
    if interval is None:
        return {"ci95": None, "clusters": 0, "reliable": False}
    return {"ci95": interval.to_json(), "clusters": interval.clusters, "reliable": interval.reliable}


def summarise_model(rows: list[VariantRow]) -> dict:
    summary: dict = {"groups": len({r.group_id for r in rows}), "cases": len(rows), "patients": len({r.patient_id for r in rows}),
                     "clusters": len({r.cluster for r in rows}), "cluster_unit": cluster_unit(rows),
                     "fallback_maps": sum(r.map_fallback for r in rows),
                     "low_mass_share": _mean(r.low_mass for r in rows),
                     "unverified_paraphrases": sum(r.relation == "invariant" and not r.verified_paraphrase for r in rows),
                     "unverified_flips": sum(r.relation == "invariant" and not r.verified_paraphrase and not r.consistent
                                             for r in rows),
                     "map_methods": sorted({r.map_method for r in rows})}
    for name, metric in HEADLINE.items():
        summary[name] = {"value": metric(rows), **_interval(rows, name)}
    summary["inside_body_ratio_mean"] = _mean(r.metrics["inside_body_ratio"] for r in rows)
    summary["border_fraction_mean"] = _mean(r.metrics["border_fraction"] for r in rows)
    summary["border_ratio_mean"] = _mean(r.metrics["border_ratio"] for r in rows if "border_ratio" in r.metrics)
    summary["by_finding"] = {k: {"consistency": consistency(v), "accuracy": accuracy(v), "cases": len(v)}
                             for k, v in _by(rows, lambda r: r.finding).items()}
    summary["by_strategy"] = {k: {"consistency": consistency(v), "accuracy": accuracy(v), "cases": len(v)}
                              for k, v in _by([r for r in rows if r.relation != "base"], lambda r: r.strategy).items()}
    return summary


def summarise_run(rows: list[VariantRow]) -> dict[str, dict]:
    return {model: summarise_model(model_rows) for model, model_rows in _by(rows, lambda r: r.model).items()}
