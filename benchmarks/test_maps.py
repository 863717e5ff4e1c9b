"""Per case: the attention map is measured (not a fallback), inside the body, off the border.

A fallback map is a broken measurement and always fails its case (unless the thresholds
allow fallbacks). Inside-body and border are diagnostics (xfail when they do not hold);
``--vlm-case-checks gate`` makes them gating."""

import pytest


def test_map_is_measured(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    if row.map_fallback and not vlm_threshold("allow_fallback_maps"):
        pytest.fail(f"map for {vlm_case} is a {row.map_method} fallback, not a measurement", pytrace=False)


def test_attention_inside_body(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    threshold = vlm_threshold("inside_body_ratio", row.finding)
    value = row.metrics["inside_body_ratio"]
    vlm.expect(value >= threshold, f"inside_body_ratio {value:.3f} < {threshold} ({row.map_method} map, grid {row.map_grid})",
               level="case")


def test_attention_off_border(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    threshold = vlm_threshold("border_ratio", row.finding)
    value = row.metrics["border_ratio"]
    vlm.expect(value <= threshold, f"border_ratio {value:.2f} > {threshold}: the outer ring holds {value:.2f}x its area share "
               f"of the map (raw fraction {row.metrics['border_fraction']:.3f}; {row.map_method} map, grid {row.map_grid})",
               level="case")
