"""Scenario 4: async listing of 50 pages with 10 ms of server latency per request.

Sequential: `await account.projects.list()` (follows the links one page at a time).
Concurrent: `await account.projects.iter_list().collect(concurrency=N)`, which reads the first
page's `X-Total-Count` and fetches pages 2..50 by number, N at a time. Both must return the same
items in the same order (asserted on every repetition).
"""

from __future__ import annotations

import asyncio
import time

from ._common import ACCOUNT_ID, Context, Row, Stat, paired_ratio

TARGET = 0.35
CONCURRENCY = 10


def run(ctx: Context) -> None:
    pages, latency = (5, 2) if ctx.smoke else (50, 10)
    reps = 2 if ctx.smoke else 5
    ctx.server.configure(pages=pages, per_page=15, latency_ms=latency)
    ctx.log(f"  {pages} pages, {latency} ms latency, concurrency={CONCURRENCY}, {reps} repetitions")

    async def main() -> tuple[list[float], list[float]]:
        sequential: list[float] = []
        concurrent: list[float] = []
        async with ctx.async_client() as client:
            projects = client.for_account(ACCOUNT_ID).projects
            expected = await projects.list()  # warm-up, and the reference order
            assert len(expected) == pages * 15
            for rep in range(reps):
                for mode in ("seq", "con") if rep % 2 == 0 else ("con", "seq"):
                    started = time.perf_counter()
                    if mode == "seq":
                        items = await projects.list()
                    else:
                        items = await projects.iter_list().collect(concurrency=CONCURRENCY)
                    elapsed = time.perf_counter() - started
                    assert list(items) == list(expected), f"{mode}: items differ"
                    assert items.meta.total_count == expected.meta.total_count
                    (sequential if mode == "seq" else concurrent).append(elapsed)
        return sequential, concurrent

    try:
        sequential, concurrent = asyncio.run(main())
    finally:
        ctx.server.configure(latency_ms=0)
    ratio, spread = paired_ratio(concurrent, sequential)
    ctx.add(
        Row(
            scenario=4,
            case=f"collect(concurrency={CONCURRENCY}) vs sequential list(), {pages} pages",
            value=ratio,
            value_range=spread,
            target=TARGET,
            sdk=Stat.of([t * 1000 for t in concurrent], "ms"),
            baseline=Stat.of([t * 1000 for t in sequential], "ms"),
            baseline_label="SDK sequential",
            notes=["same items in the same order: asserted"],
        )
    )
