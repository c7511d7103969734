"""Dedup stores: the protocol, the in-memory window, SQLite and Redis across processes."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from basecamp.webhooks import (
    DedupStore,
    MemoryStore,
    RedisStore,
    SQLiteStore,
    WebhookConfigurationError,
    WebhookEvent,
    WebhookReceiver,
    WebhookStoreError,
)

WORKER = Path(__file__).with_name("_dedup_worker.py")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now


def _body(event_id: int) -> bytes:
    return json.dumps({"id": event_id, "kind": "todo_created"}).encode()


def _receiver(store: DedupStore, log: list[object]) -> WebhookReceiver:
    receiver = WebhookReceiver(secret=None, insecure_skip_verification=True, dedup_store=store)
    return receiver.on_any(lambda event: log.append(event.id))


def _check_semantics(store: DedupStore) -> None:
    """What every store promises: claim once, commit remembers, release forgets."""
    assert store.claim("a")
    assert not store.claim("a")  # in flight
    assert not store.seen("a")
    store.release("a")
    assert store.claim("a")  # released: a redelivery runs again
    store.commit("a")
    assert store.seen("a")
    assert not store.claim("a")  # processed
    assert not store.seen("b")


# -- memory -------------------------------------------------------------------------------------


def test_memory_store_semantics() -> None:
    _check_semantics(MemoryStore(10))


def test_memory_store_window_evicts_least_recently_used() -> None:
    store = MemoryStore(2)
    for key in ("a", "b"):
        assert store.claim(key)
        store.commit(key)
    assert not store.claim("a")  # a duplicate hit refreshes "a"
    assert store.claim("c")
    store.commit("c")  # evicts "b"
    assert store.seen("a") and store.seen("c") and not store.seen("b")


def test_memory_store_time_window(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr("basecamp.webhooks._dedup.time", clock)
    store = MemoryStore(100, ttl=60)
    assert store.claim("a")
    store.commit("a")
    clock.now += 59
    assert store.seen("a") and not store.claim("a")
    clock.now += 2
    assert not store.seen("a")
    assert store.claim("a")  # forgotten after the window: processed again


@pytest.mark.parametrize("kwargs", [{"max_size": 0}, {"max_size": True}, {"ttl": 0}, {"ttl": -1}])
def test_memory_store_rejects_bad_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MemoryStore(**kwargs)  # type: ignore[arg-type]


def test_default_receiver_uses_a_memory_window() -> None:
    receiver = WebhookReceiver(secret="s")
    assert isinstance(receiver.dedup_store, MemoryStore)
    assert receiver.dedup_store.max_size == receiver.dedup_window_size == 1000
    assert WebhookReceiver(secret="s", dedup_window_size=0).dedup_store is None


def test_receiver_refuses_a_window_size_and_a_store() -> None:
    with pytest.raises(WebhookConfigurationError, match="not both"):
        WebhookReceiver(secret="s", dedup_window_size=10, dedup_store=MemoryStore())
    with pytest.raises(WebhookConfigurationError, match="claim"):
        WebhookReceiver(secret="s", dedup_store=object())  # type: ignore[arg-type]


def test_a_custom_store_is_used_and_its_failure_fails_the_delivery() -> None:
    calls: list[str] = []

    class Broken:
        def claim(self, key: str) -> bool:
            calls.append(f"claim {key}")
            raise WebhookStoreError("store is down")

        def commit(self, key: str) -> None:
            calls.append(f"commit {key}")

        def release(self, key: str) -> None:
            calls.append(f"release {key}")

        def seen(self, key: str) -> bool:
            return False

    ran: list[object] = []
    receiver = _receiver(Broken(), ran)
    with pytest.raises(WebhookStoreError):
        receiver.handle_request(_body(1), {})
    response = receiver.respond(method="POST", body=_body(1), headers={})
    assert response.status == 500
    assert ran == []  # nothing runs without a claim
    assert calls == ["claim 1", "claim 1"]


# -- SQLite -------------------------------------------------------------------------------------


def test_sqlite_store_semantics(tmp_path: Path) -> None:
    _check_semantics(SQLiteStore(tmp_path / "dedup.sqlite3"))


def test_sqlite_store_is_shared_by_instances_on_one_file(tmp_path: Path) -> None:
    first, second = SQLiteStore(tmp_path / "d.db"), SQLiteStore(tmp_path / "d.db")
    assert first.claim("x")
    assert not second.claim("x")
    second.release("x")  # not second's claim: stays
    assert not second.claim("x")
    first.commit("x")
    assert second.seen("x")


def test_sqlite_store_expiry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr("basecamp.webhooks._sqlite.time", clock)
    store = SQLiteStore(tmp_path / "d.db", ttl=100, claim_ttl=10)
    assert store.claim("stale")  # its worker dies: never committed nor released
    clock.now += 11
    assert store.claim("stale")  # the redelivery after claim_ttl is processed
    store.commit("stale")
    clock.now += 99
    assert store.seen("stale")
    clock.now += 2
    assert not store.seen("stale") and store.claim("stale")


def test_sqlite_store_rejects_bad_options(tmp_path: Path) -> None:
    with pytest.raises(WebhookConfigurationError):
        SQLiteStore(tmp_path / "d.db", ttl=0)
    with pytest.raises(WebhookStoreError):
        SQLiteStore(tmp_path / "missing-dir" / "d.db")


def test_sqlite_receiver_end_to_end(tmp_path: Path) -> None:
    ran: list[object] = []
    receiver = _receiver(SQLiteStore(tmp_path / "d.db"), ran)
    assert receiver.handle_request(_body(1), {}).handled
    assert receiver.handle_request(_body(1), {}).duplicate
    assert receiver.has_seen(1)
    # A second "worker" over the same file sees the id as processed.
    other = _receiver(SQLiteStore(tmp_path / "d.db"), ran)
    assert other.handle_request(_body(1), {}).duplicate
    assert ran == [1]


# -- several processes at once -----------------------------------------------------------------

PROCESSES = 4
IDS = 40
FAIL_ID = 7


def _run_workers(kind: str, location: str, out: Path) -> list[dict[str, int]]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), kind, location, str(out), str(IDS), str(FAIL_ID)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while len(list(out.glob("ready-*"))) < PROCESSES:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            for worker in workers:
                worker.kill()
            errors = [worker.communicate()[1] for worker in workers]
            raise AssertionError(f"workers did not start: {errors}")
        time.sleep(0.01)
    (out / "go").touch()  # all of them claim the same ids at once
    outcomes = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr
        outcomes.append(json.loads(stdout))
    return outcomes


def _check_exactly_once(store: DedupStore, out: Path, outcomes: list[dict[str, int]]) -> None:
    # Basecamp redelivers what failed: here, every id once more, through the shared store.
    retried: list[object] = []
    receiver = _receiver(store, retried)
    for event_id in range(IDS):
        receiver.handle_request(_body(event_id), {})
    lines = (out / "log").read_text(encoding="utf-8").splitlines()
    processed = collections.Counter(int(line.split()[1]) for line in lines if line[0] == "p")
    processed.update(retried)  # type: ignore[arg-type]
    failed = [int(line.split()[1]) for line in lines if line[0] == "f"]
    assert failed == [FAIL_ID]
    assert processed == dict.fromkeys(range(IDS), 1)  # each id exactly once, the failed one too
    assert sum(o["failed"] for o in outcomes) == 1
    # The workers really competed: every one of them met duplicates.
    assert all(o["duplicate"] > 0 for o in outcomes), outcomes


def test_sqlite_store_across_processes(tmp_path: Path) -> None:
    location = str(tmp_path / "shared.sqlite3")
    outcomes = _run_workers("sqlite", location, tmp_path)
    _check_exactly_once(SQLiteStore(location), tmp_path, outcomes)


# -- Redis --------------------------------------------------------------------------------------


@pytest.mark.redis
def test_redis_store_semantics(redis_url: str) -> None:
    _check_semantics(RedisStore(redis_url))


@pytest.mark.redis
def test_redis_store_prefix_and_expiry(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    store = RedisStore(client=client, prefix="app1:", ttl=120, claim_ttl=30)
    assert store.claim("9")
    assert 0 < client.ttl("app1:9") <= 30  # an in-flight claim expires on its own
    store.commit("9")
    assert 30 < client.ttl("app1:9") <= 120
    assert RedisStore(client=client, prefix="app2:").claim("9")  # another prefix, another id
    other = RedisStore(client=client, prefix="app1:")
    assert other.claim("10")
    store.release("10")  # another process's claim: stays
    assert not store.claim("10")


@pytest.mark.redis
def test_redis_store_options() -> None:
    with pytest.raises(WebhookConfigurationError):
        RedisStore()
    with pytest.raises(WebhookConfigurationError):
        RedisStore("redis://127.0.0.1:1/0", ttl=0)


@pytest.mark.redis
def test_redis_store_across_processes(redis_url: str, tmp_path: Path) -> None:
    outcomes = _run_workers("redis", redis_url, tmp_path)
    _check_exactly_once(RedisStore(redis_url), tmp_path, outcomes)


@pytest.mark.redis
def test_lost_redis_connection_fails_the_delivery(
    redis_server: Callable[[], Any],
) -> None:
    server = redis_server()
    ran: list[object] = []
    store = RedisStore(server.url, socket_timeout=2)
    receiver = _receiver(store, ran)

    def stop_redis_then_handle(event: WebhookEvent) -> None:
        if event.id == 2:
            server.stop()  # Redis goes away while the handler runs: the commit cannot happen

    receiver.on("todo_created", stop_redis_then_handle)
    assert receiver.respond(method="POST", body=_body(1), headers={}).status == 204
    # The handler ran but its id could not be remembered: 500, so Basecamp redelivers and the
    # failure is visible, instead of a silent 204 that a later duplicate would run again.
    assert receiver.respond(method="POST", body=_body(2), headers={}).status == 500
    assert ran == [1, 2]
    # With Redis gone, no claim can be made: nothing runs, every delivery is a 500.
    assert receiver.respond(method="POST", body=_body(3), headers={}).status == 500
    with pytest.raises(WebhookStoreError, match="claim failed") as caught:
        receiver.handle_request(_body(3), {})
    assert server.url not in str(caught.value)
    assert ran == [1, 2]


def test_webhooks_import_does_not_load_the_redis_client() -> None:
    code = (
        "import sys\n"
        "import basecamp.webhooks as w\n"
        "w.RedisStore, w.SQLiteStore, w.WebhookReceiver(secret='s').asgi_app()\n"
        "print('redis' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
