"""Concurrency slots against real servers on 127.0.0.1: waiting for one is bounded
(`Config.pool_timeout`), a stream gives its slot back however it is abandoned, closing the client
fails the waiters, and download storage (hop 2) never takes an API slot."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from core_testkit import Loopback, Reply, Runner

from basecamp import AsyncClient, BasecampError, Client, Config, NetworkError, UsageError

BLOB = "/999/blobs/abc/download/report.bin"
DIRECT = "/999/blobs/direct/download/report.bin"
STORED = "/bucket/report.bin"
PAYLOAD = b"x" * 200_000  # several network reads: a stream stays open after its first chunk


@pytest.fixture
def storage() -> Iterator[Loopback]:
    server = Loopback()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def api(loopback: Loopback, storage: Loopback) -> Loopback:
    """The API: a JSON endpoint, a file it serves itself, and one that lives on storage."""
    loopback.route("/999/x.json", Reply(200, {"ok": True}))
    loopback.route(DIRECT, Reply(200, PAYLOAD))
    loopback.route(BLOB, Reply(302, b"", {"Location": f"{storage.url}{STORED}?sig=1"}))
    storage.route(STORED, Reply(200, PAYLOAD))
    return loopback


def one_slot(loopback: Loopback, pool_timeout: float | None = 0.3) -> Config:
    return Config(base_url=loopback.url, max_concurrency=1, pool_timeout=pool_timeout)


async def first_chunk(stream: Any) -> bytes:
    if hasattr(stream, "__anext__"):
        chunk: bytes = await stream.__anext__()
    else:
        chunk = next(stream)
    assert chunk
    return chunk


async def close(stream: Any) -> None:
    if hasattr(stream, "aclose"):
        await stream.aclose()
    else:
        stream.close()


def test_pool_timeout_is_validated() -> None:
    assert Config().pool_timeout == 60.0
    assert Config(pool_timeout=None).pool_timeout is None
    assert Config(pool_timeout=0.5).pool_timeout == 0.5
    for bad in (0, -1, True, "5", float("inf")):
        with pytest.raises(UsageError, match="pool_timeout"):
            Config(pool_timeout=bad)  # type: ignore[arg-type]


async def test_waiting_for_a_slot_is_bounded(runner: Runner, api: Loopback) -> None:
    account = runner.account(config=one_slot(api))
    held = account.iter_download(f"{api.url}{DIRECT}")
    await first_chunk(held)  # the API serves the bytes itself: this stream holds the only slot
    with pytest.raises(NetworkError) as caught:
        await runner.call(account.get("/x.json"))
    assert "Config.pool_timeout (0.3 s)" in caught.value.message
    assert "was not sent" in caught.value.message
    assert caught.value.retryable
    assert caught.value.hint is not None
    assert "holds its slot" in caught.value.hint
    assert len(api.seen("/999/x.json")) == 0
    await close(held)  # closing the stream gives the slot back
    assert await runner.call(account.get("/x.json")) == {"ok": True}


async def test_a_garbage_collected_stream_gives_its_slot_back(
    runner: Runner, api: Loopback
) -> None:
    account = runner.account(config=one_slot(api, pool_timeout=10))
    held = account.iter_download(f"{api.url}{DIRECT}")
    await first_chunk(held)
    del held
    gc.collect()  # async: the loop's finalizer closes the generator while the call waits
    assert await runner.call(account.get("/x.json")) == {"ok": True}


async def test_a_stream_read_to_the_end_gives_its_slot_back(runner: Runner, api: Loopback) -> None:
    account = runner.account(config=one_slot(api))
    for _ in range(3):
        chunks = await runner.collect(account.iter_download(f"{api.url}{DIRECT}"))
        assert b"".join(chunks) == PAYLOAD
    assert await runner.call(account.get("/x.json")) == {"ok": True}


async def test_storage_hops_never_take_an_api_slot(
    runner: Runner, api: Loopback, storage: Loopback
) -> None:
    account = runner.account(config=one_slot(api))
    held = account.iter_download(f"{api.url}{BLOB}")
    await first_chunk(held)  # hop 2 is open on storage
    assert len(storage.seen(STORED)) == 1
    # The API slot is free: calls to the API go on while storage is busy.
    assert await runner.call(account.get("/x.json")) == {"ok": True}
    assert await runner.call(account.get("/x.json")) == {"ok": True}
    # Storage has slots of its own, bounded the same way.
    second = account.iter_download(f"{api.url}{BLOB}")
    with pytest.raises(NetworkError, match="pool_timeout"):
        await first_chunk(second)
    assert len(storage.seen(STORED)) == 1
    await close(held)
    assert await runner.call(account.get("/x.json")) == {"ok": True}


async def test_closing_the_async_client_fails_the_waiters(api: Loopback) -> None:
    client = AsyncClient(access_token="t", config=one_slot(api, pool_timeout=None))
    account = client.for_account(999)
    held = account.iter_download(f"{api.url}{DIRECT}")
    await first_chunk(held)
    waiters = [asyncio.create_task(account.get("/x.json")) for _ in range(3)]
    await asyncio.sleep(0.05)  # let them queue for the slot
    assert not any(task.done() for task in waiters)
    await client.close()
    for task in waiters:
        with pytest.raises(UsageError, match="closed"):
            await task
    with pytest.raises(BasecampError):  # the open stream ends with the client
        async for _ in held:
            pass
    assert len(api.seen("/999/x.json")) == 0


def test_closing_the_sync_client_fails_the_waiters(api: Loopback) -> None:
    client = Client(access_token="t", config=one_slot(api, pool_timeout=None))
    account = client.for_account(999)
    held = account.iter_download(f"{api.url}{DIRECT}")
    assert next(held)
    outcomes: list[BaseException | object] = []

    def call() -> None:
        try:
            outcomes.append(account.get("/x.json"))
        except BaseException as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)  # let them queue for the slot (closing first fails them the same way)
    client.close()
    for thread in threads:
        thread.join(timeout=10)
    assert len(outcomes) == 3
    assert all(isinstance(o, UsageError) for o in outcomes), outcomes
    with pytest.raises(BasecampError):  # the open stream ends with the client
        for _ in held:
            pass
    assert len(api.seen("/999/x.json")) == 0
