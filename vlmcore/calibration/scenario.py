"""The record every simulated scenario is, and the model at every threshold the first-run and
release scenarios share (``scenarios`` and ``release_scenarios`` both build on it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from vlmcore.testing.study import FINDINGS, StudyModel
from vlmcore.verdict.thresholds import Thresholds


@dataclass(frozen=True)
class Readout:
    """One rule read off a shared simulated run (``Simulation``): a line of its own in the table."""

    kind: str
    name: str
    target: str
    alarm: Callable[[Any], bool]  # the simulated run (a verdict) -> True when this rule alarms


@dataclass(frozen=True)
class Scenario:
    kind: str  # "first run" | "gate null" | "gate alternative" | "coverage"
    name: str
    target: str  # what a good rule does: "pass", "fail", or "cover"
    trial: Callable[[np.random.Generator], bool]  # True when the rule alarms (or the interval covers)

    def draw(self, rng: np.random.Generator) -> bool:
        return self.trial(rng)

    @property
    def readouts(self) -> tuple[Readout, ...]:
        """A scenario is a simulation read by its one rule."""
        return (Readout(self.kind, self.name, self.target, bool),)


@dataclass(frozen=True)
class Simulation:
    """Several rules read off the same simulated runs: each run (a baseline, a candidate and the
    verdict between them, the costly part) is drawn once and every readout judged on it, so the
    lines of one simulation differ only by the rule, not by Monte-Carlo noise."""

    draw: Callable[[np.random.Generator], Any]
    readouts: tuple[Readout, ...]


def at_thresholds(thresholds: Thresholds, below: float = 0.0, only: str | None = None) -> StudyModel:
    """A model whose expected rates sit at every threshold, or ``below`` worse (all of them, or ``only`` one)."""
    shift = lambda name: below if only in (None, name) else 0.0
    consistency = max(thresholds.get("consistency"), thresholds.get("finding_consistency"), thresholds.get("strategy_consistency"))
    accuracy = {f: thresholds.get("accuracy", f) - shift("accuracy") for f in FINDINGS}
    model = StudyModel().with_rates(consistency - shift("consistency"), accuracy, StudyModel().blank_same)
    return replace(model, negation_respect=thresholds.get("inverted_flip_rate") - shift("inverted_flip_rate"))
