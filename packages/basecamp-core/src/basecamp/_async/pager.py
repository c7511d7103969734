"""Walking paginated lists: the lazy `AsyncPager` and the eager `collect_list`.

This module is the source of truth for `basecamp/_sync/pager.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.

Which link to follow, when to stop and what `meta` says are decided by `PageWalk`
(`basecamp._pagination`, pure); this module only fetches the pages it names.
"""

from __future__ import annotations

# unasync: remove-start
import asyncio

# unasync: remove-end
# unasync: sync import itertools
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import urlencode

from .._errors import UsageError
from .._pagination import ListMeta, ListResult, PageWalk, find_next_link, parse_total_count
from .._report import NO_REPORT, AnyReport, report
from .._response import expect_list

if TYPE_CHECKING:
    from ..hooks import OperationInfo
    from .engine import AsyncEngine

__all__ = ["AsyncPager", "check_count", "collect_list"]

T = TypeVar("T")


def check_count(name: str, value: object) -> int | None:
    """`value` when it is `None` or a whole number of at least 1, else `UsageError`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name} must be a whole number of at least 1.")
    return value


class AsyncPager(Generic[T]):
    """A lazy, page-by-page walk through a list. Memory holds one page at a time.

    Iterate it for items (`async for item in pager`), or call `pages()` for whole pages. After
    (or during) the walk, `meta` tells the total count and whether the walk was truncated.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        url: str,
        params: list[tuple[str, str]],
        *,
        max_items: int | None = None,
        items_key: str | None = None,
        info: OperationInfo | None = None,
        report_to: AnyReport | None = None,
    ) -> None:
        self._engine = engine
        # The operation around this walk, when it is not the walk itself (`collect_list`).
        self._report_to = report_to
        self._url = url
        self._params = params
        self._max_items = check_count("max_items", max_items)
        self._items_key = items_key
        self._info = info
        self._walk: PageWalk | None = None

    @property
    def meta(self) -> ListMeta:
        """The `ListMeta` of the walk so far (`total_count`, `truncated`, `pages`)."""
        return self._walk.meta() if self._walk is not None else ListMeta()

    def _start(self) -> tuple[PageWalk, str]:
        config = self._engine.config
        first_url = f"{self._url}?{urlencode(self._params)}" if self._params else self._url
        walk = PageWalk(
            first_url=first_url,
            base_url=config.base_url,
            max_pages=config.max_pages,
            max_items=self._max_items,
        )
        self._walk = walk
        return walk, first_url

    async def _walk_from(
        self, walk: PageWalk, url: str | None, *, report_to: AnyReport | None = None
    ) -> AsyncGenerator[list[T], None]:
        engine = self._engine
        hooks = engine.hooks
        report_to = report_to or self._report_to
        # A lazy walk is one operation for the hooks: from its first page to its end (or the
        # caller's `break`, which is not an error), unless it runs inside one (`report_to`).
        with NO_REPORT if report_to is not None else report(hooks, self._info) as rep:
            if report_to is not None:
                rep = report_to
            while url is not None:
                if walk.pages and hooks is not None:
                    from ..hooks import safe_call  # with the first hook, not with the client

                    safe_call(hooks.on_paginate, url, walk.pages + 1)
                reply = await engine._request("GET", url, idempotent=True)
                if reply.from_cache is not None:
                    rep.note(reply.from_cache)
                items = expect_list(reply.json(), "list response", key=self._items_key)
                kept = walk.take(len(items))
                url = walk.advance(
                    link_header=reply.headers.get("link"),
                    total_count=reply.headers.get("x-total-count"),
                    current_url=url,
                )
                yield cast(list[T], items[:kept] if kept < len(items) else items)

    def pages(self) -> AsyncGenerator[list[T], None]:
        """Yield each page's items as a list, following `Link: rel="next"`."""
        walk, first_url = self._start()
        return self._walk_from(walk, first_url)

    # unasync: remove-start
    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page:
                yield item

    # unasync: remove-end
    # unasync: sync def __iter__(self) -> Iterator[T]:
    # unasync: sync     # Items flow through C: a generator here would resume once per item.
    # unasync: sync     return itertools.chain.from_iterable(self.pages())

    async def collect(
        self,
        # unasync: remove-start
        *,
        concurrency: int = 1,
        # unasync: remove-end
    ) -> ListResult[T]:
        # unasync: remove-start
        """Fetch every page and return the items as one `ListResult`.

        Args:
            concurrency: With more than 1, fetch pages 2..N concurrently by page number (at most
                this many in flight), once the first page's `X-Total-Count` tells how many
                there are. Items keep their order. Without a total count it walks the links.
        """
        # unasync: remove-end
        # unasync: sync """Fetch every page and return the items as one `ListResult`."""
        # unasync: remove-start
        if check_count("concurrency", concurrency) != 1:
            return await self._collect_concurrently(concurrency)
        # unasync: remove-end
        items: list[T] = []
        async for page in self.pages():
            items.extend(page)
        return ListResult(items, self.meta)

    # unasync: remove-start
    async def _collect_concurrently(self, concurrency: int) -> ListResult[T]:
        engine = self._engine
        with report(engine.hooks, self._info) as rep:  # one operation, all pages inside it
            walk, first_url = self._start()
            pages = self._walk_from(walk, first_url, report_to=rep)
            items = list(await anext(pages))
            total, per_page = walk.total_count, len(items)
            if total is None or per_page == 0 or total <= per_page or walk.truncated:
                async for page in pages:  # no usable total: follow the links instead
                    items.extend(page)
                return ListResult(items, walk.meta())
            await pages.aclose()
            available = -(-total // per_page)
            last = min(available, engine.config.max_pages)
            if self._max_items is not None:
                last = min(last, -(-self._max_items // per_page))
            semaphore = asyncio.Semaphore(concurrency)
            hooks = engine.hooks

            async def fetch(number: int) -> list[T]:
                params = [*self._params, ("page", str(number))]
                async with semaphore:
                    if hooks is not None:
                        from ..hooks import safe_call

                        safe_call(hooks.on_paginate, f"{self._url}?{urlencode(params)}", number)
                    reply = await engine._request("GET", self._url, params=params, idempotent=True)
                if reply.from_cache is not None:
                    rep.note(reply.from_cache)
                page = expect_list(reply.json(), "list response", key=self._items_key)
                return cast(list[T], page)

            for page in await asyncio.gather(*(fetch(n) for n in range(2, last + 1))):
                kept = walk.take(len(page))
                items.extend(page[:kept])
            if last < available:
                walk.truncated = True
            return ListResult(items, walk.meta())

    # unasync: remove-end
    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self._url!r})"


async def collect_list(
    engine: AsyncEngine,
    url: str,
    params: list[tuple[str, str]],
    *,
    max_items: int | None,
    page: int | None,
    items_key: str | None,
    info: OperationInfo | None,
) -> ListResult[Any]:
    """Every page of a list as one `ListResult`, or with `page` exactly that page (no links
    followed; `meta.truncated` when `max_items` cut it)."""
    with report(engine.hooks, info) as rep:
        if check_count("page", page) is None:
            pager: AsyncPager[Any] = AsyncPager(
                engine, url, params, max_items=max_items, items_key=items_key, report_to=rep
            )
            return await pager.collect()
        limit = check_count("max_items", max_items)
        params = [*(p for p in params if p[0] != "page"), ("page", str(page))]
        reply = await engine._request("GET", url, params=params, idempotent=True)
        if reply.from_cache is not None:
            rep.note(reply.from_cache)
        items = expect_list(reply.json(), "list response", key=items_key)
        truncated = limit is not None and len(items) > limit
        # More pages exist past this one: the caller did not get the whole list.
        truncated = truncated or find_next_link(reply.headers.get("link")) is not None
        meta = ListMeta(
            total_count=parse_total_count(reply.headers.get("x-total-count")),
            truncated=truncated,
            pages=1,
        )
        return ListResult(items[:limit] if truncated else items, meta)
