"""Property tests for every map metric, plus known answers."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vlmcore.metrics import (
    MapError, cosine, entropy, focus, gini, js_distance, js_divergence, l2, peak_to_average, pearson, to_common_grid, upsample,
)

shapes = st.tuples(st.integers(2, 9), st.integers(2, 9))
values = st.floats(0, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def maps(draw, shape=None):
    shape = shape or draw(shapes)
    array = draw(arrays(np.float64, shape, elements=values))
    assume(array.sum() > 1e-6)
    return array


@st.composite
def map_pairs(draw):
    shape = draw(shapes)
    return draw(maps(shape)), draw(maps(shape))


scales = st.floats(1e-3, 1e3)


@given(map_pairs())
def test_js_symmetric_bounded(pair):
    a, b = pair
    assert js_divergence(a, b) == pytest.approx(js_divergence(b, a), abs=1e-12)
    assert 0.0 <= js_divergence(a, b) <= 1.0
    assert js_distance(a, b) == pytest.approx(math.sqrt(js_divergence(a, b)))


@given(maps())
def test_js_zero_on_equal_maps(a):
    assert js_divergence(a, a) == pytest.approx(0.0, abs=1e-12)
    assert js_divergence(a, 7 * a) == pytest.approx(0.0, abs=1e-12)


@given(map_pairs())
def test_js_zero_only_if_equal(pair):
    a, b = pair
    p, q = a / a.sum(), b / b.sum()
    if np.abs(p - q).max() > 1e-3:
        assert js_divergence(a, b) > 0


def test_js_is_one_for_disjoint_supports():
    a, b = np.zeros((4, 4)), np.zeros((4, 4))
    a[0, 0], b[3, 3] = 1, 1
    assert js_divergence(a, b) == pytest.approx(1.0)


@given(maps())
def test_entropy_maximal_at_uniform(a):
    uniform = np.ones_like(a)
    assert entropy(a) <= entropy(uniform) + 1e-9
    assert entropy(uniform) == pytest.approx(math.log(a.size))
    assert focus(uniform) == pytest.approx(0.0, abs=1e-12)


@given(shapes)
def test_gini_zero_uniform_and_near_one_for_one_hot(shape):
    uniform = np.ones(shape)
    one_hot = np.zeros(shape)
    one_hot[0, 0] = 1.0
    n = one_hot.size
    assert gini(uniform) == pytest.approx(0.0, abs=1e-12)
    assert gini(one_hot) == pytest.approx((n - 1) / n)
    assert focus(one_hot) == pytest.approx(1.0)
    assert peak_to_average(one_hot) == pytest.approx(n)


@settings(max_examples=60)
@given(map_pairs(), scales, scales)
def test_every_metric_is_scale_invariant(pair, s, t):
    a, b = pair
    for single in (entropy, focus, gini, peak_to_average):
        assert single(a * s) == pytest.approx(single(a), rel=1e-7, abs=1e-9)
    for double in (js_divergence, cosine, l2):
        assert double(a * s, b * t) == pytest.approx(double(a, b), rel=1e-6, abs=1e-9)
    r1, r2 = pearson(a * s, b * t), pearson(a, b)
    assert (math.isnan(r1) and math.isnan(r2)) or r1 == pytest.approx(r2, rel=1e-6, abs=1e-9)


BAD = [
    ("nan", np.array([[1.0, np.nan], [0, 1]]), "non-finite"),
    ("inf", np.array([[1.0, np.inf], [0, 1]]), "non-finite"),
    ("negative", np.array([[1.0, -0.1], [0, 1]]), "negative"),
    ("all-zero", np.zeros((3, 3)), "all zero"),
    ("1-d", np.ones(4), "2-D"),
]


@pytest.mark.parametrize("name,array,message", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("metric", [entropy, focus, gini, peak_to_average, lambda m: js_divergence(m, np.ones((2, 2)))])
def test_bad_maps_rejected_clearly(name, array, message, metric):
    with pytest.raises(MapError, match=message):
        metric(array)


def test_different_grids_need_explicit_resampling():
    a, b = np.random.default_rng(0).random((16, 16)), np.random.default_rng(1).random((24, 24))
    with pytest.raises(MapError, match="to_common_grid"):
        js_divergence(a, b)
    p, q = to_common_grid(a, b)
    assert p.shape == q.shape == (48, 48)
    assert p.sum() == pytest.approx(1.0) and q.sum() == pytest.approx(1.0)
    # mass preserved per original cell
    assert upsample(a, (48, 48))[:3, :3].sum() == pytest.approx(a[0, 0] / a.sum())


def test_pearson_and_cosine_known_values():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert pearson(a, a) == pytest.approx(1.0)
    assert pearson(a, a[::-1, ::-1]) == pytest.approx(-1.0)
    assert cosine(a, a) == pytest.approx(1.0)
    assert math.isnan(pearson(np.ones((2, 2)), a))
    assert l2(a, a) == 0.0
