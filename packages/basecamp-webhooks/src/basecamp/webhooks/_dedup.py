"""Deduplication stores: the protocol the receiver speaks, and the in-memory LRU window."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Protocol

__all__ = [
    "DEFAULT_CLAIM_TTL",
    "DEFAULT_DEDUP_WINDOW_SIZE",
    "DedupStore",
    "MemoryStore",
    "dedup_key",
]

DEFAULT_DEDUP_WINDOW_SIZE = 1000
"""How many processed ids the default in-memory store remembers."""

DEFAULT_CLAIM_TTL = 300.0
"""Seconds an in-flight claim of a shared store lives, so that a worker that dies mid-delivery
cannot block the id for ever (its redelivery is processed once the claim has expired)."""


def dedup_key(event_id: int | str | None) -> str | None:
    """Normalise an event id so that `1` and `"1"` are the same delivery; `None` if no id."""
    if event_id is None or event_id == "":
        return None
    return event_id if isinstance(event_id, str) else str(event_id)


class DedupStore(Protocol):
    """Where a `WebhookReceiver` records which event ids are in flight or processed.

    A delivery *claims* its id before any handler runs, then *commits* it once they succeed or
    *releases* it when one raises, so that a redelivery is processed again. Implementations
    must make `claim` atomic across everything that shares the store: of several concurrent
    claims of one id, exactly one returns `True`. A store error propagates: the adapters then
    answer 500, so Basecamp redelivers, and nothing is processed without a claim.

    Keys are strings (see `dedup_key`: `1` and `"1"` are one id).
    """

    def claim(self, key: str) -> bool:
        """Reserve `key`; `False` if it is processed already or being processed right now."""
        ...

    def commit(self, key: str) -> None:
        """Remember `key` as processed (for the store's window or time to live)."""
        ...

    def release(self, key: str) -> None:
        """Drop this delivery's claim on `key` without remembering it."""
        ...

    def seen(self, key: str) -> bool:
        """Whether `key` is remembered as processed (an in-flight claim does not count)."""
        ...


class MemoryStore:
    """An in-process LRU window of processed ids: the default store.

    Committed ids live in a window of `max_size` entries (a duplicate hit refreshes its id) and,
    when `ttl` is set, for at most `ttl` seconds. In-flight claims are not counted in the
    window: their number is bounded by the number of concurrent requests. Thread-safe, and
    shared by threads and asyncio tasks of one process; for several worker processes use
    `SQLiteStore`, for several hosts `RedisStore`.

    Args:
        max_size: How many processed ids to remember (>= 1).
        ttl: Forget a processed id after this many seconds; `None` keeps it until it is
            evicted from the window.

    Raises:
        ValueError: If `max_size` < 1 or `ttl` is not positive.
    """

    __slots__ = ("_in_flight", "_lock", "_seen", "max_size", "ttl")

    max_size: int
    ttl: float | None

    def __init__(
        self, max_size: int = DEFAULT_DEDUP_WINDOW_SIZE, *, ttl: float | None = None
    ) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError("max_size must be an int >= 1")
        if ttl is not None and (isinstance(ttl, bool) or not ttl > 0):
            raise ValueError("ttl must be a positive number of seconds, or None")
        self.max_size = max_size
        self.ttl = ttl
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> expiry (monotonic)
        self._in_flight: set[str] = set()
        # A plain lock is enough: no await and no user code ever runs while it is held, so the
        # asyncio path can share it with threads.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryStore(max_size={self.max_size}, ttl={self.ttl})"

    def claim(self, key: str) -> bool:
        """Reserve `key`; `False` if it was processed already or is being processed now."""
        with self._lock:
            expires = self._seen.get(key)
            if expires is not None:
                if self.ttl is None or expires > time.monotonic():
                    self._seen.move_to_end(key)
                    return False
                del self._seen[key]
            if key in self._in_flight:
                return False
            self._in_flight.add(key)
            return True

    def commit(self, key: str) -> None:
        """Remember `key` as processed, evicting the least recently used ids past `max_size`."""
        expires = time.monotonic() + self.ttl if self.ttl is not None else 0.0
        with self._lock:
            self._in_flight.discard(key)
            self._seen[key] = expires
            self._seen.move_to_end(key)
            while len(self._seen) > self.max_size:
                self._seen.popitem(last=False)

    def release(self, key: str) -> None:
        """Drop the claim on `key` without remembering it, so a redelivery runs again."""
        with self._lock:
            self._in_flight.discard(key)

    def seen(self, key: str) -> bool:
        """Whether `key` is in the window (does not refresh it)."""
        with self._lock:
            expires = self._seen.get(key)
        return expires is not None and (self.ttl is None or expires > time.monotonic())
