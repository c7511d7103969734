"""Scenario 11: HTTP caching, re-listing unchanged pages and the memory bound of `MemoryCache`.

- Re-listing 200 unchanged pages x 15 projects, sync and async: `account.projects.list()` on a
  client with `cache=MemoryCache()` whose entries are warm (every page comes back `304 Not
  Modified`, served from the cache) vs the raw httpx baseline of scenario 2 re-fetching every
  page in full. 9 alternating repetitions. Target: at most 1/3 of the time (3x faster).
- Bytes received for one re-list, counted by the server (status line, headers, body): cached
  SDK / raw httpx. Target: at most 0.1x (10x fewer).
- The bound at 10,000 entries: 20,000 page-like entries (2 KB bodies, 7 headers, all values
  distinct objects as httpx would hand them over) stored in `MemoryCache(max_entries=10_000)`
  and in `MemoryCache(max_bytes=8 MiB)`: what it holds, and the memory traced by `tracemalloc`
  against the bytes it counts (target: at most 1.0x, so `max_bytes` bounds real memory).
"""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import httpx

from ._common import ACCOUNT_ID, TOKEN, Context, Row, Stat, paired_ratio, sdk_headers
from .listing import _alternate, _alternate_async, raw_pages, raw_pages_async

RELIST_TARGET = 0.33  # 3x faster, rounded to the stricter side
BYTES_TARGET = 0.1
ENTRIES = 10_000
BYTE_BOUND = 8 * 1024 * 1024
LINK_MBPS = 20.0
LINK_LATENCY_MS = 20.0


def _row(case: str, sdk: list[float], raw: list[float], target: float | None) -> Row:
    ratio, spread = paired_ratio(sdk, raw)
    return Row(
        scenario=11,
        case=case,
        value=ratio,
        value_range=spread,
        target=target,
        sdk=Stat.of([t * 1000 for t in sdk], "ms"),
        baseline=Stat.of([t * 1000 for t in raw], "ms"),
        baseline_label="raw httpx, full re-fetch",
    )


def _sync(
    ctx: Context, pages: int, reps: int, link: dict[str, float]
) -> tuple[list[float], list[float], int, int]:
    """Timings of a cached re-list and a raw re-fetch over `link` (the server's latency and
    bandwidth, set once the cache is warm), and the bytes each received once."""
    from basecamp import Client, Config, MemoryCache

    total = pages * 15
    first = f"{ctx.account_url}/projects.json"
    cache = MemoryCache()
    with (
        Client(access_token=TOKEN, config=Config(base_url=ctx.origin), cache=cache) as client,
        httpx.Client(headers=sdk_headers()) as http,
    ):
        projects = client.for_account(ACCOUNT_ID).projects
        warm = projects.list()  # every page stored with its validator
        assert len(cache) == pages

        def sdk_cached() -> None:
            assert len(projects.list()) == total

        def raw_refetch() -> None:
            items: list[Any] = []
            for page in raw_pages(http, first):
                items.extend(page)
            assert len(items) == total

        again = projects.list()
        assert list(again) == list(warm)
        assert again.meta == warm.meta
        assert again.meta.total_count == total
        assert again.meta.pages == pages
        ctx.server.configure(**link)
        ctx.server.sent_bytes()  # start the count here
        sdk_cached()
        sdk_bytes = ctx.server.sent_bytes()
        raw_refetch()
        raw_bytes = ctx.server.sent_bytes()
        times = _alternate({"sdk": sdk_cached, "raw": raw_refetch}, reps)
    return times["sdk"], times["raw"], sdk_bytes, raw_bytes


def _async(
    ctx: Context, pages: int, reps: int, link: dict[str, float]
) -> tuple[list[float], list[float]]:
    from basecamp import AsyncClient, Config, MemoryCache

    total = pages * 15
    first = f"{ctx.account_url}/projects.json"

    async def main() -> dict[str, list[float]]:
        async with (
            AsyncClient(
                access_token=TOKEN, config=Config(base_url=ctx.origin), cache=MemoryCache()
            ) as client,
            httpx.AsyncClient(headers=sdk_headers()) as http,
        ):
            projects = client.for_account(ACCOUNT_ID).projects
            warm = await projects.list()

            async def sdk_cached() -> None:
                assert len(await projects.list()) == total

            async def raw_refetch() -> None:
                items: list[Any] = []
                async for page in raw_pages_async(http, first):
                    items.extend(page)
                assert len(items) == total

            assert list(await projects.list()) == list(warm)
            ctx.server.configure(**link)
            return await _alternate_async({"sdk": sdk_cached, "raw": raw_refetch}, reps)

    times = asyncio.run(main())
    return times["sdk"], times["raw"]


