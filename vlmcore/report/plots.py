"""The report's plots as PNG bytes (matplotlib, Agg). Plots format; numbers come from rows."""

from __future__ import annotations

import io
from collections import defaultdict

import numpy as np

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.summary import accuracy, consistency


def _figure(width: float = 6.0, height: float = 3.0):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(width, height))
    return plt, figure, axis


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=72)
    plt.close(figure)
    return buffer.getvalue()


def _grouped(rows, key):
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(sorted(groups.items()))


def consistency_per_group(rows: list[VariantRow], threshold: float) -> bytes:
    plt, figure, axis = _figure(max(6.0, 0.25 * len({r.group_id for r in rows})), 3.0)
    groups = _grouped(rows, lambda r: r.group_id)
    values = [consistency(v) or 0.0 for v in groups.values()]
    axis.bar(range(len(values)), values, color=["#c0392b" if v < threshold else "#27ae60" for v in values])
    axis.axhline(threshold, color="black", linestyle="--", linewidth=1, label=f"threshold {threshold}")
    axis.set_xticks(range(len(values)), list(groups), rotation=90, fontsize=6)
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("consistency")
    axis.legend(fontsize=7)
    return _png(plt, figure)


def rate_by(rows: list[VariantRow], key, label: str) -> bytes:
    plt, figure, axis = _figure()
    groups = _grouped(rows, key)
    names = list(groups)
    x = np.arange(len(names))
    axis.bar(x - 0.2, [accuracy(v) or 0 for v in groups.values()], 0.4, label="accuracy")
    axis.bar(x + 0.2, [consistency(v) or 0 for v in groups.values()], 0.4, label="consistency")
    axis.set_xticks(x, names, rotation=45, ha="right", fontsize=7)
    axis.set_ylim(0, 1.05)
    axis.set_title(f"by {label}", fontsize=9)
    axis.legend(fontsize=7)
    return _png(plt, figure)


def js_histogram(rows: list[VariantRow]) -> bytes:
    plt, figure, axis = _figure()
    values = [r.metrics["js_to_base"] for r in rows if r.relation == "invariant"]
    axis.hist(values, bins=20, range=(0, max(values + [0.05])), color="#2980b9")
    axis.set_xlabel("JS divergence to base map (base 2)")
    axis.set_ylabel("variants")
    return _png(plt, figure)


def js_vs_flip(rows: list[VariantRow]) -> bytes:
    plt, figure, axis = _figure()
    invariant = [r for r in rows if r.relation == "invariant"]
    kept = [r.metrics["js_to_base"] for r in invariant if r.consistent]
    flipped = [r.metrics["js_to_base"] for r in invariant if not r.consistent]
    axis.boxplot([kept or [0.0], flipped or [0.0]], tick_labels=[f"kept ({len(kept)})", f"flipped ({len(flipped)})"])
    axis.set_ylabel("JS divergence to base map")
    return _png(plt, figure)


def margin_vs_flip(rows: list[VariantRow]) -> bytes:
    plt, figure, axis = _figure()
    base_margin = {r.group_id: abs(r.margin) for r in rows if r.relation == "base"}
    invariant = [r for r in rows if r.relation == "invariant"]
    xs = [base_margin.get(r.group_id, 0.0) for r in invariant]
    ys = [0 if r.consistent else 1 for r in invariant]
    jitter = np.random.default_rng(0).uniform(-0.08, 0.08, len(ys))
    axis.scatter(xs, np.array(ys) + jitter, s=10, alpha=0.6)
    axis.set_yticks([0, 1], ["kept", "flipped"])
    axis.set_xlabel("|base yes-no margin| (logit)")
    return _png(plt, figure)
