"""Scenario 1: per-request overhead of sequential GETs and POSTs, sync and async.

GET: `account.projects.get(project_id=1)` (a ~2 KB project) vs an `httpx.Client` with the same
headers doing `get` + `raise_for_status()` + `json()`. POST: `account.projects.create(name=...)`
(answered `201` with the project) vs `post(url, json={...})` + `raise_for_status()` + `json()`.
Both run in this one process on one keep-alive connection, alternating in blocks (ABBA order)
so that drift cancels out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from ._common import ACCOUNT_ID, Context, Row, Stat, paired_ratio, sdk_headers

TARGET = 1.05
POST_TARGET = 1.05
POST_BODY = {"name": "The launch plan"}


def _alternate(
    sdk: Callable[[], object], raw: Callable[[], object], blocks: int
) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    clock = time.perf_counter
    for block in range(blocks):
        order = [(sdk, sdk_times), (raw, raw_times)]
        if block % 2:
            order.reverse()
        for function, times in order:
            started = clock()
            function()
            times.append(clock() - started)
    return sdk_times, raw_times


async def _alternate_async(
    sdk: Callable[[], Awaitable[object]], raw: Callable[[], Awaitable[object]], blocks: int
) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    clock = time.perf_counter
    for block in range(blocks):
        order = [(sdk, sdk_times), (raw, raw_times)]
        if block % 2:
            order.reverse()
        for function, times in order:
            started = clock()
            await function()
            times.append(clock() - started)
    return sdk_times, raw_times


def _row(
    case: str, sdk: list[float], raw: list[float], per_block: int, target: float = TARGET
) -> Row:
    per_request_sdk = [t / per_block * 1e6 for t in sdk]
    per_request_raw = [t / per_block * 1e6 for t in raw]
    ratio, spread = paired_ratio(per_request_sdk, per_request_raw)
    return Row(
        scenario=1,
        case=case,
        value=ratio,
        value_range=spread,
        target=target,
        sdk=Stat.of(per_request_sdk, "us/req"),
        baseline=Stat.of(per_request_raw, "us/req"),
    )


def run(ctx: Context) -> None:
    blocks, per_block = (6, 20) if ctx.smoke else (40, 50)
    warmup = 20 if ctx.smoke else 300
    url = f"{ctx.account_url}/projects/1"
    create_url = f"{ctx.account_url}/projects.json"
    headers = sdk_headers()
    total = blocks * per_block
    ctx.log(f"  {total} sequential GETs per side, in {blocks} alternating blocks of {per_block}")

    # -- sync ----------------------------------------------------------------------------------
    with ctx.sync_client() as client, httpx.Client(headers=headers) as http:
        projects = client.for_account(ACCOUNT_ID).projects

        def sdk_block() -> None:
            get = projects.get
            for _ in range(per_block):
                get(project_id=1)

        def raw_block() -> None:
            get = http.get
            for _ in range(per_block):
                response = get(url)
                response.raise_for_status()
                response.json()

        assert projects.get(project_id=1) == http.get(url).json()
        for _ in range(max(1, warmup // per_block)):
            sdk_block()
            raw_block()
        sdk_times, raw_times = _alternate(sdk_block, raw_block, blocks)

        def sdk_post_block() -> None:
            create = projects.create
            for _ in range(per_block):
                create(**POST_BODY)

        def raw_post_block() -> None:
            post = http.post
            for _ in range(per_block):
                response = post(create_url, json=POST_BODY)
                response.raise_for_status()
                response.json()

        assert projects.create(**POST_BODY) == http.post(create_url, json=POST_BODY).json()
        for _ in range(max(1, warmup // per_block)):
            sdk_post_block()
            raw_post_block()
        sdk_post, raw_post = _alternate(sdk_post_block, raw_post_block, blocks)
    ctx.add(_row(f"sync GET x{total}, per request", sdk_times, raw_times, per_block))
    ctx.add(_row(f"sync POST x{total}, per request", sdk_post, raw_post, per_block, POST_TARGET))

    # -- async ---------------------------------------------------------------------------------
    async def main() -> tuple[list[float], ...]:
        async with ctx.async_client() as client, httpx.AsyncClient(headers=headers) as http:
            projects = client.for_account(ACCOUNT_ID).projects

            async def sdk_block() -> None:
                get = projects.get
                for _ in range(per_block):
                    await get(project_id=1)

            async def raw_block() -> None:
                get = http.get
                for _ in range(per_block):
                    response = await get(url)
                    response.raise_for_status()
                    response.json()

            assert await projects.get(project_id=1) == (await http.get(url)).json()
            for _ in range(max(1, warmup // per_block)):
                await sdk_block()
                await raw_block()
            sdk_times, raw_times = await _alternate_async(sdk_block, raw_block, blocks)

            async def sdk_post_block() -> None:
                create = projects.create
                for _ in range(per_block):
                    await create(**POST_BODY)

            async def raw_post_block() -> None:
                post = http.post
                for _ in range(per_block):
                    response = await post(create_url, json=POST_BODY)
                    response.raise_for_status()
                    response.json()

            created = await projects.create(**POST_BODY)
            assert created == (await http.post(create_url, json=POST_BODY)).json()
            for _ in range(max(1, warmup // per_block)):
                await sdk_post_block()
                await raw_post_block()
            sdk_post, raw_post = await _alternate_async(sdk_post_block, raw_post_block, blocks)
            return sdk_times, raw_times, sdk_post, raw_post

    sdk_times, raw_times, sdk_post, raw_post = asyncio.run(main())
    ctx.add(_row(f"async GET x{total}, per request", sdk_times, raw_times, per_block))
    ctx.add(_row(f"async POST x{total}, per request", sdk_post, raw_post, per_block, POST_TARGET))
