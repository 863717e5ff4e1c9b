"""The comparison view's measures, checked against hand counts."""

from dataclasses import replace

import pytest

from tests.verdict.rows import group
from vlmcore.metrics.comparison import measures_by, model_measures
from vlmcore.report.comparison_section import paired_differences


def _rows(model: str, flipped_groups: int, groups: int = 12):
    rows = []
    for index in range(groups):
        answers = ["yes", "no", "yes"] if index < flipped_groups else ["yes", "yes", "yes"]
        for row in group(f"p{index}", answers, model=model):
            js = 0.3 if row.answer != row.base_answer else 0.02
            metrics = {"js_to_base": js, "focus": 0.25, "patient_right": 0.7, "patient_left": 0.3, "apical": 0.4, "basal": 0.6,
                       "inside_body_ratio": 0.9, "border_ratio": 1.1}
            rows.append(replace(row, metrics=metrics))
    return rows


def test_measures_match_hand_counts():
    measures = {m.key: m for m in model_measures(_rows("m", flipped_groups=3))}
    assert measures["consistency"].value == pytest.approx(33 / 36)  # 3 of 36 paraphrases flipped
    assert measures["flip_rate"].value == pytest.approx(3 / 36) and measures["flip_rate"].direction == "lower is better"
    low, high = measures["consistency"].low, measures["consistency"].high
    assert measures["flip_rate"].low == pytest.approx(1 - high) and measures["flip_rate"].high == pytest.approx(1 - low)
    assert measures["fully_consistent_groups"].value == pytest.approx(9 / 12)
    assert measures["js_changed"].value == pytest.approx(0.3) and measures["js_unchanged"].value == pytest.approx(0.02)
    assert measures["entropy"].value == pytest.approx(0.75)  # 1 - focus
    assert measures["patient_right"].value == pytest.approx(0.7) and measures["basal"].value == pytest.approx(0.6)
    assert measures["consistency"].clusters == 12


def test_subgroup_rates_and_paired_tests():
    first, second = _rows("a", flipped_groups=0), _rows("b", flipped_groups=8)
    by_strategy = measures_by(second, lambda r: r.strategy, "consistency")
    assert by_strategy["voice"].value == pytest.approx(28 / 36)
    paired = {d.rate: d for d in paired_differences(first, second)}
    consistency = paired["consistency"]
    assert consistency.first == 1.0 and consistency.second == pytest.approx(28 / 36)
    assert consistency.p_two_sided == pytest.approx(2 / 2**8)  # 8 patients worse, none better: exact sign-flip
    assert paired_differences(first, first)[0].p_two_sided == 1.0
    swapped = {d.rate: d for d in paired_differences(second, first)}
    assert swapped["consistency"].p_two_sided == pytest.approx(consistency.p_two_sided)  # two-sided: symmetric
