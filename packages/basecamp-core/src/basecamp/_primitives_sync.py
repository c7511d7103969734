"""Concurrency primitives for the sync shell: the thread-based twins of `_primitives_async`."""

from __future__ import annotations

import contextlib
import queue
from threading import Lock
from time import sleep as sleep

__all__ = ["Gate", "Lock", "deadline", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once, across threads.

    A queue holding `limit` tokens: a request takes one and puts it back. `queue.SimpleQueue` is
    written in C, so this costs a fraction of a `threading.Semaphore` (a Python-level condition
    variable) on every request.
    """

    __slots__ = ("_tokens",)

    def __init__(self, limit: int) -> None:
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(limit):
            self._tokens.put(None)

    def __enter__(self) -> None:
        self._tokens.get()

    def __exit__(self, *exc_info: object) -> None:
        self._tokens.put(None)


def deadline(seconds: float) -> contextlib.nullcontext[None]:
    """Threads cannot be cancelled from outside, so the sync shell checks the deadline between
    body chunks instead (see `_read_capped`); this context manager does nothing."""
    del seconds
    return contextlib.nullcontext()
