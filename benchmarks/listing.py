"""Scenario 2: listing pages of 15 projects, eager and lazy, sync and async.

SDK: `account.projects.list()` (eager `ListResult`, at 200 pages) and
`account.projects.iter_list()` (lazy `Pager`, at 20, 200 and 2,000 pages). Baseline: an
`httpx.Client` with the same headers that GETs each page, checks the status, decodes the JSON
and follows `response.links["next"]` by hand; eagerly into one list, or lazily from a
generator. Repetitions alternate SDK and baseline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx

from ._common import ACCOUNT_ID, Context, Row, Stat, paired_ratio, sdk_headers

EAGER_TARGET = 1.15
LAZY_TARGET = 1.05
PER_PAGE = 15
# (pages, repetitions): fewer repetitions for the long walks keep the whole run short.
LAZY_SIZES = ((20, 25), (200, 9), (2000, 5))
SMOKE_SIZES = ((3, 2), (5, 2))
EAGER_PAGES = 200


def raw_pages(http: httpx.Client, url: str | None) -> Iterator[list[Any]]:
    """Yield each page's items, following `Link: rel="next"` by hand."""
    while url:
        response = http.get(url)
        response.raise_for_status()
        yield response.json()
        url = response.links.get("next", {}).get("url")


async def raw_pages_async(http: httpx.AsyncClient, url: str | None) -> AsyncIterator[list[Any]]:
    """The async twin of `raw_pages`."""
    while url:
        response = await http.get(url)
        response.raise_for_status()
        yield response.json()
        url = response.links.get("next", {}).get("url")


def _row(case: str, target: float, sdk: list[float], raw: list[float]) -> Row:
    ratio, spread = paired_ratio(sdk, raw)
    return Row(
        scenario=2,
        case=case,
        value=ratio,
        value_range=spread,
        target=target,
        sdk=Stat.of([t * 1000 for t in sdk], "ms"),
        baseline=Stat.of([t * 1000 for t in raw], "ms"),
    )


def _alternate(cases: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for rep in range(reps):
        for name in names if rep % 2 == 0 else reversed(names):
            started = time.perf_counter()
            cases[name]()
            times[name].append(time.perf_counter() - started)
    return times


async def _alternate_async(
    cases: dict[str, Callable[[], Awaitable[object]]], reps: int
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for rep in range(reps):
        for name in names if rep % 2 == 0 else reversed(names):
            started = time.perf_counter()
            await cases[name]()
            times[name].append(time.perf_counter() - started)
    return times


def run(ctx: Context) -> None:
    sizes = SMOKE_SIZES if ctx.smoke else LAZY_SIZES
    eager_pages = sizes[-1][0] if ctx.smoke else EAGER_PAGES
    for pages, reps in sizes:
        _run_size(ctx, pages, reps, eager=pages == eager_pages)


def _run_size(ctx: Context, pages: int, reps: int, *, eager: bool) -> None:
    per_page = PER_PAGE
    total = pages * per_page
    ctx.server.configure(pages=pages, per_page=per_page)
    first = f"{ctx.account_url}/projects.json"
    forms = "eager and lazy" if eager else "lazy"
    ctx.log(f"  {pages} pages x {per_page} items, {forms}, {reps} alternating repetitions")

    # -- sync ----------------------------------------------------------------------------------
    with ctx.sync_client() as client, httpx.Client(headers=sdk_headers()) as http:
        projects = client.for_account(ACCOUNT_ID).projects

        def sdk_eager() -> None:
            assert len(projects.list()) == total

        def raw_eager() -> None:
            items: list[Any] = []
            for page in raw_pages(http, first):
                items.extend(page)
            assert len(items) == total

        def sdk_lazy() -> None:
            assert sum(1 for _ in projects.iter_list()) == total

        def raw_lazy() -> None:
            assert sum(1 for page in raw_pages(http, first) for _ in page) == total

        assert projects.list() == [item for page in raw_pages(http, first) for item in page]
        cases: dict[str, Callable[[], object]] = {"sl": sdk_lazy, "rl": raw_lazy}
        if eager:
            cases = {"se": sdk_eager, "re": raw_eager, **cases}
        times = _alternate(cases, reps)
    if eager:
        ctx.add(_row("sync eager list() (ListResult)", EAGER_TARGET, times["se"], times["re"]))
    ctx.add(
        _row(f"sync lazy iter_list() (Pager), {pages} pages", LAZY_TARGET, times["sl"], times["rl"])
    )

    # -- async ---------------------------------------------------------------------------------
    async def main() -> dict[str, list[float]]:
        async with (
            ctx.async_client() as client,
            httpx.AsyncClient(headers=sdk_headers()) as http,
        ):
            projects = client.for_account(ACCOUNT_ID).projects

            async def sdk_eager() -> None:
                assert len(await projects.list()) == total

            async def raw_eager() -> None:
                items: list[Any] = []
                async for page in raw_pages_async(http, first):
                    items.extend(page)
                assert len(items) == total

            async def sdk_lazy() -> None:
                count = 0
                async for _ in projects.iter_list():
                    count += 1
                assert count == total

            async def raw_lazy() -> None:
                count = 0
                async for page in raw_pages_async(http, first):
                    for _ in page:
                        count += 1
                assert count == total

            await sdk_eager()
            await raw_eager()
            cases: dict[str, Callable[[], Awaitable[object]]] = {"sl": sdk_lazy, "rl": raw_lazy}
            if eager:
                cases = {"se": sdk_eager, "re": raw_eager, **cases}
            return await _alternate_async(cases, reps)

    times = asyncio.run(main())
    if eager:
        ctx.add(_row("async eager list() (ListResult)", EAGER_TARGET, times["se"], times["re"]))
    ctx.add(
        _row(
            f"async lazy iter_list() (AsyncPager), {pages} pages",
            LAZY_TARGET,
            times["sl"],
            times["rl"],
        )
    )
