"""Per case: the attention map is measured (not a fallback), inside the body, off the border."""


def test_map_is_measured(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    if row.map_fallback:
        assert vlm_threshold("allow_fallback_maps"), f"map for {vlm_case} is a {row.map_method} fallback, not a measurement"


def test_attention_inside_body(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    threshold = vlm_threshold("inside_body_ratio", row.finding)
    value = row.metrics["inside_body_ratio"]
    assert value >= threshold, f"inside_body_ratio {value:.3f} < {threshold} ({row.map_method} map, grid {row.map_grid})"


def test_attention_off_border(vlm, vlm_threshold, vlm_model, vlm_case):
    row = vlm.case_row(vlm_model, vlm_case)
    threshold = vlm_threshold("border_fraction", row.finding)
    value = row.metrics["border_fraction"]
    assert value <= threshold, f"border_fraction {value:.3f} > {threshold} ({row.map_method} map, grid {row.map_grid})"
