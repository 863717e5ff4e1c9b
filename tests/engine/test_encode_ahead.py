"""A call split into several forwards has each next batch encoded on a worker thread while the
model runs the current one (``models.encode_ahead``; ``Capability.ENCODE_AHEAD``), with the same
scores as encoding on the calling thread; every encode holds one lock, an unannounced batch is
encoded where it is asked for, and a worker's error is raised where the forward asked."""

import threading
import time

import pytest

from vlmcore.answers.settings import AnswerSettings
from vlmcore.data import load_dataset
from vlmcore.data.images import load_image
from vlmcore.engine import Engine
from vlmcore.models import tiny_adapter
from vlmcore.models.encode_ahead import EncodeAhead
from vlmcore.models.requests import Request
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT


class _Encoder:
    """Records the thread of each encode and fails if two ever overlap."""

    def __init__(self, fail_on: str | None = None):
        self.threads, self.inside, self.overlaps, self.fail_on = [], 0, 0, fail_on

    def __call__(self, requests, continuations=None):
        self.inside += 1
        self.overlaps += self.inside > 1
        time.sleep(0.02)
        self.threads.append(threading.current_thread().name)
        self.inside -= 1
        if self.fail_on and any(r.question == self.fail_on for r in requests):
            raise ValueError(f"cannot encode {self.fail_on!r}")
        return [r.question for r in requests]


def _batch(*questions):
    return [Request(None, q, "film") for q in questions]


def test_an_announced_batch_is_encoded_on_the_worker_and_others_where_asked():
    encoder = _Encoder()
    ahead = EncodeAhead(encoder)
    first, second = _batch("a", "b"), _batch("c")
    ahead.submit(first)
    ahead.submit(second)
    assert ahead.take(first) == ["a", "b"] and ahead.take(second) == ["c"]
    assert ahead.take(_batch("d")) == ["d"]  # never announced: encoded now, on this thread
    assert encoder.threads[:2] == ["vlmcore-encode_0"] * 2 and encoder.threads[2] == threading.current_thread().name
    assert ahead.taken_ahead == 2


def test_encodes_never_overlap_and_a_workers_error_is_raised_by_take():
    encoder = _Encoder(fail_on="bad")
    ahead = EncodeAhead(encoder)
    ahead.submit(_batch("x"))
    ahead.encode_now(_batch("y"))  # the calling thread's encode waits for the worker's
    ahead.submit(_batch("bad"))
    with pytest.raises(ValueError, match="cannot encode 'bad'"):
        ahead.take(_batch("bad"))
    assert encoder.overlaps == 0


def test_only_the_next_batches_wait():
    ahead = EncodeAhead(_Encoder())
    for question in "abcd":
        ahead.submit(_batch(question))
    assert len(ahead._pending) == 2 and ahead.take(_batch("a")) == ["a"]  # dropped: encoded again, now
    assert ahead.taken_ahead == 0 and ahead.take(_batch("d")) == ["d"] and ahead.taken_ahead == 1


@pytest.mark.parametrize("family", ["llava", "medgemma"])
def test_a_call_split_into_forwards_encodes_its_next_batch_ahead_with_the_same_scores(family):
    dataset = load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)
    group = dataset.groups[0]
    image = load_image(group.base.image_path).pixels
    questions = list(dict.fromkeys(case.question for g in dataset.groups for case in g.cases))[:13]
    assert len(questions) == 13

    def margins(batch_size):
        adapter = tiny_adapter(family)
        engine = Engine(adapter, dataset, model_key="m", batch_size=batch_size, answers=AnswerSettings(mode="score"))
        return engine.margins(image, "film-0", questions), adapter._ahead.taken_ahead

    split, taken = margins(4)
    whole, taken_whole = margins(64)
    assert taken == 4 and taken_whole == 0  # 13 requests in forwards of 4: every batch announced and found
    assert split.keys() == whole.keys()
    assert all(split[q] == pytest.approx(whole[q], abs=1e-4) for q in questions)
