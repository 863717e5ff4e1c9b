"""Per paraphrase group: its attention maps are measured (not fallbacks), inside the body, off the border.

A fallback map is a broken measurement and fails its group (unless the thresholds allow
fallbacks), naming every case whose map fell back. Inside-body and border are diagnostics
(xfail when they do not hold), judged on the group's base-question map as their measures are
defined (``MEASURES``: one map per group, so the bars read off seed replicas apply as read);
``--vlm-case-checks gate`` makes them gating. One case per group, not per variant: the
variants' maps are compared with the base map by the group's JS check, and a per-variant
case cost more pytest work than the model (docs/performance.md)."""

import pytest

from vlmcore.metrics.rates import MEASURES


def test_group_maps_measured(vlm, vlm_threshold, vlm_model, vlm_group):
    evaluation = vlm.engine(vlm_model).group(vlm_group)
    fallbacks = [row for row in evaluation.rows if row.map_fallback]
    if fallbacks and not vlm_threshold("allow_fallback_maps"):
        named = "; ".join(f"{row.case_id} ({row.map_method})" for row in fallbacks)
        pytest.fail(f"{len(fallbacks)} of {len(evaluation.rows)} maps of {vlm_group} are fallbacks, not measurements: {named}",
                    pytrace=False)


def _base_map_value(vlm, vlm_model, vlm_group, measure: str):
    evaluation = vlm.engine(vlm_model).group(vlm_group)
    spec = MEASURES[measure]
    measured = [(row, value) for row in evaluation.rows if spec.applies(row) and (value := spec.value(row)) is not None]
    if not measured:
        pytest.skip(f"{vlm_group}: no base-question map read at the answer to measure {measure} on")
    return evaluation, measured[0]


def test_group_attention_inside_body(vlm, vlm_threshold, vlm_model, vlm_group):
    evaluation, (row, value) = _base_map_value(vlm, vlm_model, vlm_group, "inside_body_ratio")
    threshold = vlm_threshold("inside_body_ratio", evaluation.group.finding)
    vlm.expect(value >= threshold, f"inside_body_ratio {value:.3f} < {threshold} (base map of {row.case_id}, {row.map_method}, "
               f"grid {row.map_grid})", level="case")


def test_group_attention_off_border(vlm, vlm_threshold, vlm_model, vlm_group):
    evaluation, (row, value) = _base_map_value(vlm, vlm_model, vlm_group, "border_ratio")
    threshold = vlm_threshold("border_ratio", evaluation.group.finding)
    vlm.expect(value <= threshold, f"border_ratio {value:.2f} > {threshold}: the outer ring holds {value:.2f}x its area share "
               f"of the map (raw fraction {row.metrics['border_fraction']:.3f}; base map of {row.case_id}, {row.map_method}, "
               f"grid {row.map_grid})", level="case")
