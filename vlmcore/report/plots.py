"""The report's plots as PNG bytes (matplotlib, Agg). Plots format; numbers come from rows."""

from __future__ import annotations

import io

import numpy as np

from vlmcore.data.rows import VariantRow


def _figure(width: float = 6.0, height: float = 3.0, columns: int = 1):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(1, columns, figsize=(width, height))
    return plt, figure, axis


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=72)
    plt.close(figure)
    return buffer.getvalue()


def js_and_margin(rows: list[VariantRow]) -> bytes:
    """Two small panels: map change (JS to the base map) for kept vs flipped answers, and how
    sure the base answer was for the paraphrases that kept it and those that flipped it. (Per
    group and per finding numbers are tables in the comparison and the failures, not charts.)"""
    plt, figure, (left, right) = _figure(8.0, 2.6, columns=2)
    invariant = [r for r in rows if r.relation == "invariant"]
    kept = [r.metrics.get("js_to_base", 0.0) for r in invariant if r.consistent]
    flipped = [r.metrics.get("js_to_base", 0.0) for r in invariant if not r.consistent]
    left.boxplot([kept or [0.0], flipped or [0.0]], tick_labels=[f"kept ({len(kept)})", f"flipped ({len(flipped)})"])
    left.set_ylabel("JS to base map (base 2)", fontsize=9)
    base_margin = {r.group_id: abs(r.margin) for r in rows if r.relation == "base"}
    xs = [base_margin.get(r.group_id, 0.0) for r in invariant]
    ys = np.array([0 if r.consistent else 1 for r in invariant]) + np.random.default_rng(0).uniform(-0.08, 0.08, len(invariant))
    right.scatter(xs, ys, s=8, alpha=0.5)
    right.set_yticks([0, 1], ["kept", "flipped"])
    right.set_xlabel("|base yes-no margin| (logit)", fontsize=9)
    return _png(plt, figure)


def js_flip_strata(tests) -> bytes:
    """Per model, per strategy: mean JS to the base map of paraphrases that kept the answer (o)
    and of those that changed it (x), joined by a line: the comparison the stratified test makes."""
    plt, figure, axis = _figure(8.0, 2.8)
    for offset, test in enumerate(tests):
        for position, strategy in enumerate(test.by_strategy):
            x = position + 0.8 * (offset - (len(tests) - 1) / 2) / max(len(tests), 1)
            kept, changed = strategy.unchanged, strategy.changed
            if kept is not None:
                axis.scatter([x], [kept], marker="o", s=14, color=f"C{offset}", label=test.model if position == 0 else None)
            if changed is not None:
                axis.scatter([x], [changed], marker="x", s=20, color=f"C{offset}")
            if kept is not None and changed is not None:
                axis.plot([x, x], [kept, changed], color=f"C{offset}", linewidth=0.8)
    strategies = [s.strategy for s in tests[0].by_strategy] if tests else []
    axis.set_xticks(range(len(strategies)), strategies, fontsize=8)
    axis.set_ylabel("mean JS to base map (o kept, x changed)", fontsize=8)
    axis.legend(fontsize=7)
    return _png(plt, figure)
