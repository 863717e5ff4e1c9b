"""The run's long-lived heap is frozen out of the garbage collector's full passes
(``plugin.long_lived_heap``): only in a run with benchmark cases, never pinning what a run inside
another process leaves behind, and left frozen for the exit only by the outermost run."""

import gc
import textwrap
import weakref

import pytest

from tests.plugin.conftest import run_suite
from vlmcore.plugin import long_lived_heap
from vlmcore.plugin.long_lived_heap import LongLivedHeap


class _Config:
    def __init__(self):
        self.cleanups = []

    def add_cleanup(self, function):
        self.cleanups.append(function)

    def clean_up(self):
        while self.cleanups:
            self.cleanups.pop()()


class _Cycle:
    def __init__(self):
        self.me = self


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_nothing_is_frozen_until_the_run_holds_its_heap(unfrozen):
    config = _Config()
    heap = LongLivedHeap(config)
    heap.freeze()  # a model loaded in a run without benchmark cases: nothing to hold
    assert gc.get_freeze_count() == 0 and heap.freezes == 0
    heap.hold()
    assert gc.get_freeze_count() > 0 and heap.freezes == 1
    config.clean_up()


def test_a_run_inside_another_unfreezes_and_pins_no_garbage(unfrozen, monkeypatch):
    monkeypatch.setattr(long_lived_heap, "_open_runs", [])
    monkeypatch.setattr(long_lived_heap, "_left_frozen", [False])
    outer = _Config()
    LongLivedHeap(outer)  # the test suite's own run: not a benchmark run, never holds
    inner = _Config()
    heap = LongLivedHeap(inner)
    held = _Cycle()
    heap.hold()
    assert gc.get_freeze_count() > 0
    made_after = _Cycle()  # made after the freeze: collected as usual
    after_ref = weakref.ref(made_after)
    del made_after
    gc.collect()
    assert after_ref() is None
    held_ref = weakref.ref(held)
    del held
    gc.collect()
    assert held_ref() is not None  # frozen garbage waits for the unfreeze...
    inner.clean_up()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert held_ref() is None  # ...which a nested run does at its end
    outer.clean_up()
    assert long_lived_heap._open_runs == [] and long_lived_heap._left_frozen == [False]


def test_the_outermost_run_stays_frozen_for_the_exit_and_the_next_run_unfreezes_it(unfrozen, monkeypatch):
    monkeypatch.setattr(long_lived_heap, "_open_runs", [])
    monkeypatch.setattr(long_lived_heap, "_left_frozen", [False])
    first = _Config()
    heap = LongLivedHeap(first)
    heap.hold()
    first.clean_up()
    assert gc.get_freeze_count() > 0 and long_lived_heap._left_frozen == [True]
    second = _Config()
    LongLivedHeap(second)  # e.g. pytest.main again in a notebook
    assert gc.get_freeze_count() == 0 and long_lived_heap._left_frozen == [False]
    second.clean_up()


def test_objects_frozen_before_the_run_stay_frozen(unfrozen, monkeypatch):
    monkeypatch.setattr(long_lived_heap, "_open_runs", [object()])  # nested: it would unfreeze
    gc.freeze()
    before = gc.get_freeze_count()
    config = _Config()
    heap = LongLivedHeap(config)
    heap.hold()
    config.clean_up()
    assert gc.get_freeze_count() >= before > 0


RECORDER = '''
import gc, os


def pytest_runtest_call(item):
    with open(os.environ["FREEZE_SEEN"], "a") as out:
        out.write(f"{gc.get_freeze_count()}\\n")
'''


def test_a_benchmark_run_runs_its_cases_with_the_heap_frozen(pytester, tmp_path, monkeypatch):
    pytester.makepyfile(recorder=textwrap.dedent(RECORDER))
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("FREEZE_SEEN", str(seen))
    result = run_suite(pytester, "-m", "smoke", "-k", "tiny-llava and test_model and consistency", "-p", "no:xdist",
                       "--vlm-report-dir", str(tmp_path / "r"), plugin="recorder")
    assert result.ret in (0, 1, 10), result.stdout.str()[-2000:] + result.stderr.str()[-2000:]
    counts = [int(line) for line in seen.read_text().split()]
    assert counts and min(counts) > 100_000  # torch, transformers, the cases, the model: all out of the full passes
