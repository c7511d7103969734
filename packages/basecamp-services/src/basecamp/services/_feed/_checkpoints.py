"""Checkpoint stores: where a feed follower keeps its position between runs.

A store maps a key (the consumer's name and the feed's filter identity) to a `Checkpoint`. Three
are built in: `MemoryCheckpointStore` (tests, one process), `FileCheckpointStore` (one JSON file,
replaced atomically) and `SQLiteCheckpointStore` (several processes on one host). Anything with
the same two methods works too, for example a table in your own database.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol, runtime_checkable

from basecamp import UsageError

from ._walk import Checkpoint

__all__ = [
    "AsyncCheckpointStore",
    "CheckpointStore",
    "FileCheckpointStore",
    "MemoryCheckpointStore",
    "SQLiteCheckpointStore",
]


@runtime_checkable
class CheckpointStore(Protocol):
    """Loads and saves a follower's `Checkpoint`, keyed by consumer name and filter identity.

    `save` must be atomic: after a crash, `load` returns either the old checkpoint or the new
    one, never a mix. The follower calls `save` only after the caller processed a page.
    """

    def load(self, consumer: str, identity: str) -> Checkpoint | None:
        """The saved checkpoint, or `None` when this consumer has none for these filters."""
        ...

    def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        """Replace the checkpoint of this consumer and filter identity."""
        ...


@runtime_checkable
class AsyncCheckpointStore(Protocol):
    """`CheckpointStore` with coroutine methods, for an async database driver.

    Only `AsyncFeedFollower` accepts it (it accepts a plain `CheckpointStore` too).
    """

    async def load(self, consumer: str, identity: str) -> Checkpoint | None:
        """The saved checkpoint, or `None`."""
        ...

    async def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        """Replace the checkpoint of this consumer and filter identity."""
        ...


def _check_key(consumer: str, identity: str) -> None:
    if not isinstance(consumer, str) or not consumer.strip():
        raise UsageError("A checkpoint consumer name must be a non-empty string.")
    if not isinstance(identity, str) or not identity:
        raise UsageError("A checkpoint identity must be a non-empty string.")


class MemoryCheckpointStore:
    """Checkpoints in a dict: gone when the process ends. For tests and one-off runs."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], Checkpoint] = {}
        self._lock = threading.Lock()

    def load(self, consumer: str, identity: str) -> Checkpoint | None:
        """The saved checkpoint, or `None`."""
        with self._lock:
            return self._data.get((consumer, identity))

    def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        """Replace the checkpoint."""
        _check_key(consumer, identity)
        with self._lock:
            self._data[(consumer, identity)] = checkpoint

    def __repr__(self) -> str:
        return f"MemoryCheckpointStore({len(self._data)} checkpoints)"


def _to_json(checkpoint: Checkpoint) -> dict[str, object]:
    return {"position": checkpoint.position, "last_id": checkpoint.last_id}


def _from_json(value: object) -> Checkpoint | None:
    if not isinstance(value, dict):
        return None
    position, last_id = value.get("position"), value.get("last_id")
    if not isinstance(position, str) or not (last_id is None or isinstance(last_id, int)):
        return None
    return Checkpoint(position, last_id)


class FileCheckpointStore:
    """Checkpoints in one JSON file, rewritten atomically on every save.

    A save writes a temporary file next to `path`, flushes it to disk (`fsync`) and moves it over
    `path` with `os.replace`, so a crash leaves the old file or the new one. Threads of one process
    may share a store; for several processes use `SQLiteCheckpointStore`.

    Args:
        path: The file; created on the first save (its folder must exist).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path: Path = Path(path)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, object]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            raise UsageError(f"{self.path} is not a checkpoint file (not JSON).") from None
        checkpoints = data.get("checkpoints") if isinstance(data, dict) else None
        if not isinstance(checkpoints, dict):
            raise UsageError(f"{self.path} is not a checkpoint file.")
        return checkpoints

    @staticmethod
    def _key(consumer: str, identity: str) -> str:
        return f"{consumer}\x1f{identity}"

    def load(self, consumer: str, identity: str) -> Checkpoint | None:
        """The saved checkpoint, or `None`."""
        with self._lock:
            return _from_json(self._read().get(self._key(consumer, identity)))

    def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        """Replace the checkpoint (atomically: temp file, `fsync`, `os.replace`)."""
        _check_key(consumer, identity)
        with self._lock:
            checkpoints = self._read()
            checkpoints[self._key(consumer, identity)] = _to_json(checkpoint)
            text = json.dumps({"version": 1, "checkpoints": checkpoints}, sort_keys=True)
            folder = self.path.parent
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            _fsync_folder(folder)

    def __repr__(self) -> str:
        return f"FileCheckpointStore({str(self.path)!r})"


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS basecamp_feed_checkpoints (
    consumer TEXT NOT NULL,
    identity TEXT NOT NULL,
    position TEXT NOT NULL,
    last_id INTEGER,
    updated_at REAL NOT NULL,
    PRIMARY KEY (consumer, identity)
)
"""
_UPSERT = """
INSERT INTO basecamp_feed_checkpoints (consumer, identity, position, last_id, updated_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (consumer, identity) DO UPDATE SET
    position = excluded.position, last_id = excluded.last_id, updated_at = excluded.updated_at
"""


class SQLiteCheckpointStore:
    """Checkpoints in a SQLite database that several processes on one host can share.

    The database runs in WAL mode with `synchronous=FULL` (a saved checkpoint survives a power
    cut) and waits up to `timeout` seconds for another process's write instead of failing. Each
    save is one transaction. Run one live follower per consumer name; different consumers (or
    the same consumer with other filters) can share the file.

    Args:
        path: The database file (created when missing), or `":memory:"`.
        timeout: Seconds to wait for a lock held by another connection.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path: str = str(path)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if self.path != ":memory:":
                self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute(_SCHEMA)
        except BaseException:
            self._connection.close()
            raise

    def load(self, consumer: str, identity: str) -> Checkpoint | None:
        """The saved checkpoint, or `None`."""
        with self._lock:
            row = self._connection.execute(
                "SELECT position, last_id FROM basecamp_feed_checkpoints"
                " WHERE consumer = ? AND identity = ?",
                (consumer, identity),
            ).fetchone()
        return None if row is None else Checkpoint(row[0], row[1])

    def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        """Replace the checkpoint in one transaction."""
        _check_key(consumer, identity)
        values = (consumer, identity, checkpoint.position, checkpoint.last_id, time.time())
        with self._lock:
            self._connection.execute(_UPSERT, values)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> SQLiteCheckpointStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteCheckpointStore({self.path!r})"
