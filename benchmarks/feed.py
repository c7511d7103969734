"""Scenario 10: following the event feed, 10,000 events in pages of 100, sync and async.

SDK: `account.event_feed.follow(since=0, stop_when_idle=True)` with a `MemoryCheckpointStore`,
counting the events; every page is parsed, checked for id order and checkpointed after it is
processed. Baseline: a hand-written httpx loop over the same pages: GET, `raise_for_status()`,
`json()`, count the events, keep the `position`, follow `next`. Repetitions alternate the two.
A third side, the same loop over the SDK's own `account.get(next)`, tells the follower's cost
apart from the client's per-request cost (an info row). Memory: peak RSS growth of the sync
follower over 1,000 and 10,000 events, each in a fresh process (`benchmarks._child`); target
flat, at most 3 MB at either size.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from ._common import ACCOUNT_ID, Context, Row, Stat, paired_ratio, run_child, sdk_headers

TARGET = 1.10
MEMORY_TARGET_MB = 3.0


def _row(
    case: str, sdk: list[float], raw: list[float], events: int, label: str = "raw httpx"
) -> Row:
    ratio, spread = paired_ratio(sdk, raw)
    return Row(
        scenario=10,
        case=case,
        value=ratio,
        value_range=spread,
        target=TARGET,
        sdk=Stat.of([events / t for t in sdk], "ev/s"),
        baseline=Stat.of([events / t for t in raw], "ev/s"),
        baseline_label=label,
        notes=["SDK and baseline columns are events per second"],
    )


def _info(case: str, times: dict[str, list[float]], events: int) -> Row:
    """The follower against the same loop over `account.get`: its own cost, no target."""
    row = _row(case, times["sdk"], times["core"], events, "SDK account.get loop")
    row.target = None
    return row


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
    from basecamp.services import MemoryCheckpointStore

    events = 300 if ctx.smoke else 10_000
    reps = 2 if ctx.smoke else 15
    ctx.server.configure(events=events)
    first = f"{ctx.account_url}/events.json?since=0"
    ctx.log(f"  {events} events in pages of 100, {reps} alternating repetitions")

    # -- sync ----------------------------------------------------------------------------------
    with ctx.sync_client() as client, httpx.Client(headers=sdk_headers()) as http:
        feed = client.for_account(ACCOUNT_ID).event_feed

        def sdk() -> None:
            follower = feed.follow(since=0, store=MemoryCheckpointStore(), stop_when_idle=True)
            count = sum(1 for _ in follower)
            assert count == events, count
            assert follower.checkpoint is not None
            assert follower.checkpoint.last_id == events

        def raw() -> None:
            count, url, position = 0, first, None
            while url:
                response = http.get(url)
                response.raise_for_status()
                page = response.json()
                for _ in page["events"]:
                    count += 1
                position = page["position"]
                url = page.get("next")
            assert count == events
            assert position == f"p{events}"

        account = client.for_account(ACCOUNT_ID)

        def core() -> None:
            count, url = 0, first
            while url:
                page = account.get(url)
                assert isinstance(page, dict)
                for _ in page["events"]:
                    count += 1
                url = page.get("next")
            assert count == events

        sdk()
        raw()
        core()
        times = _alternate({"sdk": sdk, "raw": raw, "core": core}, reps)
    ctx.add(_row(f"sync follow(), {events} events", times["sdk"], times["raw"], events))
    ctx.add(_info(f"sync follow() vs a loop of account.get(), {events} events", times, events))

    # -- async ---------------------------------------------------------------------------------
    async def main() -> dict[str, list[float]]:
        async with (
            ctx.async_client() as client,
            httpx.AsyncClient(headers=sdk_headers()) as http,
        ):
            feed = client.for_account(ACCOUNT_ID).event_feed

            async def sdk() -> None:
                follower = feed.follow(since=0, store=MemoryCheckpointStore(), stop_when_idle=True)
                count = 0
                async for _ in follower:
                    count += 1
                assert count == events, count

            async def raw() -> None:
                count, url = 0, first
                while url:
                    response = await http.get(url)
                    response.raise_for_status()
                    page = response.json()
                    for _ in page["events"]:
                        count += 1
                    url = page.get("next")
                assert count == events

            async def core() -> None:
                count, url = 0, first
                while url:
                    page = await account.get(url)
                    assert isinstance(page, dict)
                    for _ in page["events"]:
                        count += 1
                    url = page.get("next")
                assert count == events

            account = client.for_account(ACCOUNT_ID)
            await sdk()
            await raw()
            await core()
            return await _alternate_async({"sdk": sdk, "raw": raw, "core": core}, reps)

    times = asyncio.run(main())
    ctx.add(_row(f"async follow(), {events} events", times["sdk"], times["raw"], events))
    ctx.add(_info(f"async follow() vs a loop of account.get(), {events} events", times, events))

    # -- memory --------------------------------------------------------------------------------
    for size in (200, 500) if ctx.smoke else (1_000, 10_000):
        ctx.server.configure(events=size)
        growth = [
            run_child(["feed", "sdk-follow", ctx.origin, str(size)])["growth_kb"] / 1024
            for _ in range(1 if ctx.smoke else 2)
        ]
        stat = Stat.of(growth, "MB")
        ctx.add(
            Row(
                scenario=10,
                case=f"follow(), {size} events: peak RSS growth",
                value=stat.high,
                unit="MB",
                target=MEMORY_TARGET_MB,
                sdk=stat,
                notes=["value is the worst repetition"],
            )
        )
    ctx.server.configure(events=10_000)
