"""Cross-image batching never changes a result: the same rows (answers, p(yes), maps, blank
answers) whatever groups share a forward and in whatever order the cases ask for them."""

import numpy as np
import pytest

from vlmcore.answers.settings import AnswerSettings
from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.models import tiny_adapter
from vlmcore.models.requests import image_hash
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT


#: the first-token scoring path these tests are about (a random-weight tiny model would generate every
#: answer under the default ``auto`` mode: its p(yes) + p(no) is ~0.005)
SCORE = AnswerSettings(mode="score")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)


def _rows(adapter, dataset, films_per_forward: int, order):
    engine = Engine(adapter, dataset, model_key="m", films_per_forward=films_per_forward, answers=SCORE)
    ids = engine.group_ids()
    evaluations = {gid: engine.group(gid) for gid in order(ids)}
    return {row.case_id: (row, evaluations[row.group_id].maps[row.case_id].values) for gid in ids for row in evaluations[gid].rows}, engine


@pytest.mark.parametrize("family", ["llava", "medgemma"])
def test_batch_composition_invariance(family, dataset):
    adapter = tiny_adapter(family)
    alone, single = _rows(adapter, dataset, 1, lambda ids: ids)
    batched, many = _rows(adapter, dataset, 8, lambda ids: ids)
    shuffled, _ = _rows(adapter, dataset, 5, lambda ids: [ids[i] for i in np.random.default_rng(3).permutation(len(ids))])
    assert many.model_calls["groups"] < single.model_calls["groups"]  # several films did share forwards
    for other in (batched, shuffled):
        assert other.keys() == alone.keys()
        for case_id, (row, values) in alone.items():
            twin, twin_values = other[case_id]
            assert (twin.answer, twin.blank_answer) == (row.answer, row.blank_answer), case_id
            assert twin.p_yes == pytest.approx(row.p_yes, abs=1e-5), case_id
            np.testing.assert_allclose(twin_values, values, atol=1e-5, err_msg=case_id)


def test_one_blank_film_serves_every_group(dataset):
    """The image-reliance pass: one constant film for the run, its prefix computed once, and
    each distinct question answered blank once (the store-free engine dedupes within a chunk,
    the adapter keeps the prefix)."""
    adapter = tiny_adapter("llava")
    prefixes = []
    original = adapter.prefix_cache
    forwards = []
    adapter.prefix_cache = lambda plan, recorders: prefixes.append(plan.film_keys) or original(plan, recorders)
    model_forward = adapter.model.forward
    adapter.model.forward = lambda *a, **k: forwards.append("pixel_values" in k) or model_forward(*a, **k)
    engine = Engine(adapter, dataset, model_key="m", films_per_forward=4, answers=SCORE)
    rows = [row for evaluation in engine.all_groups() for row in evaluation.rows]
    blank_key = image_hash(engine.blank_film(np.zeros((512, 300), np.uint8)))
    blank_batches = [keys for keys in prefixes if blank_key in keys]
    assert len(blank_batches) > 1 and all(keys == [blank_key] for keys in blank_batches)  # every blank batch: one film
    films = {row.image_sha for row in rows}
    assert forwards.count(True) == len(prefixes) - len(blank_batches) + 1  # the blank prefix ran once, each chunk's once
    assert len(prefixes) - len(blank_batches) < len(films)  # films shared prefix forwards
    assert {row.blank_answer for row in rows} <= {"yes", "no"} and len(rows) == len(dataset.cases)
    fresh = tiny_adapter("llava")
    blank = np.full((300, 180), 128, dtype=np.uint8)  # another shape: the same pixels after the processor
    from vlmcore.models.requests import Request

    a = fresh.evaluate([Request.of(blank, "is there effusion?"), Request.of(np.full((256, 256), 128, np.uint8), "is there effusion?")],
                       with_maps=False)
    assert a[0][0].p_yes == pytest.approx(a[1][0].p_yes, abs=1e-7)
