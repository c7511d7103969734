"""HTTP caching of GETs, opt-in: validators stored with the body, `304 Not Modified` served back.

Basecamp answers GETs with `ETag` and `Last-Modified` and honours `If-None-Match` /
`If-Modified-Since`: an unchanged resource comes back as a `304` with no body, which is cheap
for both sides and, for polling integrations, much kinder to the per-token rate limit. Pass a
store to a client (`Client(..., cache=MemoryCache())`) and its GETs use them.

The decisions are plain functions with no I/O (what a key is, which headers a repeat carries,
whether a response may be stored, what a `304` turns into); the clients' `_send` only calls
them. A store is anything with `get`, `set` and `delete` (`CacheStore`); `MemoryCache` is the
bounded, thread-safe in-memory one that ships with core (a store on disk or in a database would
need more than httpx, so core has none).

What is never cached: anything but an authenticated GET of the API (so no writes, no download
hops, no streamed replies), a response other than `200`, one without a validator, and one that
says `Cache-Control: no-store`. Nothing is invalidated by guess (a write does not drop entries):
every repeat asks the server, whose validators decide.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ._errors import UsageError

__all__ = [
    "CacheEntry",
    "CacheStore",
    "MemoryCache",
    "cache_key",
    "conditional_headers",
    "credential_identity",
    "entry_from_response",
    "revalidated",
]

# What a 304 may not change about the stored representation (RFC 9111, 4.3.4): the body it
# describes is the stored one.
_KEPT_FROM_ENTRY = frozenset(
    {"content-length", "content-encoding", "content-type", "content-range", "transfer-encoding"}
)
# Headers about the wire, not the stored (decoded) body, or never worth keeping.
_NOT_STORED = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "set-cookie"}
)
# Bytes counted on top of the characters: what CPython spends on the objects holding them (a
# header pair is two `str` and a tuple; an entry adds its object, the body's `bytes`, the key
# and the store's bookkeeping). Measured to err high, so `max_bytes` bounds real memory.
HEADER_OVERHEAD = 160
ENTRY_OVERHEAD = 512
_KEY_SALT = b"basecamp-cache-v1\x00"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """A stored `200` response: its body, its headers and the validators to revalidate it.

    Attributes:
        body: The (decoded) body as the client read it.
        headers: The response headers as `(name, value)` pairs, names in lower case.
        etag: The `ETag` to send back as `If-None-Match`, if the response had one.
        last_modified: The `Last-Modified` to send back as `If-Modified-Since`, if any.
    """

    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None = None
    last_modified: str | None = None

    @property
    def size(self) -> int:
        """Bytes the entry is counted as against a store's `max_bytes` (without its key)."""
        headers = sum(len(n) + len(v) + HEADER_OVERHEAD for n, v in self.headers)
        return len(self.body) + headers + ENTRY_OVERHEAD


@runtime_checkable
class CacheStore(Protocol):
    """Where a client keeps its cached responses.

    Keys are opaque strings built by the client: a hash of the credential and the full URL
    (query included); they never contain the token. Both clients call these methods inline
    (the async client from its event loop), so they must be quick and must not block for long,
    and a store shared between threads must be thread-safe. A store may drop any entry at any
    time; a miss only costs a full response.
    """

    def get(self, key: str) -> CacheEntry | None:
        """The entry stored under `key`, or `None`."""
        ...

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store `entry` under `key`, replacing any entry there."""
        ...

    def delete(self, key: str) -> None:
        """Drop the entry under `key`, if any."""
        ...


class MemoryCache:
    """A bounded, least-recently-used, thread-safe in-memory `CacheStore`.

    Both bounds hold at all times: storing past either one evicts the least recently used
    entries first, and an entry larger than `max_bytes` on its own is not stored at all.
    Bodies are kept in the process's memory, in the clear, for as long as they are cached.

    Args:
        max_entries: Most entries kept.
        max_bytes: Most bytes kept, counting each entry's body, headers, key and a fixed
            overhead for the objects holding them.

    Example:
        ```python
        from basecamp import Client, MemoryCache

        client = Client(access_token="...", cache=MemoryCache(max_entries=500))
        ```
    """

    __slots__ = ("_bytes", "_entries", "_lock", "max_bytes", "max_entries")

    max_entries: int
    """Most entries kept."""
    max_bytes: int
    """Most bytes kept (see `CacheEntry.size`; keys count too)."""

    def __init__(self, *, max_entries: int = 1_000, max_bytes: int = 64 * 1024 * 1024) -> None:
        for name, value in (("max_entries", max_entries), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(f"MemoryCache {name} must be a whole number of at least 1.")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[CacheEntry, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CacheEntry | None:
        """The entry under `key` (now the most recently used), or `None`."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def set(self, key: str, entry: CacheEntry) -> None:
        """Store `entry` under `key`, evicting the least recently used entries past a bound."""
        size = entry.size + len(key)
        with self._lock:
            entries = self._entries
            old = entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return  # would evict everything else and still not fit
            entries[key] = (entry, size)
            self._bytes += size
            while len(entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = entries.popitem(last=False)
                self._bytes -= dropped

    def delete(self, key: str) -> None:
        """Drop the entry under `key`, if any."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size(self) -> int:
        """Bytes currently counted against `max_bytes`."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        return (
            f"MemoryCache(entries={len(self._entries)}/{self.max_entries}, "
            f"bytes={self._bytes}/{self.max_bytes})"
        )