def _relist(ctx: Context) -> None:
    pages = 5 if ctx.smoke else 200
    reps = 2 if ctx.smoke else 5
    slow_reps = 1 if ctx.smoke else 3
    loopback_link = {"latency_ms": 0.0, "bandwidth_mbps": 0.0}
    link = {"latency_ms": 0.0, "bandwidth_mbps": LINK_MBPS}
    far_link = {"latency_ms": LINK_LATENCY_MS, "bandwidth_mbps": LINK_MBPS}
    ctx.server.configure(pages=pages, per_page=15, **loopback_link)
    ctx.log(f"  {pages} pages x 15 items, loopback: {reps} alternating repetitions")
    sdk, raw, sdk_bytes, raw_bytes = _sync(ctx, pages, reps, loopback_link)
    loopback = _row(f"sync re-list {pages} unchanged pages, loopback", sdk, raw, None)
    loopback.notes.append(
        "loopback sends a 28 KB page as fast as a 304, and both sides decode the same JSON: "
        "no time to save here; the saving is on the wire (the bytes row) and on real links"
    )
    ctx.add(loopback)
    ctx.add(
        Row(
            scenario=11,
            case=f"bytes received re-listing {pages} pages, cached",
            value=sdk_bytes / raw_bytes,
            target=BYTES_TARGET,
            sdk=Stat.of([sdk_bytes / 1024], "KB"),
            baseline=Stat.of([raw_bytes / 1024], "KB"),
            baseline_label="raw httpx, full re-fetch",
        )
    )

    ctx.log(f"  a {LINK_MBPS:g} Mbit/s link: {slow_reps} alternating repetitions")
    sdk, raw, _, _ = _sync(ctx, pages, slow_reps, link)
    ctx.add(_row(f"sync re-list {pages} pages, {LINK_MBPS:g} Mbit/s", sdk, raw, RELIST_TARGET))
    ctx.server.configure(**loopback_link)
    sdk, raw = _async(ctx, pages, slow_reps, link)
    ctx.add(_row(f"async re-list {pages} pages, {LINK_MBPS:g} Mbit/s", sdk, raw, RELIST_TARGET))

    few = 2 if ctx.smoke else 20
    ctx.server.configure(pages=few, **loopback_link)
    sdk, raw, _, _ = _sync(ctx, few, slow_reps, far_link)
    far = _row(
        f"sync re-list {few} pages, {LINK_MBPS:g} Mbit/s + {LINK_LATENCY_MS:g} ms a request",
        sdk,
        raw,
        None,
    )
    far.notes.append("both sides wait out each round trip: the cache saves the body, not the trip")
    ctx.add(far)
    ctx.server.configure(**loopback_link)


def _page_entry(number: int) -> Any:
    from basecamp._cache import entry_from_response

    # Every value its own object, as decoded from the wire; the body a distinct 2 KB.
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("X-Total-Count", str(30_000 + number % 7)),
        ("Link", f'<http://127.0.0.1:40000/999/projects.json?page={number + 1}>; rel="next"'),
        ("ETag", f'W/"{number:032x}"'),
        ("Last-Modified", f"Tue, 01 Dec 2026 10:{number % 60:02d}:00 GMT"),
        ("Cache-Control", "max-age=0, private, " + "must-revalidate"[: 15 - number % 2]),
        ("X-Request-Id", f"req-{number:024d}"),
    ]
    return entry_from_response(200, headers, b"%08d" % number + b"x" * 2040)


def _fill(store: Any, count: int) -> int:
    """Store `count` entries; return the memory the store holds afterwards (traced)."""
    from basecamp._cache import cache_key, credential_identity

    identity = credential_identity(TOKEN)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(count):
            url = f"http://127.0.0.1:40000/999/projects.json?page={number}"
            store.set(cache_key(identity, url), _page_entry(number))
            assert len(store) <= store.max_entries
            assert store.size <= store.max_bytes
        held: int = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return held


def _bound(ctx: Context) -> None:
    from basecamp import MemoryCache

    entries = 500 if ctx.smoke else ENTRIES
    stored = 2 * entries
    by_count = MemoryCache(max_entries=entries, max_bytes=1 << 40)
    traced = _fill(by_count, stored)
    assert len(by_count) == entries
    ctx.add(
        Row(
            scenario=11,
            case=f"MemoryCache(max_entries={entries:,}) after {stored:,} stores: traced / counted",
            value=traced / by_count.size,
            target=1.0,
            sdk=Stat.of([traced / 2**20], "MB"),
            baseline=Stat.of([by_count.size / 2**20], "MB"),
            baseline_label=f"counted, {len(by_count):,} entries held",
        )
    )
    bound = BYTE_BOUND // (20 if ctx.smoke else 1)
    by_bytes = MemoryCache(max_entries=10 * stored, max_bytes=bound)
    traced = _fill(by_bytes, stored)
    ctx.add(
        Row(
            scenario=11,
            case=f"MemoryCache(max_bytes={bound / 2**20:g} MB) after {stored:,} stores",
            value=traced / 2**20,
            unit="MB",
            target=bound / 2**20,
            sdk=Stat.of([traced / 2**20], "MB"),
            notes=[f"{len(by_bytes):,} entries held; the value is the memory traced"],
        )
    )


def run(ctx: Context) -> None:
    _relist(ctx)
    _bound(ctx)
