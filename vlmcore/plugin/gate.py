"""The release gate: small checks comparing this run with a saved baseline.

Cases are paired by (model, case id). A check fails when the rate drops by more than the
configured margin *and* McNemar's exact test on the discordant pairs says the drop is
unlikely to be chance (one-sided p < alpha). Each failure is one readable sentence plus
the cases that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from scipy.stats import binomtest

from vlmcore.engine.rows import VariantRow


@dataclass(frozen=True)
class GateResult:
    check: str
    model: str
    passed: bool
    sentence: str
    baseline_rate: float
    current_rate: float
    p_value: float
    worse: tuple[str, ...]  # case ids that went from ok to not ok
    better: tuple[str, ...]


@dataclass(frozen=True)
class RegressionCheck:
    name: str  # "consistency" | "accuracy"
    margin: float
    alpha: float

    def outcome(self) -> Callable[[VariantRow], bool]:
        return (lambda r: r.consistent) if self.name == "consistency" else (lambda r: r.correct)

    def applies(self, row: VariantRow) -> bool:
        return row.relation == "invariant" if self.name == "consistency" else True

    def run(self, model: str, baseline: dict[str, VariantRow], current: dict[str, VariantRow]) -> GateResult | None:
        ok = self.outcome()
        paired = [key for key in sorted(set(baseline) & set(current)) if self.applies(current[key])]
        if not paired:
            return None
        worse = tuple(k for k in paired if ok(baseline[k]) and not ok(current[k]))
        better = tuple(k for k in paired if not ok(baseline[k]) and ok(current[k]))
        before = sum(ok(baseline[k]) for k in paired) / len(paired)
        after = sum(ok(current[k]) for k in paired) / len(paired)
        discordant = len(worse) + len(better)
        p_value = binomtest(len(worse), discordant, 0.5, alternative="greater").pvalue if discordant else 1.0
        regressed = (before - after) > self.margin and p_value < self.alpha
        sentence = (
            f"{model}: {self.name} {before:.3f} -> {after:.3f} ({after - before:+.3f}; margin {self.margin}), "
            f"McNemar p={p_value:.3g} on {len(worse)} worse / {len(better)} better of {len(paired)} paired cases"
        )
        return GateResult(self.name, model, not regressed, ("REGRESSION " if regressed else "ok ") + sentence,
                          before, after, p_value, worse, better)


def build_checks(gate: dict) -> list[RegressionCheck]:
    return [RegressionCheck("consistency", gate["consistency_margin"], gate["alpha"]),
            RegressionCheck("accuracy", gate["accuracy_margin"], gate["alpha"])]


def compare_runs(baseline_rows: list[VariantRow], current_rows: list[VariantRow], gate: dict) -> list[GateResult]:
    """Every check for every model in both runs. A baseline that shares no model and case
    with this run is itself a failure: a gate that compared nothing must not pass."""
    results = []
    models = sorted({r.model for r in current_rows} & {r.model for r in baseline_rows})
    shared = {(r.model, r.case_id) for r in current_rows} & {(r.model, r.case_id) for r in baseline_rows}
    if current_rows and not shared:
        ran, saved = sorted({r.model for r in current_rows}), sorted({r.model for r in baseline_rows})
        return [GateResult("pairing", ",".join(ran), False, f"REGRESSION CHECK IMPOSSIBLE: no case of this run ({ran}) is in the "
                           f"baseline ({saved}); compare runs of the same model on the same dataset", 0.0, 0.0, 1.0, (), ())]
    for model in models:
        base = {r.case_id: r for r in baseline_rows if r.model == model}
        current = {r.case_id: r for r in current_rows if r.model == model}
        for check in build_checks(gate):
            result = check.run(model, base, current)
            if result is not None:
                results.append(result)
    return results