def credential_identity(credential: str | Iterable[tuple[str, str]]) -> str:
    """Who a request speaks for, as a hash: the token, or every header an auth strategy set.

    The hash (SHA-256, salted with a fixed label) keeps the token itself out of every key, so a
    store, its logs or a dump of its keys hold no credential. A refreshed token is a new
    identity: what the old one cached is not served to the new one and ages out of the store.
    """
    digest = hashlib.sha256(_KEY_SALT)
    if isinstance(credential, str):
        digest.update(credential.encode())
    else:
        for name, value in sorted((n.lower(), v) for n, v in credential):
            digest.update(f"{name}\x00{value}\x00".encode())
    return digest.hexdigest()


def cache_key(identity: str, url: str) -> str:
    """The store key of a GET of `url` (query included) by the credential `identity`."""
    return f"{identity} {url}"


def conditional_headers(entry: CacheEntry, headers: MutableMapping[str, str]) -> None:
    """Add the validators of `entry` to a repeat's `headers` (both, when both were sent)."""
    if entry.etag is not None:
        headers["If-None-Match"] = entry.etag
    if entry.last_modified is not None:
        headers["If-Modified-Since"] = entry.last_modified


def _no_store(cache_control: str | None) -> bool:
    if not cache_control:
        return False
    return any(d.split("=", 1)[0].strip().lower() == "no-store" for d in cache_control.split(","))


def entry_from_response(
    status: int, headers: Iterable[tuple[str, str]], body: bytes
) -> CacheEntry | None:
    """What to store for a response to a cacheable GET, or `None` when it must not be stored.

    Stored: a `200` with an `ETag` or a `Last-Modified`, unless it says `Cache-Control:
    no-store` or `Vary: *`. The headers are kept, names in lower case, except those about the
    wire (`Content-Length`, `Content-Encoding`: the stored body is the decoded one).
    """
    if status != 200:
        return None
    pairs = tuple(
        (low, value) for name, value in headers if (low := name.lower()) not in _NOT_STORED
    )
    etag = last_modified = cache_control = vary = None
    for name, value in pairs:
        if name == "etag":
            etag = value
        elif name == "last-modified":
            last_modified = value
        elif name == "cache-control":
            cache_control = value if cache_control is None else f"{cache_control}, {value}"
        elif name == "vary":
            vary = value
    if etag is None and last_modified is None:
        return None
    if _no_store(cache_control) or (vary is not None and vary.strip() == "*"):
        return None
    return CacheEntry(body, pairs, etag, last_modified)


def revalidated(entry: CacheEntry, headers: Iterable[tuple[str, str]]) -> tuple[CacheEntry, bool]:
    """The entry a `304` with `headers` stands for, and whether to store it again.

    The 304's headers replace the stored ones of the same name (so a new `X-Request-Id`,
    `ETag`, `Link` or `X-Total-Count` wins), except those that describe the stored body, which
    stay; a stored header the 304 does not repeat (a list page's `Link`, say) is kept. A 304
    that says `Cache-Control: no-store` is served from the entry once, and the entry dropped.
    """
    fresh = [(n.lower(), v) for n, v in headers]
    fresh = [(n, v) for n, v in fresh if n not in _KEPT_FROM_ENTRY]
    if not fresh:
        return entry, True
    replaced = {name for name, _ in fresh}
    merged = tuple(pair for pair in entry.headers if pair[0] not in replaced) + tuple(fresh)
    updated = entry_from_response(200, merged, entry.body)
    if updated is None:
        return CacheEntry(entry.body, merged, entry.etag, entry.last_modified), False
    return updated, True
