"""Concurrency primitives for the async shell. `_primitives_sync` has the same names for threads.

`tools/unasync.py` rewrites imports of this module to `_primitives_sync` in the generated twin.
"""

from __future__ import annotations

import asyncio
from asyncio import Lock, Semaphore
from asyncio import sleep as sleep

import httpx

from ._config import environment_proxies
from ._cycle import no_free_slot
from ._errors import UsageError

__all__ = ["Gate", "Lock", "deadline", "http_transport", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once.

    Args:
        limit: How many at once.
        timeout: Longest wait for a place, in seconds; `None` waits for ever.
    """

    __slots__ = ("_closed", "_limit", "_semaphore", "_timeout")

    def __init__(self, limit: int, timeout: float | None = None) -> None:
        self._semaphore = Semaphore(limit)
        self._limit = limit
        self._timeout = timeout
        self._closed = False

    async def acquire(self) -> None:
        """Take a place, waiting for one if all are taken.

        Raises:
            NetworkError: No place became free within the timeout.
            UsageError: The client was closed while waiting.
        """
        semaphore = self._semaphore
        if not semaphore.locked():  # a free place: no timer to arm
            await semaphore.acquire()
        else:
            try:
                async with asyncio.timeout(self._timeout):
                    await semaphore.acquire()
            except TimeoutError:
                raise no_free_slot(self._timeout or 0.0, self._limit) from None
        if self._closed:
            semaphore.release()  # wakes the next waiter, which fails the same way
            raise UsageError("This client is closed.")

    def release(self) -> None:
        """Give a place back."""
        self._semaphore.release()

    def close(self) -> None:
        """Fail every wait for a place, now and later."""
        self._closed = True
        self._semaphore.release()


def deadline(seconds: float) -> asyncio.Timeout:
    """Cancel the enclosed block after `seconds` of wall time (raises `TimeoutError`)."""
    return asyncio.timeout(seconds)


def http_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport | None:
    """httpx's own transport (`deadline` cancels the whole request, so nothing more is needed);
    `None`, httpx's default that honours `HTTP(S)_PROXY`, when the environment sets a proxy."""
    if environment_proxies():
        return None
    return httpx.AsyncHTTPTransport(limits=limits)
