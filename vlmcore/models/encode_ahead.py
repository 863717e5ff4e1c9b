"""A call's next batch encoded while the model runs the current one.

A call the engine splits into forwards of ``batch_size`` requests (the flip search's hundred
candidates, a large probe) used to encode each batch (chat template, tokenizer, the image
expansion splice, the processor's checks) on the critical path, between one forward and the
next. On a GPU those milliseconds of host work per batch are the gap in which the device idles
(issue 29: the host, not the model, bounds a run there). ``EncodeAhead`` runs ``encode`` for the
batches the engine announces (``submit``, in the order they will run) on one worker thread;
``take`` hands the forward its batch, waiting only if the worker has not finished it.

Correctness does not depend on the timing: every encode (the worker's and any on the calling
thread) holds one lock, because a fast tokenizer's padding and truncation settings are state that
each call sets; a batch is matched by its films' content hashes, questions and continuations, and
anything not announced (a batch split after an out-of-memory error) is encoded where it is asked
for. An error raised by an encode ahead is raised by ``take``, where the forward asked for it. At
most ``PENDING`` batches wait (each holds its pixels).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

#: batches encoded ahead and not yet taken: the next one and the one after
PENDING = 2


def batch_signature(requests, continuations=None) -> tuple:
    """What identifies a batch's encoding: each request's film (content hash) and question, in order, and
    the continuations."""
    return (tuple((request.image_key, request.question) for request in requests),
            None if continuations is None else tuple(tuple(c) if c is not None else None for c in continuations))


class EncodeAhead:
    def __init__(self, encode: Callable):
        self._encode = encode
        self._lock = threading.Lock()
        self._pending: OrderedDict[tuple, Future] = OrderedDict()
        self._worker: ThreadPoolExecutor | None = None
        self.taken_ahead = 0  # batches the forward found encoded ahead (what the tests check)

    def submit(self, requests, continuations=None) -> None:
        """Encode this batch on the worker thread; it will be asked for by ``take``."""
        key = batch_signature(requests, continuations)
        if key in self._pending or not requests:
            return
        while len(self._pending) >= PENDING:
            self._pending.popitem(last=False)  # never taken: dropped (the worker still finishes it)
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vlmcore-encode")
        self._pending[key] = self._worker.submit(self.encode_now, list(requests), continuations)

    def take(self, requests, continuations=None):
        """The batch's encoding: the worker's if it was announced, else encoded now."""
        future = self._pending.pop(batch_signature(requests, continuations), None)
        if future is None:
            return self.encode_now(requests, continuations)
        self.taken_ahead += 1
        return future.result()

    def encode_now(self, requests, continuations=None):
        with self._lock:
            return self._encode(requests, continuations)
