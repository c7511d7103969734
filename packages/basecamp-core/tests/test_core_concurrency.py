"""Concurrency: the client bounds requests in flight (`max_concurrency`), counted on a real
loopback server."""

from __future__ import annotations

import asyncio
import threading

from core_testkit import Loopback, Reply

from basecamp import AsyncClient, Client, Config

PATH = "/999/slow.json"


async def test_async_gather_never_exceeds_limit(loopback: Loopback) -> None:
    loopback.route(PATH, Reply(200, {"ok": True}, delay=0.003))
    config = Config(base_url=loopback.url, max_concurrency=5)
    async with AsyncClient(access_token="t", config=config) as client:
        account = client.for_account(999)
        results = await asyncio.gather(*(account.get("/slow.json") for _ in range(200)))
    assert results == [{"ok": True}] * 200
    assert len(loopback.seen(PATH)) == 200
    assert 1 < loopback.max_in_flight <= 5


async def test_async_limit_of_one_serializes(loopback: Loopback) -> None:
    loopback.route(PATH, Reply(200, [], delay=0.002))
    config = Config(base_url=loopback.url, max_concurrency=1)
    async with AsyncClient(access_token="t", config=config) as client:
        account = client.for_account(999)
        await asyncio.gather(*(account.get("/slow.json") for _ in range(20)))
    assert loopback.max_in_flight == 1


def test_sync_threads_never_exceed_limit(loopback: Loopback) -> None:
    loopback.route(PATH, Reply(200, {"ok": True}, delay=0.003))
    config = Config(base_url=loopback.url, max_concurrency=3)
    results: list[object] = []
    with Client(access_token="t", config=config) as client:
        account = client.for_account(999)
        barrier = threading.Barrier(12)

        def work() -> None:
            barrier.wait()
            for _ in range(5):
                results.append(account.get("/slow.json"))

        threads = [threading.Thread(target=work) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert len(results) == 60
    assert 1 < loopback.max_in_flight <= 3


async def test_async_concurrent_collect_keeps_order(loopback: Loopback) -> None:
    from urllib.parse import parse_qs, urlsplit

    def answer(seen: object) -> Reply:
        path = seen.path  # type: ignore[attr-defined]
        page = int(parse_qs(urlsplit(path).query).get("page", ["1"])[0])
        items = list(range((page - 1) * 3, min(page * 3, 20)))
        headers = {"X-Total-Count": "20"}
        if page < 7:
            headers["Link"] = f'<{loopback.url}/999/items.json?page={page + 1}>; rel="next"'
        return Reply(200, items, headers, delay=0.002)

    loopback.route("/999/items.json", answer)
    config = Config(base_url=loopback.url)
    async with AsyncClient(access_token="t", config=config) as client:
        pager = client.for_account(999).iterate("/items.json")
        result = await pager.collect(concurrency=3)
    assert result == list(range(20))
    assert result.meta.total_count == 20
    assert result.meta.pages == 7
    assert result.meta.truncated is False
