"""Scenario 6: downloading 50 MB through the two hops (API 302, then storage).

Hop 1 goes to the API with credentials and does not follow the redirect; hop 2 fetches the
`Location` with no credentials (the fake server refuses hop 2 if it carries an
`Authorization` header). Cases, SDK vs hand-written httpx doing the same two hops:

- streaming: `account.download_to(url, path)` vs `client.stream(...)` + `iter_bytes()` written
  to a file; also `iter_download(url)` vs `iter_bytes()` with the bytes discarded.
- buffered: `account.download_url(url)` vs `client.get(location).content`.
- async streaming: `AsyncAccountClient.iter_download(url)` vs `httpx.AsyncClient.stream(...)` +
  `aiter_bytes()` with the bytes discarded.

Times alternate SDK and baseline. Peak RSS growth of the streaming and buffered forms is
measured in fresh processes (`benchmarks._child`), after a small warm-up download.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import IO

import httpx

from ._common import ACCOUNT_ID, Context, Row, Stat, paired_ratio, run_child, sdk_headers
from .server import DEFAULT_DOWNLOAD_BYTES

STREAM_TARGET = 1.10
ASYNC_STREAM_TARGET = 1.0
BUFFERED_TARGET = 1.5
STREAM_MEMORY_TARGET_MB = 5.0


def _alternate(
    sdk: Callable[[], object], raw: Callable[[], object], reps: int
) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for rep in range(reps):
        order = [(sdk, sdk_times), (raw, raw_times)]
        if rep % 2:
            order.reverse()
        for function, times in order:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return sdk_times, raw_times


async def _alternate_async(
    sdk: Callable[[], Awaitable[object]], raw: Callable[[], Awaitable[object]], reps: int
) -> tuple[list[float], list[float]]:
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for rep in range(reps):
        order = [(sdk, sdk_times), (raw, raw_times)]
        if rep % 2:
            order.reverse()
        for function, times in order:
            started = time.perf_counter()
            await function()
            times.append(time.perf_counter() - started)
    return sdk_times, raw_times


def _time_row(case: str, target: float | None, sdk: list[float], raw: list[float]) -> Row:
    ratio, spread = paired_ratio(sdk, raw)
    return Row(
        scenario=6,
        case=case,
        value=ratio,
        value_range=spread,
        target=target,
        sdk=Stat.of([t * 1000 for t in sdk], "ms"),
        baseline=Stat.of([t * 1000 for t in raw], "ms"),
    )


def run(ctx: Context) -> None:
    size = 2 * 1024 * 1024 if ctx.smoke else DEFAULT_DOWNLOAD_BYTES
    reps = 2 if ctx.smoke else 15
    ctx.server.configure(download_bytes=size)
    url = f"{ctx.account_url}/blobs/7/download/report.bin"
    folder = tempfile.mkdtemp(prefix="basecamp-bench-")
    target = os.path.join(folder, "report.bin")
    ctx.log(f"  {size / 2**20:.0f} MB, {reps} alternating repetitions per form")
    try:
        with (
            ctx.sync_client() as client,
            httpx.Client(headers=sdk_headers()) as http,
            httpx.Client() as anonymous,
        ):
            account = client.for_account(ACCOUNT_ID)

            def location() -> str:
                hop = http.get(url)
                if hop.status_code != 302:
                    hop.raise_for_status()
                    raise RuntimeError(f"expected a redirect, got {hop.status_code}")
                return hop.headers["location"]

            def sdk_to_file() -> None:
                assert account.download_to(url, target).content_length == size

            def raw_write(handle: IO[bytes]) -> None:
                written = 0
                with anonymous.stream("GET", location()) as response:
                    response.raise_for_status()
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                        written += len(chunk)
                assert written == size

            def raw_to_file() -> None:
                with open(target, "wb") as handle:
                    raw_write(handle)

            def raw_to_file_atomic() -> None:
                # What `download_to` promises, by hand: all or nothing (a temporary file in the
                # same folder, renamed into place), never clobbering a file that is not ours.
                temp = os.path.join(folder, f".report.bin.{secrets.token_hex(8)}.part")
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                with os.fdopen(fd, "wb") as handle:
                    raw_write(handle)
                os.replace(temp, target)

            def sdk_iter() -> None:
                assert sum(len(chunk) for chunk in account.iter_download(url)) == size

            def raw_iter() -> None:
                with anonymous.stream("GET", location()) as response:
                    response.raise_for_status()
                    assert sum(len(chunk) for chunk in response.iter_bytes()) == size

            def sdk_buffered() -> None:
                assert len(account.download_url(url).body) == size

            def raw_buffered() -> None:
                response = anonymous.get(location())
                response.raise_for_status()
                assert len(response.content) == size

            # Warm-up, and a check that both read the same bytes.
            assert anonymous.get(location()).content == account.download_url(url).body
            raw_label = "raw httpx"
            rows = [
                (
                    "streaming download_to(path)",
                    STREAM_TARGET,
                    sdk_to_file,
                    raw_to_file_atomic,
                    "raw httpx, temp file + rename",
                ),
                (
                    "streaming download_to(path) vs writing in place",
                    None,
                    sdk_to_file,
                    raw_to_file,
                    "raw httpx, open(path, 'wb')",
                ),
                ("streaming iter_download()", STREAM_TARGET, sdk_iter, raw_iter, raw_label),
                ("buffered download_url()", BUFFERED_TARGET, sdk_buffered, raw_buffered, raw_label),
            ]
            for case, limit, sdk, raw, label in rows:
                sdk_times, raw_times = _alternate(sdk, raw, reps)
                row = _time_row(case, limit, sdk_times, raw_times)
                row.baseline_label = label
                if raw is raw_to_file:
                    row.notes.append("the difference is the atomic write: a new file, renamed")
                ctx.add(row)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    # -- async streaming -------------------------------------------------------------------------
    async def main() -> tuple[list[float], list[float]]:
        async with (
            ctx.async_client() as client,
            httpx.AsyncClient(headers=sdk_headers()) as http,
            httpx.AsyncClient() as anonymous,
        ):
            account = client.for_account(ACCOUNT_ID)

            async def sdk_iter() -> None:
                received = 0
                async for chunk in account.iter_download(url):
                    received += len(chunk)
                assert received == size

            async def raw_iter() -> None:
                hop = await http.get(url)
                if hop.status_code != 302:
                    hop.raise_for_status()
                    raise RuntimeError(f"expected a redirect, got {hop.status_code}")
                async with anonymous.stream("GET", hop.headers["location"]) as response:
                    response.raise_for_status()
                    received = 0
                    async for chunk in response.aiter_bytes():
                        received += len(chunk)
                assert received == size

            await sdk_iter()  # warm-up: both connections open
            await raw_iter()
            return await _alternate_async(sdk_iter, raw_iter, reps)

    sdk_times, raw_times = asyncio.run(main())
    ctx.add(_time_row("async streaming iter_download()", ASYNC_STREAM_TARGET, sdk_times, raw_times))

    # -- memory, each case in a fresh process ----------------------------------------------------
    memory: dict[str, float] = {}
    for case in ("sdk-stream", "sdk-iter", "raw-stream", "sdk-buffered"):
        result = run_child(["download", case, ctx.origin, str(size)])
        memory[case] = result["growth_kb"] / 1024
    raw_stream = Stat.of([memory["raw-stream"]], "MB")
    for case, label in (("sdk-stream", "download_to(path)"), ("sdk-iter", "iter_download()")):
        ctx.add(
            Row(
                scenario=6,
                case=f"streaming {label}: peak RSS growth",
                value=memory[case],
                unit="MB",
                target=STREAM_MEMORY_TARGET_MB,
                sdk=Stat.of([memory[case]], "MB"),
                baseline=raw_stream,
                baseline_label="raw httpx stream",
            )
        )
    ctx.add(
        Row(
            scenario=6,
            case="buffered download_url(): peak RSS growth",
            value=memory["sdk-buffered"],
            unit="MB",
            target=None,
            sdk=Stat.of([memory["sdk-buffered"]], "MB"),
            notes=[f"holds the whole file ({size / 2**20:.0f} MB) by design"],
        )
    )
