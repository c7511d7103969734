"""Concurrency primitives for the sync shell: the thread-based twins of `_primitives_async`."""

from __future__ import annotations

import contextlib
import threading
from threading import Lock
from time import sleep as sleep

__all__ = ["Gate", "Lock", "deadline", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once, across threads."""

    __slots__ = ("_semaphore",)

    def __init__(self, limit: int) -> None:
        self._semaphore = threading.BoundedSemaphore(limit)

    def __enter__(self) -> None:
        self._semaphore.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._semaphore.release()


def deadline(seconds: float) -> contextlib.nullcontext[None]:
    """Threads cannot be cancelled from outside, so the sync shell checks the deadline between
    body chunks instead (see `_read_capped`); this context manager does nothing."""
    del seconds
    return contextlib.nullcontext()
