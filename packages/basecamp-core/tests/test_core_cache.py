"""HTTP caching through both clients: validators, 304s, keys per token, bounds and hooks."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from core_testkit import ACCOUNT_URL, BASE_URL, TOKEN, RecordingHooks, Runner

from basecamp import ApiError, BearerAuth, Client, Config, MemoryCache, UsageError
from basecamp.hooks import console_hooks

ETAG = 'W/"v1"'
SINCE = "Tue, 01 Dec 2026 10:00:00 GMT"


def conditional(
    body: Any, *, etag: str = ETAG, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that serves `body` with validators, and 304 to a request that has them."""

    def handle(request: httpx.Request) -> httpx.Response:
        extra = {"ETag": etag, "Last-Modified": SINCE, **(headers or {})}
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=extra)
        return httpx.Response(200, json=body, headers=extra)

    return handle


def validators(route: respx.Route) -> list[tuple[str | None, str | None]]:
    return [
        (c.request.headers.get("if-none-match"), c.request.headers.get("if-modified-since"))
        for c in route.calls
    ]


async def test_a_repeat_revalidates_and_a_304_returns_the_cached_body(
    runner: Runner, api: respx.MockRouter
) -> None:
    route = api.get("/999/x.json").mock(side_effect=conditional({"id": 1, "name": "Plan"}))
    hooks = RecordingHooks()
    cache = MemoryCache()
    account = runner.account(cache=cache, hooks=hooks)
    first = await runner.call(account.get("/x.json"))
    again = await runner.call(account.get("/x.json"))
    assert first == again == {"id": 1, "name": "Plan"}
    assert validators(route) == [(None, None), (ETAG, SINCE)]
    assert [c.response.status_code for c in route.calls] == [200, 304]
    ends = hooks.named("request_end")
    assert [(r.status_code, r.from_cache) for _, r in ends] == [(200, False), (304, True)]
    operations = hooks.named("operation_end")
    assert [r.from_cache for _, r in operations] == [False, True]
    assert len(cache) == 1


async def test_a_changed_resource_is_fetched_and_stored_again(
    runner: Runner, api: respx.MockRouter
) -> None:
    versions = iter([({"v": 1}, 'W/"1"'), ({"v": 2}, 'W/"2"'), ({"v": 2}, 'W/"2"')])

    def handle(request: httpx.Request) -> httpx.Response:
        body, etag = next(versions)
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"ETag": etag})
        return httpx.Response(200, json=body, headers={"ETag": etag})

    route = api.get("/999/x.json").mock(side_effect=handle)
    account = runner.account(cache=MemoryCache())
    assert await runner.call(account.get("/x.json")) == {"v": 1}
    assert await runner.call(account.get("/x.json")) == {"v": 2}  # the 200 replaced the entry
    assert await runner.call(account.get("/x.json")) == {"v": 2}
    assert [c.response.status_code for c in route.calls] == [200, 200, 304]
    assert [v for v, _ in validators(route)] == [None, 'W/"1"', 'W/"2"']


async def test_lists_keep_their_links_and_total_count_across_304s(
    runner: Runner, api: respx.MockRouter
) -> None:
    link = f'<{ACCOUNT_URL}/items.json?page=2>; rel="next"'
    page_one = conditional([{"id": 1}, {"id": 2}], headers={"Link": link, "X-Total-Count": "3"})

    def first_page(request: httpx.Request) -> httpx.Response:
        response = page_one(request)
        if response.status_code == 304:
            # Like a server that repeats neither header on a 304: the stored ones hold.
            return httpx.Response(304, headers={"ETag": ETAG})
        return response

    api.get("/999/items.json", params={"page": "2"}).mock(
        side_effect=conditional([{"id": 3}], etag='W/"p2"', headers={"X-Total-Count": "3"})
    )
    api.get("/999/items.json").mock(side_effect=first_page)
    hooks = RecordingHooks()
    account = runner.account(cache=MemoryCache(), hooks=hooks)
    first = await runner.call(account.paginate("/items.json"))
    again = await runner.call(account.paginate("/items.json"))
    assert list(first) == list(again) == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert first.meta == again.meta
    assert again.meta.total_count == 3 and again.meta.pages == 2
    statuses = [r.status_code for _, r in hooks.named("request_end")]
    assert statuses == [200, 200, 304, 304]
    assert [r.from_cache for _, r in hooks.named("operation_end")] == [False, True]
    # The lazy walk sees the same pages.
    items = await runner.collect(account.iterate("/items.json"))
    assert items == [{"id": 1}, {"id": 2}, {"id": 3}]


