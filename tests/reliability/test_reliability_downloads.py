"""Streamed downloads against hostile storage on raw sockets: trickled and stalled bodies end in
a typed error within `download_deadline` (plus one read's `timeout`), a decompression bomb is
refused, and `download_to` never leaves a partial file. Both shells, both hops."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import (
    TOKEN_MARKER,
    Conn,
    RawServer,
    Request,
    Script,
    assert_no_marker,
    exception_texts,
    head_then_trickle,
    respond,
    response_head,
    run_call,
)

from basecamp import ApiError, Config, NetworkError
from basecamp._download import INFLATION_ALLOWANCE, MAX_INFLATION_RATIO

BLOB = "/999/blobs/k3y/download/report.bin"
STORED = "/bucket/report.bin"
# 1,000 bytes at one byte per 50 ms: 50 s in all, yet no single read waits for the timeout.
TRICKLE_HEAD = response_head(200, {"Content-Type": "application/octet-stream"}, content_length=1000)
TRICKLE = head_then_trickle(TRICKLE_HEAD, b"x" * 1000, 0.05)


@pytest.fixture
def storage() -> Iterator[RawServer]:
    server = RawServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 64 KB of gzip that inflates to 64 MiB (about 1000:1)."""
    return gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)


def config(url: str, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "base_url": url,
        "base_delay": 0,
        "max_jitter": 0,
        "timeout": 2.0,
        "request_deadline": 5.0,
        "download_deadline": 0.5,
        "max_retries": 0,
    }
    values.update(overrides)
    return Config(**values)


def redirect_to(storage: RawServer) -> Script:
    return respond(302, b"", content_type=None, headers={"Location": f"{storage.url}{STORED}"})


def stall_after(head: bytes, sent: bytes) -> Script:
    """Headers and a first part of the body, then silence until the client gives up."""

    def script(conn: Conn, request: Request) -> bool:
        conn.send(head + sent)
        conn.wait(3600)
        return False

    return script


def entry(name: str, target: Path) -> Any:
    """`download_to(path)`, or `iter_download` drained (sync or async)."""
    if name == "download_to":
        return lambda a: a.download_to(BLOB, target)

    def drain(account: Any) -> Any:
        chunks = account.iter_download(BLOB)
        if hasattr(chunks, "__aiter__"):
            return _drain_async(chunks)
        return sum(len(c) for c in chunks)

    return drain


async def _drain_async(chunks: Any) -> int:
    return sum([len(c) async for c in chunks])


def _expect(outcome: Any, error: type[Exception], bound: float, folder: Path) -> None:
    assert isinstance(outcome.error, error), repr(outcome.error)
    assert outcome.elapsed < bound, outcome.elapsed
    assert sorted(p.name for p in folder.iterdir()) == []  # no partial file, no temp file
    assert_no_marker(exception_texts(outcome.error), "download error")


@pytest.mark.parametrize("name", ["download_to", "iter_download"])
async def test_trickled_storage_body_ends_at_the_download_deadline(
    flavour: str, raw_server: RawServer, storage: RawServer, tmp_path: Path, name: str
) -> None:
    raw_server.script(redirect_to(storage))
    storage.script(TRICKLE)
    out = tmp_path / "out"
    out.mkdir()
    outcome = await run_call(flavour, config(raw_server.url), entry(name, out / "f.bin"))
    _expect(outcome, NetworkError, 2.5, out)  # 0.5 s deadline + one 50 ms read + slack
    assert "download deadline" in str(outcome.error)
    assert len(storage.requests) == 1  # a streamed body is never fetched again


@pytest.mark.parametrize("name", ["download_to", "iter_download"])
async def test_trickled_body_served_by_the_api_ends_at_the_download_deadline(
    flavour: str, raw_server: RawServer, tmp_path: Path, name: str
) -> None:
    raw_server.script(TRICKLE)
    out = tmp_path / "out"
    out.mkdir()
    outcome = await run_call(flavour, config(raw_server.url), entry(name, out / "f.bin"))
    _expect(outcome, NetworkError, 2.5, out)


@pytest.mark.parametrize("name", ["download_to", "iter_download"])
async def test_stalled_storage_body_ends_at_the_read_timeout(
    flavour: str, raw_server: RawServer, storage: RawServer, tmp_path: Path, name: str
) -> None:
    raw_server.script(redirect_to(storage))
    storage.script(stall_after(TRICKLE_HEAD, b"x" * 100))
    out = tmp_path / "out"
    out.mkdir()
    cfg = config(raw_server.url, timeout=0.5, download_deadline=3600)
    outcome = await run_call(flavour, cfg, entry(name, out / "f.bin"))
    _expect(outcome, NetworkError, 3.0, out)  # one 0.5 s stall + slack
    assert "mid-stream" in str(outcome.error)


@pytest.mark.parametrize("name", ["download_to", "iter_download"])
async def test_a_decompression_bomb_is_refused_while_streaming(
    flavour: str, raw_server: RawServer, storage: RawServer, tmp_path: Path, name: str, bomb: bytes
) -> None:
    raw_server.script(redirect_to(storage))
    head = response_head(
        200,
        {"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"},
        content_length=len(bomb),
    )
    storage.script(lambda conn, request: (conn.send(head + bomb), False)[1])
    out = tmp_path / "out"
    out.mkdir()
    cfg = config(raw_server.url, download_deadline=60)
    outcome = await run_call(flavour, cfg, entry(name, out / "f.bin"))
    _expect(outcome, ApiError, 10.0, out)
    assert f"{MAX_INFLATION_RATIO}:1" in str(outcome.error)


async def test_the_bomb_limit_stops_early(
    flavour: str, raw_server: RawServer, storage: RawServer, bomb: bytes
) -> None:
    raw_server.script(redirect_to(storage))
    head = response_head(200, {"Content-Encoding": "gzip"}, content_length=len(bomb))
    storage.script(lambda conn, request: (conn.send(head + bomb), False)[1])
    seen: list[int] = []

    def count(account: Any) -> Any:
        chunks = account.iter_download(BLOB)
        if hasattr(chunks, "__aiter__"):

            async def drain() -> None:
                async for chunk in chunks:
                    seen.append(len(chunk))

            return drain()
        for chunk in chunks:
            seen.append(len(chunk))
        return None

    outcome = await run_call(flavour, config(raw_server.url, download_deadline=60), count)
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    # refused just past the allowance: nowhere near the 64 MiB the bomb holds
    assert sum(seen) <= INFLATION_ALLOWANCE + MAX_INFLATION_RATIO * len(bomb)
    assert sum(seen) < 16 * 1024 * 1024


async def test_well_compressed_real_content_is_not_a_bomb(
    flavour: str, raw_server: RawServer, storage: RawServer
) -> None:
    text = b"".join(b'{"id": %d, "status": "active", "title": "row"}\n' % i for i in range(200_000))
    body = gzip.compress(text)
    raw_server.script(redirect_to(storage))
    head = response_head(200, {"Content-Encoding": "gzip"}, content_length=len(body))
    storage.script(lambda conn, request: (conn.send(head + body), False)[1])
    target = io.BytesIO()
    outcome = await run_call(
        flavour, config(raw_server.url, download_deadline=60), lambda a: a.download_to(BLOB, target)
    )
    assert outcome.error is None, repr(outcome.error)
    assert target.getvalue() == text
    assert TOKEN_MARKER not in str(storage.requests[0].headers)
