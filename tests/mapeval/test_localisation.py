"""Localisation measures: the pointing game agrees with quantus's, the mass ratio is 1 for a
uniform map, and the baselines (mean map, film without the finding) are computed per question."""

import numpy as np
import pytest

from vlmcore.mapeval.localisation import Finding, coverage, mass_ratio, pointing_hit, table


@pytest.mark.slow  # importing quantus alone takes seconds
def test_pointing_game_agrees_with_quantus():
    quantus = pytest.importorskip("quantus", reason="quantus (dev extra) cross-checks the pointing game")
    rng = np.random.default_rng(0)
    maps = rng.random((40, 8, 8))
    masks = rng.random((40, 8, 8)) > 0.8
    ours = [pointing_hit(m, s.astype(float)) for m, s in zip(maps, masks)]
    theirs = quantus.PointingGame(disable_warnings=True)(model=None, x_batch=np.zeros((40, 1, 8, 8)), y_batch=np.zeros(40, int),
                                                         a_batch=maps[:, None], s_batch=masks[:, None].astype(float))
    assert ours == [bool(v) for v in theirs] and 0 < sum(ours) < 40


def test_uniform_map_has_mass_ratio_one_and_cells_count_by_coverage():
    mask = np.zeros((64, 64), dtype=bool)
    mask[40:56, 8:20] = True
    covered = coverage(mask, (8, 8))
    assert covered[5, 1] == pytest.approx(1.0) and covered[5, 2] == pytest.approx(0.5)
    assert mass_ratio(np.ones((8, 8)), covered) == pytest.approx(1.0)
    on = np.zeros((8, 8))
    on[5, 1] = 1.0
    assert mass_ratio(on, covered) == pytest.approx(1 / covered.mean())
    cropped = coverage(mask, (8, 8), region=(0.0, 0.0, 64.0, 32.0))  # the grid covers the left half only
    assert cropped[5, 2:5].min() == pytest.approx(1.0)


def test_table_rows_per_finding_and_side_with_question_mean_maps():
    covered = np.zeros((4, 4))
    covered[2, 0] = 1.0
    findings = [Finding("pleural_effusion", "right", f"p{i}", "is there pleural effusion in the right lung?", covered) for i in range(12)]
    on = np.full((4, 4), 0.01)
    on[2, 0] = 1.0
    off = np.full((4, 4), 0.01)
    off[0, 3] = 1.0
    rows = table(findings, [on] * 12, [off] * 12)
    (row,) = rows
    assert row.kind == "pleural_effusion" and row.side == "right" and row.n == 12
    assert row.ratio.mean > 8 and row.ratio_without.mean < 1 and 1 < row.ratio_mean_map.mean < row.ratio.mean
    assert row.pointing.mean == 1.0 and row.pointing_without.mean == 0.0 and row.pointing_chance == pytest.approx(1 / 16)
    assert row.above_uniform and row.above_mean_map and row.to_json()["mass_ratio"]["clusters"] == 12
