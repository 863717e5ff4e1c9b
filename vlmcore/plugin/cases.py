"""The first-run aggregate cases, one per declared check (``vlmcore.metrics.rates``).

``benchmarks/test_model.py`` takes them with ``globals().update(first_run_cases())``: a rate
that declares a check gets its pytest case (``test_<check>``, parametrized per model and, for
finding / strategy checks, per subject) without a line of benchmark code. Each fails only when
the check's one-sided confidence bound rules its bar out; a non-gating check reads as xfail.
"""

from __future__ import annotations

from typing import Callable

import pytest

from vlmcore.metrics.rates import first_run_checks_declared
from vlmcore.metrics.specs import CheckSpec, RateSpec, Scope


def judge(vlm, model: str, check: str, subject: str = "", gating: bool = True) -> None:
    unread = vlm.answers_not_read(model)
    if unread:  # the verdict is NOT EVALUATED: a check on answers that were not read decides nothing
        pytest.skip(f"{model} {check} {subject}: NOT EVALUATED - {unread}")
    result = vlm.aggregate(model, check, subject)
    if result.passed is None:
        pytest.skip(f"{model} {check} {subject}: {vlm.not_asked(check) or 'no applicable case'}")
    vlm.expect(result.passed, result.sentence, level="aggregate" if gating else "case")


def _case(rate: RateSpec, check: CheckSpec) -> Callable:
    name = check.name(rate.name)
    if check.scope is Scope.FINDING:
        def case(vlm, vlm_model, vlm_finding):
            judge(vlm, vlm_model, name, vlm_finding, check.gating)
    elif check.scope is Scope.STRATEGY:
        def case(vlm, vlm_model, vlm_strategy):
            judge(vlm, vlm_model, name, vlm_strategy, check.gating)
    else:
        def case(vlm, vlm_model):
            judge(vlm, vlm_model, name, "", check.gating)
    case.__name__ = case.__qualname__ = f"test_{name}"
    where = "" if check.scope is Scope.MODEL else f" per {check.scope.value}"
    case.__doc__ = f"{rate.label}{where}: {rate.meaning}."
    return case


def first_run_cases() -> dict[str, Callable]:
    """``test_<check>`` -> its case function, for every declared first-run check."""
    return {f"test_{check.name(rate.name)}": _case(rate, check) for rate, check in first_run_checks_declared()}