async def test_entries_are_never_shared_across_tokens(
    runner: Runner, api: respx.MockRouter
) -> None:
    route = api.get("/999/x.json").mock(side_effect=conditional({"secret": "mine"}))
    shared = MemoryCache()
    await runner.call(runner.account(cache=shared).get("/x.json"))
    await runner.call(runner.account(cache=shared, access_token="other-token").get("/x.json"))
    await runner.call(runner.account(cache=shared, auth=BearerAuth("third")).get("/x.json"))
    assert validators(route) == [(None, None)] * 3  # nobody revalidated another's entry
    assert len(shared) == 3
    for key in shared._entries:
        assert TOKEN not in key and "other-token" not in key and "third" not in key
    # The same token again (a new client) does revalidate.
    await runner.call(runner.account(cache=shared).get("/x.json"))
    assert validators(route)[-1] == (ETAG, SINCE)


async def test_the_query_is_part_of_the_key(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/x.json").mock(side_effect=conditional([]))
    account = runner.account(cache=MemoryCache())
    await runner.call(account.get("/x.json", params={"status": "archived"}))
    await runner.call(account.get("/x.json", params={"status": "active"}))
    await runner.call(account.get("/x.json", params={"status": "archived"}))
    assert [v for v, _ in validators(route)] == [None, None, ETAG]


async def test_eviction_by_entries_and_by_bytes(runner: Runner, api: respx.MockRouter) -> None:
    a = api.get("/999/a.json").mock(side_effect=conditional({"n": "a"}))
    api.get("/999/b.json").mock(side_effect=conditional({"n": "b"}))
    account = runner.account(cache=MemoryCache(max_entries=1))
    await runner.call(account.get("/a.json"))
    await runner.call(account.get("/b.json"))  # evicts a
    await runner.call(account.get("/a.json"))
    assert [v for v, _ in validators(a)] == [None, None]

    big = api.get("/999/big.json").mock(side_effect=conditional({"n": "x" * 5000}))
    account = runner.account(cache=MemoryCache(max_bytes=4000))
    await runner.call(account.get("/big.json"))
    await runner.call(account.get("/big.json"))
    assert [v for v, _ in validators(big)] == [None, None]  # never fitted, never stored


async def test_no_store_is_respected(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/x.json").mock(
        side_effect=conditional({"n": 1}, headers={"Cache-Control": "private, no-store"})
    )
    cache = MemoryCache()
    account = runner.account(cache=cache)
    await runner.call(account.get("/x.json"))
    await runner.call(account.get("/x.json"))
    assert [v for v, _ in validators(route)] == [None, None]
    assert len(cache) == 0


async def test_a_304_without_an_entry_is_sent_again_without_validators(
    runner: Runner, api: respx.MockRouter
) -> None:
    route = api.get("/999/x.json").mock(
        side_effect=[httpx.Response(304), httpx.Response(200, json={"ok": True})]
    )
    hooks = RecordingHooks()
    account = runner.account(cache=MemoryCache(), hooks=hooks)
    assert await runner.call(account.get("/x.json")) == {"ok": True}
    assert route.call_count == 2
    ends = hooks.named("request_end")
    assert [(i.attempt, r.status_code, r.from_cache) for i, r in ends] == [
        (1, 304, False),
        (2, 200, False),
    ]
    assert hooks.named("retry") == []  # a replay, not a retry


async def test_a_second_unserved_304_is_an_error(
    runner: Runner, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get("/999/x.json").mock(return_value=httpx.Response(304))
    account = runner.account(cache=MemoryCache())
    with pytest.raises(ApiError) as raised:
        await runner.call(account.get("/x.json"))
    assert raised.value.http_status == 304
    assert route.call_count == 2


async def test_writes_are_not_cached_and_invalidate_nothing(
    runner: Runner, api: respx.MockRouter
) -> None:
    get = api.get("/999/x.json").mock(side_effect=conditional({"n": 1}))
    post = api.post("/999/x.json").mock(
        return_value=httpx.Response(201, json={"n": 2}, headers={"ETag": 'W/"post"'})
    )
    cache = MemoryCache()
    account = runner.account(cache=cache)
    await runner.call(account.get("/x.json"))
    await runner.call(account.post("/x.json", json={"n": 2}))
    await runner.call(account.post("/x.json", json={"n": 2}))
    await runner.call(account.get("/x.json"))
    assert "if-none-match" not in post.calls[1].request.headers
    assert [v for v, _ in validators(get)] == [None, ETAG]  # the server's validator decides
    assert len(cache) == 1


async def test_downloads_are_not_cached(runner: Runner, api: respx.MockRouter) -> None:
    hop1 = api.get("/999/blobs/1/download/a.txt").mock(
        return_value=httpx.Response(
            302, headers={"Location": "https://storage.3.basecamp.com/f?sig=s", "ETag": ETAG}
        )
    )
    api.get("https://storage.3.basecamp.com/f").mock(
        return_value=httpx.Response(200, content=b"file", headers={"ETag": ETAG})
    )
    cache = MemoryCache()
    account = runner.account(cache=cache)
    for _ in range(2):
        result = await runner.call(account.download_url(f"{ACCOUNT_URL}/blobs/1/download/a.txt"))
        assert result.body == b"file"
    assert [v for v, _ in validators(hop1)] == [None, None]
    assert len(cache) == 0


async def test_without_a_cache_nothing_changes(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/x.json").mock(side_effect=conditional({"n": 1}))
    hooks = RecordingHooks()
    account = runner.account(hooks=hooks)
    assert account.client.cache is None
    await runner.call(account.get("/x.json"))
    await runner.call(account.get("/x.json"))
    assert validators(route) == [(None, None), (None, None)]
    assert [r.from_cache for _, r in hooks.named("request_end")] == [False, False]
    assert [r.from_cache for _, r in hooks.named("operation_end")] == [False, False]
    reply = await runner.call(
        account.client._request("GET", f"{ACCOUNT_URL}/x.json", idempotent=True)
    )
    assert reply.from_cache is None


def test_cache_must_be_a_store() -> None:
    with pytest.raises(UsageError, match="CacheStore"):
        Client(access_token=TOKEN, cache={})  # type: ignore[arg-type]


async def test_a_refreshed_token_is_a_new_identity(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/x.json").mock(side_effect=conditional({"n": 1}))
    tokens = {"now": "first-token"}

    class Provider:
        refreshable = False

        def access_token(self) -> str:
            return tokens["now"]

        def refresh(self, *, reason: str = "expiring", rejected: str | None = None) -> bool:
            return False

    class AsyncProvider(Provider):
        async def access_token(self) -> str:  # type: ignore[override]
            return tokens["now"]

    provider = AsyncProvider() if runner.is_async else Provider()
    account = runner.account(token_provider=provider, cache=MemoryCache())
    await runner.call(account.get("/x.json"))
    await runner.call(account.get("/x.json"))
    tokens["now"] = "second-token"
    await runner.call(account.get("/x.json"))
    assert [v for v, _ in validators(route)] == [None, ETAG, None]


def test_threads_share_one_cached_client_safely() -> None:
    cache = MemoryCache(max_entries=8)
    config = Config(base_url=BASE_URL)
    errors: list[BaseException] = []
    with respx.mock(base_url=BASE_URL) as router:
        for n in range(12):
            router.get(f"/999/r{n}.json").mock(side_effect=conditional({"n": n}))
        with Client(access_token=TOKEN, config=config, cache=cache) as client:
            account = client.for_account(999)

            def work(worker: int) -> None:
                try:
                    for i in range(30):
                        n = (worker + i) % 12
                        assert account.get(f"/r{n}.json") == {"n": n}
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        statuses = [c.response.status_code for c in router.calls]
    assert errors == []
    assert len(cache) <= 8
    assert len(statuses) == 180 and 304 in statuses


async def test_console_hooks_show_a_cached_answer(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/x.json").mock(side_effect=conditional({"n": 1}))
    stream = io.StringIO()
    account = runner.account(cache=MemoryCache(), hooks=console_hooks(stream))
    await runner.call(account.get("/x.json"))
    await runner.call(account.get("/x.json"))
    lines = [line for line in stream.getvalue().splitlines() if line.startswith("[basecamp] GET")]
    assert "-> 200" in lines[0] and "cached" not in lines[0]
    assert "-> 304" in lines[1] and "cached" in lines[1]


async def test_concurrent_collect_is_served_from_the_cache(api: respx.MockRouter) -> None:
    for number in (2, 3):
        api.get("/999/items.json", params={"page": str(number)}).mock(
            side_effect=conditional([{"id": number}], etag=f'W/"p{number}"')
        )
    api.get("/999/items.json").mock(
        side_effect=conditional(
            [{"id": 1}],
            headers={
                "X-Total-Count": "3",
                "Link": f'<{ACCOUNT_URL}/items.json?page=2>; rel="next"',
            },
        )
    )
    hooks = RecordingHooks()
    runner = Runner("async")
    try:
        account = runner.account(cache=MemoryCache(), hooks=hooks)
        first = await account.iterate("/items.json").collect(concurrency=2)
        again = await account.iterate("/items.json").collect(concurrency=2)
    finally:
        await runner.aclose_all()
    assert list(first) == list(again) == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert again.meta == first.meta
    ends = [(r.status_code, r.from_cache) for _, r in hooks.named("request_end")]
    assert ends == [(200, False)] * 3 + [(304, True)] * 3
