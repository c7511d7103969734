"""Checkpoint stores: memory, file (atomic replace) and SQLite (several processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basecamp import UsageError
from basecamp.services import (
    AsyncCheckpointStore,
    Checkpoint,
    CheckpointStore,
    FileCheckpointStore,
    MemoryCheckpointStore,
    SQLiteCheckpointStore,
)


@pytest.fixture(params=["memory", "file", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield MemoryCheckpointStore()
    elif request.param == "file":
        yield FileCheckpointStore(tmp_path / "feed.json")
    else:
        with SQLiteCheckpointStore(tmp_path / "feed.db") as sqlite:
            yield sqlite


def test_round_trip_by_consumer_and_identity(store: Any) -> None:
    assert isinstance(store, CheckpointStore)
    assert store.load("indexer", "abc") is None
    store.save("indexer", "abc", Checkpoint("pos-1", 10))
    store.save("indexer", "def", Checkpoint("pos-2", None))
    store.save("mailer", "abc", Checkpoint("pos-3", 30))
    store.save("indexer", "abc", Checkpoint("pos-4", 40))
    assert store.load("indexer", "abc") == Checkpoint("pos-4", 40)
    assert store.load("indexer", "def") == Checkpoint("pos-2", None)
    assert store.load("mailer", "abc") == Checkpoint("pos-3", 30)
    assert store.load("mailer", "def") is None


def test_an_empty_consumer_is_refused(store: Any) -> None:
    with pytest.raises(UsageError, match="consumer"):
        store.save("", "abc", Checkpoint("p", 1))


def test_file_store_survives_reopening_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    FileCheckpointStore(path).save("c", "id", Checkpoint("p1", 1))
    FileCheckpointStore(path).save("c", "id", Checkpoint("p2", 2))
    assert FileCheckpointStore(path).load("c", "id") == Checkpoint("p2", 2)
    assert [p.name for p in tmp_path.iterdir()] == ["feed.json"]
    assert json.loads(path.read_text())["version"] == 1


def test_file_store_replaces_rather_than_rewrites(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    store = FileCheckpointStore(path)
    store.save("c", "id", Checkpoint("p1", 1))
    before = path.stat().st_ino
    store.save("c", "id", Checkpoint("p2", 2))
    assert path.stat().st_ino != before  # a new file moved over the old one


def test_file_store_keeps_the_old_file_when_a_save_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.json"
    store = FileCheckpointStore(path)
    store.save("c", "id", Checkpoint("p1", 1))

    def broken_replace(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        store.save("c", "id", Checkpoint("p2", 2))
    monkeypatch.undo()
    assert store.load("c", "id") == Checkpoint("p1", 1)
    assert [p.name for p in tmp_path.iterdir()] == ["feed.json"]


def test_file_store_refuses_a_file_that_is_not_its_own(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text("not json")
    with pytest.raises(UsageError, match="not a checkpoint file"):
        FileCheckpointStore(path).load("c", "id")
    path.write_text("[1, 2]")
    with pytest.raises(UsageError, match="not a checkpoint file"):
        FileCheckpointStore(path).load("c", "id")


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    with SQLiteCheckpointStore(tmp_path / "feed.db") as store:
        mode = store._connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_sqlite_store_takes_concurrent_writes_from_several_processes(tmp_path: Path) -> None:
    db = tmp_path / "feed.db"
    SQLiteCheckpointStore(db).close()  # create the schema once, as a deployment would
    worker = textwrap.dedent(
        """
        import sys
        from basecamp.services import Checkpoint, SQLiteCheckpointStore

        name, db = sys.argv[1], sys.argv[2]
        with SQLiteCheckpointStore(db) as store:
            for n in range(1, 201):
                store.save(name, "shared-identity", Checkpoint(f"{name}-{n}", n))
                assert store.load(name, "shared-identity") == Checkpoint(f"{name}-{n}", n)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", worker, f"consumer-{i}", str(db)]) for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    with SQLiteCheckpointStore(db) as store:
        for i in range(4):
            assert store.load(f"consumer-{i}", "shared-identity") == Checkpoint(
                f"consumer-{i}-200", 200
            )


class _AsyncStore:
    async def load(self, consumer: str, identity: str) -> Checkpoint | None:
        return None

    async def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        return None


def test_the_protocols_are_structural() -> None:
    assert isinstance(_AsyncStore(), AsyncCheckpointStore)
    assert not isinstance(object(), CheckpointStore)
