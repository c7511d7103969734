"""`SQLiteStore`: deduplication shared by the worker processes of one host."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Final

from ._dedup import DEFAULT_CLAIM_TTL
from ._errors import WebhookConfigurationError, WebhookStoreError

__all__ = ["DEFAULT_SQLITE_TTL", "SQLiteStore"]

DEFAULT_SQLITE_TTL: Final = 3 * 24 * 3600.0
"""Seconds a processed id is remembered by default: longer than Basecamp's retries go on."""

_OWNER: Final = object()  # placeholder for the claiming process's token
_PURGE_EVERY: Final = 1000  # commits between two sweeps of expired rows

_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS webhook_ids ("
    " key TEXT PRIMARY KEY, state INTEGER NOT NULL, expires_at REAL NOT NULL, owner TEXT"
    ") WITHOUT ROWID"
)
# One statement, so the check and the write are atomic under SQLite's write lock: a new key is
# inserted, an expired row (a stale claim or a forgotten id) is taken over, anything else stays.
_CLAIM: Final = (
    "INSERT INTO webhook_ids (key, state, expires_at, owner) VALUES (?, 0, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET state = 0, expires_at = excluded.expires_at, "
    "owner = excluded.owner "
    "WHERE webhook_ids.expires_at <= ?"
)
_COMMIT: Final = (
    "INSERT OR REPLACE INTO webhook_ids (key, state, expires_at, owner) VALUES (?, 1, ?, NULL)"
)
# Only this store's own claim: one that expired and was taken over by another worker stays.
_RELEASE: Final = "DELETE FROM webhook_ids WHERE key = ? AND state = 0 AND owner = ?"
_SEEN: Final = "SELECT 1 FROM webhook_ids WHERE key = ? AND state = 1 AND expires_at > ?"
_PURGE: Final = "DELETE FROM webhook_ids WHERE expires_at <= ?"


class SQLiteStore:
    """Deduplication in an SQLite file, shared by every process that opens the same path.

    For several worker processes on one host (gunicorn, uvicorn `--workers`): each claim is one
    atomic statement under SQLite's file lock, so of concurrent deliveries of one id exactly
    one is processed. The database runs in WAL mode; the file must be on a local disk (not a
    network share, whose locking SQLite cannot rely on). Processed ids are remembered for
    `ttl` seconds, in-flight claims for `claim_ttl` seconds (so an id claimed by a worker that
    died is processed again by a later redelivery). Expired rows are swept from time to time.

    Safe to share between threads and asyncio tasks; each call is one short local transaction
    (it runs on the calling thread, so on the event loop in the async path). A process that
    forks after using the store opens its own connection.

    Args:
        path: The database file; created if missing.
        ttl: Seconds a processed id is remembered.
        claim_ttl: Seconds an in-flight claim is honoured; longer than your slowest delivery.
        timeout: Seconds to wait for the file lock before failing the delivery.

    Raises:
        WebhookConfigurationError: For a non-positive `ttl`, `claim_ttl` or `timeout`.
        WebhookStoreError: If the database cannot be opened.
    """

    path: str
    ttl: float
    claim_ttl: float

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        ttl: float = DEFAULT_SQLITE_TTL,
        claim_ttl: float = DEFAULT_CLAIM_TTL,
        timeout: float = 10.0,
    ) -> None:
        for name, value in (("ttl", ttl), ("claim_ttl", claim_ttl), ("timeout", timeout)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise WebhookConfigurationError(f"{name} must be a positive number of seconds")
        self.path = os.fspath(path)
        self.ttl = float(ttl)
        self.claim_ttl = float(claim_ttl)
        self._timeout = float(timeout)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._owner = ""
        self._commits = 0
        with self._lock:
            self._connect()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r}, ttl={self.ttl}, claim_ttl={self.claim_ttl})"

    def _connect(self) -> sqlite3.Connection:
        # Called with the lock held. A connection must not cross a fork: reopen in the child.
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        try:
            connection = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise WebhookStoreError(f"cannot open the SQLite dedup store: {exc}") from exc
        self._connection = connection
        self._pid = os.getpid()
        self._owner = f"{self._pid}:{os.urandom(8).hex()}"
        return connection

    def _execute(self, sql: str, *parameters: object) -> sqlite3.Cursor:
        """Run one statement; `_OWNER` among the parameters stands for this process's token."""
        with self._lock:
            connection = self._connect()
            values = tuple(self._owner if value is _OWNER else value for value in parameters)
            try:
                return connection.execute(sql, values)
            except sqlite3.Error as exc:
                raise WebhookStoreError(f"SQLite dedup store failed: {exc}") from exc

    def claim(self, key: str) -> bool:
        """Reserve `key`; `False` if it is processed (within `ttl`) or claimed elsewhere."""
        now = time.time()
        cursor = self._execute(_CLAIM, key, now + self.claim_ttl, _OWNER, now)
        return cursor.rowcount == 1

    def commit(self, key: str) -> None:
        """Remember `key` as processed for `ttl` seconds."""
        now = time.time()
        self._execute(_COMMIT, key, now + self.ttl)
        self._commits += 1
        if self._commits % _PURGE_EVERY == 0:
            self._execute(_PURGE, now)

    def release(self, key: str) -> None:
        """Drop the in-flight claim on `key`, so a redelivery is processed again."""
        self._execute(_RELEASE, key, _OWNER)

    def seen(self, key: str) -> bool:
        """Whether `key` is remembered as processed."""
        return self._execute(_SEEN, key, time.time()).fetchone() is not None

    def close(self) -> None:
        """Close this process's connection (the next call reopens it)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
