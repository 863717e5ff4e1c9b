"""The run's long-lived objects kept out of Python's cyclic garbage collections (``gc.freeze``).

A benchmark run's heap is almost all objects that live until the run ends: torch, transformers and
the model code they import, the collected cases, the models. CPython's full (generation-2)
collection walks every one of them each time it runs: in the smoke run (``python -m
vlmcore.perf.smoke``) 13 full collections took 2.0 s of a 21 s run, 0.3 s each by the end (two of
them pytest's own end-of-run ``gc.collect`` calls), more than the tiny models' text encoding.

``gc.freeze()`` (CPython 3.7+; the ``gc`` module documents it for long-lived objects made at
start-up) moves every object tracked at that moment into a permanent generation that collections
skip; objects made later are collected as usual. The run freezes once its cases are collected,
after each model loads and once its report is written, each time after a young-generation
collection (a millisecond) so the garbage of the step just done is not pinned. Frozen objects
that become garbage later (a model load's leftovers, at most once per model: the number of
groups adds nothing) wait for the unfreeze.

A run inside another run (pytester's in-process runs) unfreezes at its configuration's last
cleanup, after pytest's own end-of-run collections, so it leaves nothing pinned. The outermost run
leaves its heap frozen: the process usually exits next, and the interpreter's collection at exit
then skips it (0.35-0.45 s on the smoke run); a later run in the same process (a notebook calling
``pytest.main`` again) unfreezes it first. A process that had frozen objects before the run keeps
them frozen (``gc`` cannot unfreeze only ours).
"""

from __future__ import annotations

import gc

#: heaps of the runs in progress in this process, outermost first
_open_runs: list["LongLivedHeap"] = []
#: the last outermost run ended with its heap still frozen (for the exit); the next run unfreezes it
_left_frozen = [False]


class LongLivedHeap:
    """Made in ``pytest_configure``: its cleanup is then registered before pytest's own (the
    unraisable-exception plugin's end-of-run ``gc.collect``), and cleanups run last-in first-out,
    so that collection still skips the frozen heap."""

    def __init__(self, config) -> None:
        if _left_frozen[0] and not _open_runs:
            gc.unfreeze()
            _left_frozen[0] = False
        self.active = False
        self.freezes = 0
        self._frozen_before = False
        self.outermost = not _open_runs
        _open_runs.append(self)
        config.add_cleanup(self.release)

    def hold(self) -> None:
        """Start freezing for this run (once)."""
        if self.active:
            return
        self._frozen_before = gc.get_freeze_count() > 0
        self.active = True
        self.freeze()

    def freeze(self) -> None:
        """Freeze what is alive now (after a young collection); nothing until ``hold``."""
        if not self.active:
            return
        gc.collect(1)
        gc.freeze()
        self.freezes += 1

    def release(self) -> None:
        if self in _open_runs:
            _open_runs.remove(self)
        if self.active and not self._frozen_before:
            if self.outermost:
                _left_frozen[0] = True
            else:
                gc.unfreeze()
        self.active = False
