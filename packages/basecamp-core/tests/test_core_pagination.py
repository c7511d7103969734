"""Pagination end to end against a real server on 127.0.0.1: Link following, origin safety,
loops, limits, explicit pages and the lazy pager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx
from core_testkit import BASE_URL, Loopback, RecordingHooks, Reply, Runner, Seen

from basecamp import ApiError, AsyncPager, Config, ListMeta, ListResult, Pager, UsageError

PATH = "/999/items.json"


def page_of(seen: Seen) -> int:
    return int(parse_qs(urlsplit(seen.path).query).get("page", ["1"])[0])


def serve_pages(
    loopback: Loopback,
    pages: list[list[Any]],
    *,
    total: int | None = None,
    link: Callable[[int], str] | None = None,
) -> None:
    """Serve `pages` at PATH?page=N, each linking to the next."""

    def next_link(n: int) -> str:
        return f'<{loopback.url}{PATH}?page={n + 1}>; rel="next"'

    make_link = link or next_link

    def answer(seen: Seen) -> Reply:
        n = page_of(seen)
        headers = {}
        if n < len(pages):
            headers["Link"] = make_link(n)
        if total is not None:
            headers["X-Total-Count"] = str(total)
        items = pages[n - 1] if 1 <= n <= len(pages) else []
        return Reply(200, items, headers)

    loopback.route(PATH, answer)


def fetched_pages(loopback: Loopback) -> list[int]:
    return [page_of(s) for s in loopback.seen(PATH)]


async def test_follows_next_links(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]], total=5)
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert isinstance(result, ListResult)
    assert result == [1, 2, 3, 4, 5]
    assert result[1:3] == [2, 3]
    assert [x * 10 for x in result] == [10, 20, 30, 40, 50]
    assert result.meta == ListMeta(total_count=5, truncated=False, pages=3)
    assert fetched_pages(loopback) == [1, 2, 3]
    # every page is authenticated: it is on the API origin
    assert all(s.header("Authorization") for s in loopback.seen(PATH))


async def test_relative_next_link(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1], [2]], link=lambda n: f'<{PATH}?page={n + 1}>; rel="next"')
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result == [1, 2]


async def test_params_sent_on_first_page(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(loopback, [[1], [2]])
    account = runner.account(config=loop_config)
    await runner.call(account.paginate("/items.json", {"status": "archived", "x": None}))
    first = loopback.seen(PATH)[0]
    assert parse_qs(urlsplit(first.path).query) == {"status": ["archived"]}


async def test_without_total_count(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1]])
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result.meta.total_count is None
    assert result.meta.pages == 1


async def test_empty_list(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[]], total=0)
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result == []
    assert result.meta.total_count == 0


async def test_cross_origin_next_link_refused_before_any_request(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    other = Loopback()
    try:
        other.route(PATH, Reply(200, ["stolen"]))
        serve_pages(loopback, [[1], [2]], link=lambda n: f'<{other.url}{PATH}?page=2>; rel="next"')
        with pytest.raises(ApiError, match="Refused a pagination link") as caught:
            await runner.call(runner.account(config=loop_config).paginate("/items.json"))
        assert other.seen() == []
        assert "page=2" not in str(caught.value)
    finally:
        other.close()


async def test_cross_origin_lazy_pager_refused(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    other = Loopback()
    try:
        serve_pages(loopback, [[1], [2]], link=lambda n: f'<{other.url}{PATH}>; rel="next"')
        pager = runner.account(config=loop_config).iterate("/items.json")
        with pytest.raises(ApiError):
            await runner.collect(pager)
        assert other.seen() == []
    finally:
        other.close()


async def test_https_to_http_downgrade_refused(runner: Runner) -> None:
    with respx.mock(assert_all_called=False) as mock:
        first = mock.get(f"{BASE_URL}/999/items.json").respond(
            json=[1],
            headers={"Link": '<http://3.basecampapi.com/999/items.json?page=2>; rel="next"'},
        )
        downgraded = mock.get(url__startswith="http://3.basecampapi.com/").respond(json=[2])
        with pytest.raises(ApiError, match="downgrades https to http"):
            await runner.call(runner.account().paginate("/items.json"))
        assert first.call_count == 1
        assert downgraded.call_count == 0


@pytest.mark.parametrize(
    "host", ["3.basecampapi.com:443", "3.BASECAMPAPI.com", "user:pw@3.basecampapi.com"]
)
async def test_same_origin_spelled_differently_is_followed(runner: Runner, host: str) -> None:
    with respx.mock(assert_all_called=False) as mock:
        second = mock.get(f"{BASE_URL}/999/items.json", params={"page": "2"}).respond(json=[2])
        mock.get(f"{BASE_URL}/999/items.json").respond(
            json=[1], headers={"Link": f'<https://{host}/999/items.json?page=2>; rel="next"'}
        )
        result = await runner.call(runner.account().paginate("/items.json"))
        assert result == [1, 2]
        sent = second.calls.last.request
        assert sent.url.host == "3.basecampapi.com"
        assert sent.headers["Authorization"].startswith("Bearer ")


async def test_looping_next_link_ends_walk(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(
        loopback,
        [[1], [2], [3], [4]],
        link=lambda n: f'<{loopback.url}{PATH}?page={n + 1 if n < 3 else 2}>; rel="next"',
    )
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result == [1, 2, 3]
    assert result.meta.truncated is False
    assert fetched_pages(loopback) == [1, 2, 3]


async def test_self_link_ends_walk(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    def answer(seen: Seen) -> Reply:
        return Reply(200, [1], {"Link": f'<{seen.path}>; rel="next"'})

    loopback.route(PATH, answer)
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result == [1]
    assert len(loopback.seen(PATH)) == 1


async def test_max_pages_truncates(runner: Runner, loopback: Loopback) -> None:
    serve_pages(loopback, [[n] for n in range(1, 50)], total=49)
    config = Config(base_url=loopback.url, max_pages=3)
    result = await runner.call(runner.account(config=config).paginate("/items.json"))
    assert result == [1, 2, 3]
    assert result.meta.truncated is True
    assert result.meta.pages == 3
    assert result.meta.total_count == 49
    assert fetched_pages(loopback) == [1, 2, 3]


@pytest.mark.parametrize(
    ("max_items", "expected", "requests", "truncated"),
    [
        (1, [1], 1, True),
        (3, [1, 2, 3], 1, True),  # exactly one full page, more pages exist
        (4, [1, 2, 3, 4], 2, True),
        (9, list(range(1, 10)), 3, False),
        (100, list(range(1, 10)), 3, False),
    ],
)
async def test_max_items(
    runner: Runner,
    loopback: Loopback,
    loop_config: Config,
    max_items: int,
    expected: list[int],
    requests: int,
    truncated: bool,
) -> None:
    serve_pages(loopback, [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    account = runner.account(config=loop_config)
    result = await runner.call(account.paginate("/items.json", max_items=max_items))
    assert result == expected
    assert result.meta.truncated is truncated
    assert len(loopback.seen(PATH)) == requests


async def test_explicit_page_follows_no_links(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]], total=5)
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json", page=2))
    assert result == [3, 4]
    # Page 2 links to page 3: the caller holds only part of the list.
    assert result.meta == ListMeta(total_count=5, truncated=True, pages=1)
    assert fetched_pages(loopback) == [2]


async def test_explicit_last_page_is_not_truncated(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]], total=5)
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json", page=3))
    assert result == [5]
    assert result.meta == ListMeta(total_count=5, truncated=False, pages=1)
    assert fetched_pages(loopback) == [3]


async def test_explicit_page_fetches_exactly_that_page(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(loopback, [[1], [2], [3]])
    account = runner.account(config=loop_config)
    result = await runner.call(account.paginate("/items.json", {"page": 1}, page=2))
    assert result == [2]
    assert result.meta.truncated is True
    assert fetched_pages(loopback) == [2]  # the page= argument wins over a page parameter


async def test_empty_next_link_is_skipped_for_a_later_one(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(
        loopback, [[1], [2]], link=lambda n: f'<>; rel="next", <{PATH}?page={n + 1}>; rel="next"'
    )
    result = await runner.call(runner.account(config=loop_config).paginate("/items.json"))
    assert result == [1, 2]
    assert fetched_pages(loopback) == [1, 2]


async def test_explicit_page_with_max_items(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    serve_pages(loopback, [[1, 2], [3, 4]])
    account = runner.account(config=loop_config)
    result = await runner.call(account.paginate("/items.json", page=2, max_items=1))
    assert result == [3]
    assert result.meta.truncated is True


@pytest.mark.parametrize(
    "kwargs",
    [{"page": 0}, {"page": -1}, {"page": True}, {"max_items": 0}, {"max_items": 1.5}],
)
async def test_bad_limits(runner: Runner, api: respx.MockRouter, kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        await runner.call(runner.account().paginate("/items.json", **kwargs))
    assert not api.calls


async def test_non_list_page_is_api_error(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    loopback.route(PATH, Reply(200, {"items": []}))
    with pytest.raises(ApiError, match="JSON array"):
        await runner.call(runner.account(config=loop_config).paginate("/items.json"))


async def test_error_on_second_page_raises(
    runner: Runner, loopback: Loopback, loop_config: Config
) -> None:
    def answer(seen: Seen) -> Reply:
        if page_of(seen) == 1:
            return Reply(200, [1], {"Link": f'<{PATH}?page=2>; rel="next"'})
        return Reply(404, {"error": "gone"})

    loopback.route(PATH, answer)
    with pytest.raises(Exception, match="gone"):
        await runner.call(runner.account(config=loop_config).paginate("/items.json"))


async def test_on_paginate_hook(
    runner: Runner, loopback: Loopback, loop_config: Config, recording_hooks: RecordingHooks
) -> None:
    serve_pages(loopback, [[1], [2], [3]])
    account = runner.account(config=loop_config, hooks=recording_hooks)
    await runner.call(account.paginate("/items.json"))
    pages = recording_hooks.named("paginate")
    assert [p[1] for p in pages] == [2, 3]
    assert pages[0][0] == f"{loopback.url}{PATH}?page=2"
    assert recording_hooks.names().count("operation_start") == 1
    assert recording_hooks.names().count("operation_end") == 1
    assert recording_hooks.names().count("request_start") == 3


# -- the lazy pager ---------------------------------------------------------------------------


async def test_iterate_items(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]], total=5)
    pager = runner.account(config=loop_config).iterate("/items.json")
    assert isinstance(pager, AsyncPager if runner.is_async else Pager)
    assert pager.meta == ListMeta()
    assert await runner.collect(pager) == [1, 2, 3, 4, 5]
    assert pager.meta == ListMeta(total_count=5, truncated=False, pages=3)


async def test_iterate_pages(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]])
    pager = runner.account(config=loop_config).iterate("/items.json", max_items=3)
    assert await runner.collect(pager.pages()) == [[1, 2], [3]]
    assert pager.meta.truncated is True


async def test_iterate_is_lazy(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1, 2], [3, 4], [5]])
    pager = runner.account(config=loop_config).iterate("/items.json")
    assert loopback.seen(PATH) == []  # nothing sent until iteration starts
    if runner.is_async:
        pages = pager.pages()
        first = await pages.__anext__()
        assert first == [1, 2]
        assert len(loopback.seen(PATH)) == 1  # one page held, the next not fetched yet
        second = await pages.__anext__()
        await pages.aclose()
    else:
        pages = pager.pages()
        first = next(pages)
        assert first == [1, 2]
        assert len(loopback.seen(PATH)) == 1
        second = next(pages)
        pages.close()
    assert second == [3, 4]
    assert len(loopback.seen(PATH)) == 2
    assert pager.meta.pages == 2


async def test_iterate_restarts(runner: Runner, loopback: Loopback, loop_config: Config) -> None:
    serve_pages(loopback, [[1], [2]])
    pager = runner.account(config=loop_config).iterate("/items.json", {"a": True})
    assert await runner.collect(pager) == [1, 2]
    assert await runner.collect(pager) == [1, 2]
    assert parse_qs(urlsplit(loopback.seen(PATH)[0].path).query) == {"a": ["true"]}


async def test_iterate_bad_max_items(runner: Runner) -> None:
    with pytest.raises(UsageError):
        runner.account().iterate("/items.json", max_items=0)
