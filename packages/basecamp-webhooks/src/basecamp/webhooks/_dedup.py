"""A thread-safe LRU window of event ids that were already processed."""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["Deduplicator", "dedup_key"]


def dedup_key(event_id: int | str | None) -> str | None:
    """Normalise an event id so that `1` and `"1"` are the same delivery; `None` if no id."""
    if event_id is None or event_id == "":
        return None
    return event_id if isinstance(event_id, str) else str(event_id)


class Deduplicator:
    """Claims, commits and releases event ids.

    An id is *claimed* while its handlers run and *committed* (remembered) only once they
    succeed, so a failed delivery can be retried. Committed ids live in an LRU window of
    `size` entries; a duplicate hit refreshes its id. In-flight claims are not counted in the
    window: their number is bounded by the number of concurrent requests.
    """

    __slots__ = ("_in_flight", "_lock", "_seen", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[str] = set()
        # A plain lock is enough: no await and no user code ever runs while it is held, so the
        # asyncio path can share it with threads.
        self._lock = threading.Lock()

    def claim(self, key: str) -> bool:
        """Reserve `key`; `False` if it was processed already or is being processed now."""
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return False
            if key in self._in_flight:
                return False
            self._in_flight.add(key)
            return True

    def commit(self, key: str) -> None:
        """Remember `key` as processed, evicting the least recently used ids past `size`."""
        with self._lock:
            self._in_flight.discard(key)
            self._seen[key] = None
            self._seen.move_to_end(key)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def release(self, key: str) -> None:
        """Drop the claim on `key` without remembering it, so a redelivery runs again."""
        with self._lock:
            self._in_flight.discard(key)

    def seen(self, key: str) -> bool:
        """Whether `key` is in the window (does not refresh it)."""
        with self._lock:
            return key in self._seen
