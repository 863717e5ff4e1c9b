"""The image step runs on the prefetch threads: the next chunk's films are decoded and run through
the processor's image step while the model runs the current chunk (``ImagePrefetch`` with the
adapter's ``prepare_film``), so the main thread does no image preprocessing after the first chunk's
films, and the rows are those of a run without prefetching."""

import threading

import pytest

from vlmcore.answers.settings import AnswerSettings
from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.models import tiny_adapter
from vlmcore.models.image_memo import SharedImageProcessor
from vlmcore.phantoms.fixture_dataset import DEFAULT_OUT


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DEFAULT_OUT / "dataset.csv", DEFAULT_OUT)


class ThreadCounting:
    """The real image processor, counting the images it receives on each thread."""

    def __init__(self, inner):
        self.inner, self.by_thread = inner, {}

    def __getattr__(self, name):
        return getattr(self.__dict__["inner"], name)

    def __call__(self, images, *args, **kwargs):
        name = threading.current_thread().name
        self.by_thread[name] = self.by_thread.get(name, 0) + len(images)
        return self.inner(images, *args, **kwargs)


def _rows(engine):
    return [(r.case_id, r.relation, round(r.p_yes, 5), r.answer) for e in engine.all_groups() for r in e.rows + e.probes]


@pytest.mark.parametrize("family", ["llava", "medgemma"])
def test_the_next_chunks_films_are_preprocessed_off_the_main_thread(family, dataset):
    adapter = tiny_adapter(family)
    counting = ThreadCounting(adapter.processor.image_processor)
    adapter.processor.image_processor = SharedImageProcessor(counting)
    engine = Engine(adapter, dataset, model_key="m", films_per_forward=2, answers=AnswerSettings(mode="score"))
    rows = _rows(engine)
    main = counting.by_thread.get(threading.main_thread().name, 0)
    prefetched = sum(count for name, count in counting.by_thread.items() if name.startswith("vlmcore-images"))
    films = {row.image_sha for evaluation in engine.all_groups() for row in evaluation.rows}
    assert adapter.processor.image_processor.warmed == prefetched > 0
    # the first two chunks' films were prefetched before the first call told the memo its arguments
    assert len(films) > 8 and prefetched >= len(films) - 2 * 2
    # what the main thread still processes: those films, the blank film and the probes' made films
    made = {row.image_sha for evaluation in engine.all_groups() for row in evaluation.probes}
    assert main <= 2 * 2 + 1 + len(made), (main, prefetched, len(films))

    plain = tiny_adapter(family)
    assert _rows(Engine(plain, dataset, model_key="m", films_per_forward=2, prefetch=False,
                        answers=AnswerSettings(mode="score"))) == rows
