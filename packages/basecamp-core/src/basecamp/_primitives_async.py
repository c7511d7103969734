"""Concurrency primitives for the async shell. `_primitives_sync` has the same names for threads.

`tools/unasync.py` rewrites imports of this module to `_primitives_sync` in the generated twin.
"""

from __future__ import annotations

import asyncio
from asyncio import Lock, Semaphore
from asyncio import sleep as sleep

import httpx

from ._config import environment_proxies

__all__ = ["Gate", "Lock", "deadline", "http_transport", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once."""

    __slots__ = ("_semaphore",)

    def __init__(self, limit: int) -> None:
        self._semaphore = Semaphore(limit)

    async def acquire(self) -> None:
        """Take a place, waiting for one if all are taken."""
        await self._semaphore.acquire()

    def release(self) -> None:
        """Give a place back."""
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
