"""The statistics under the verdict: clustered tallies, intervals and the exact sign-flip test."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.verdict.rows import group, row
from vlmcore.metrics.clusters import Tally, cluster_unit, tally
from vlmcore.metrics.intervals import design_effect, rate_interval
from vlmcore.metrics.signflip import p_worse


def _brute_force(differences: list[int]) -> float:
    nonzero = [d for d in differences if d]
    if not nonzero:
        return 1.0
    observed = sum(differences)
    sums = [sum(s * abs(d) for s, d in zip(signs, nonzero)) for signs in itertools.product((1, -1), repeat=len(nonzero))]
    return sum(total <= observed for total in sums) / len(sums)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=0, max_size=11))
def test_sign_flip_p_value_equals_enumerating_every_sign(differences):
    assert p_worse(differences) == pytest.approx(_brute_force(differences), abs=1e-12)


def test_sign_flip_known_values():
    assert p_worse([0, 0, 0]) == 1.0  # a deterministic rerun
    assert p_worse([-2] * 10) == pytest.approx(2 ** -10)  # ten patients, each two answers worse
    assert p_worse([5, 5]) == 1.0  # better is never "worse"
    assert p_worse([-5, 5]) == pytest.approx(0.75)


def test_tally_is_per_patient_and_falls_back_to_the_film():
    rows = group("a", ["yes", "no"]) + group("b", ["yes"])
    counts = tally(rows, "consistency")
    assert counts.clusters == ("patient:a", "patient:b") and list(counts.successes) == [1, 1] and list(counts.trials) == [2, 1]
    assert cluster_unit(rows) == "patient"
    anonymous = [row("x", cluster="")]
    assert anonymous[0].cluster == "image:sha-" and cluster_unit(anonymous) == "image (the dataset has no patient ids)"


def test_interval_is_never_zero_width_and_widens_with_fewer_clusters():
    perfect = Tally(tuple("abcdefghij"), np.full(10, 6), np.full(10, 6))
    interval = rate_interval(perfect)
    assert interval.high == 1.0 and interval.low < 0.85  # 60 of 60, but only 10 clusters
    assert design_effect(perfect) == 6.0  # no spread observed: every case of a cluster taken as alike
    many = Tally(tuple(str(i) for i in range(100)), np.full(100, 6), np.full(100, 6))
    assert rate_interval(many).low > interval.low
    one = rate_interval(Tally(("a",), np.array([3]), np.array([6])))
    assert (one.low, one.high) == (0.0, 1.0) and not one.reliable and "only 1 cluster" in one.note()


def test_design_effect_counts_clustering():
    independent = Tally(tuple(str(i) for i in range(40)), np.array([1, 0] * 20), np.ones(40, dtype=int))
    clustered = Tally(tuple(str(i) for i in range(10)), np.array([4, 0] * 5), np.full(10, 4))  # all-or-nothing per cluster
    assert design_effect(independent) == pytest.approx(1.0, abs=0.05)
    assert design_effect(clustered) == pytest.approx(4 * 10 / 9, rel=1e-6)  # ~cluster size (with the k/(k-1) correction)
    wide, narrow = rate_interval(clustered), rate_interval(independent)
    assert (wide.high - wide.low) > (narrow.high - narrow.low)  # same 0.5 rate, same 40 cases, fewer independent units
