"""Scenario 5: a burst of 500 `asyncio.gather`ed GETs on a fresh async client.

SDK: a new `AsyncClient` (default `Config`, so at most `max_concurrency` = 8 requests in
flight; the rest wait at the SDK's gate) runs 500 `account.projects.get(...)` at once.
Baseline: a new `httpx.AsyncClient()` with its default limits (100 connections, 20 kept alive)
and the same headers runs 500 `get` + `raise_for_status()` + `json()` at once.

Only the gather is timed; both clients are built before and closed after. Throughput is
successful requests per second. httpx's default pool can fail part of such a burst with
`PoolTimeout` (queued requests wait longer than its 5 s pool timeout); the baseline gathers with
`return_exceptions=True`, counts only the successes, and the row notes the failures. The SDK
must complete every request. The target is SDK throughput at least 3x the baseline's.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from ._common import ACCOUNT_ID, Context, Row, Stat, sdk_headers

TARGET = 3.0


async def _sdk_burst(ctx: Context, count: int) -> float:
    async with ctx.async_client() as client:
        projects = client.for_account(ACCOUNT_ID).projects
        started = time.perf_counter()
        results = await asyncio.gather(*(projects.get(project_id=n) for n in range(count)))
        elapsed = time.perf_counter() - started
    assert len(results) == count
    assert all(r["id"] == 1 for r in results)
    return elapsed


async def _raw_burst(ctx: Context, count: int) -> tuple[float, int]:
    async with httpx.AsyncClient(headers=sdk_headers()) as http:

        async def get(number: int) -> Any:
            response = await http.get(f"{ctx.account_url}/projects/{number}")
            response.raise_for_status()
            return response.json()

        started = time.perf_counter()
        results = await asyncio.gather(*(get(n) for n in range(count)), return_exceptions=True)
        elapsed = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, BaseException)]
    if any(not isinstance(r, httpx.TimeoutException) for r in failures):
        raise next(r for r in failures if not isinstance(r, httpx.TimeoutException))
    assert all(r["id"] == 1 for r in results if not isinstance(r, BaseException))
    return elapsed, len(failures)


def run(ctx: Context) -> None:
    count = 100 if ctx.smoke else 500
    reps = 2 if ctx.smoke else 5
    ctx.log(f"  {count} gathered GETs, fresh clients, {reps} alternating repetitions")

    async def main() -> tuple[list[float], list[tuple[float, int]]]:
        sdk: list[float] = []
        raw: list[tuple[float, int]] = []
        await _sdk_burst(ctx, 20)  # warm-up: imports and the server's caches
        await _raw_burst(ctx, 20)
        for rep in range(reps):
            if rep % 2 == 0:
                sdk.append(await _sdk_burst(ctx, count))
                raw.append(await _raw_burst(ctx, count))
            else:
                raw.append(await _raw_burst(ctx, count))
                sdk.append(await _sdk_burst(ctx, count))
        return sdk, raw

    sdk, raw = asyncio.run(main())
    sdk_rate = [count / t for t in sdk]
    raw_rate = [(count - failed) / t for t, failed in raw]
    failed = [f for _, f in raw]
    notes = ["throughput counts successful requests only"]
    if any(failed):
        notes.append(
            f"httpx default pool: PoolTimeout on {sum(failed)} of {count * reps} requests "
            f"({sum(1 for f in failed if f)} of {reps} bursts)"
        )
    pairs = [a / b for a, b in zip(sdk_rate, raw_rate, strict=True)]
    sdk_stat, raw_stat = Stat.of(sdk_rate, "req/s"), Stat.of(raw_rate, "req/s")
    ctx.add(
        Row(
            scenario=5,
            case=f"{count} gathered GETs: throughput SDK / httpx default pool",
            value=sdk_stat.median / raw_stat.median,
            value_range=(min(pairs), max(pairs)),
            target=TARGET,
            higher_is_better=True,
            sdk=sdk_stat,
            baseline=raw_stat,
            baseline_label="httpx.AsyncClient() defaults",
            notes=notes,
        )
    )
