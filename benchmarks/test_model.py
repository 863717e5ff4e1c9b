"""Per model: it uses the image; aggregates per finding and per paraphrase strategy."""

from vlmcore.metrics.summary import consistency, image_reliance


def test_image_reliance(vlm, vlm_threshold, vlm_model):
    rows = vlm.all_rows(vlm_model)
    threshold = vlm_threshold("image_reliance")
    same = image_reliance(rows)
    assert same <= threshold, (
        f"{same:.0%} of answers stay the same with the image blanked (allowed {threshold:.0%}): the model answers from the text"
    )


def test_finding_consistency(vlm, vlm_threshold, vlm_model, vlm_finding):
    rows = [r for r in vlm.all_rows(vlm_model) if r.finding == vlm_finding]
    threshold = vlm_threshold("finding_consistency", vlm_finding)
    value = consistency(rows)
    assert value is None or value >= threshold, f"{vlm_finding}: consistency {value:.2f} < {threshold} over {len(rows)} cases"


def test_strategy_consistency(vlm, vlm_threshold, vlm_model, vlm_strategy):
    rows = [r for r in vlm.all_rows(vlm_model) if r.strategy == vlm_strategy]
    threshold = vlm_threshold("strategy_consistency")
    value = consistency(rows)
    assert value is None or value >= threshold, f"{vlm_strategy}: consistency {value:.2f} < {threshold} over {len(rows)} variants"
