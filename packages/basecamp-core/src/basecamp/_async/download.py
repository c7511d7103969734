"""Two-hop downloads: buffered (`download_url`), to a file (`download_to`) or as chunks.

This module is the source of truth for `basecamp/_sync/download.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.

Hop 1 goes, authenticated, to the API origin only and does not follow the redirect by itself.
Hop 2 fetches the redirect target with no credentials and no SDK headers, and follows no
further redirects. Which URL each hop may use is decided by the pure helpers of
`basecamp._download`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .._download import (
    DownloadInfo,
    DownloadResult,
    download_target,
    filename_from,
    storage_target,
)
from .._report import report
from .._request import NO_BODY
from ..hooks import OperationInfo
from .body import iter_decoded, read_capped

if TYPE_CHECKING:
    from .._reply import Reply
    from .engine import AsyncEngine

__all__ = ["download_bytes", "download_chunks", "download_file"]

DOWNLOAD = OperationInfo("raw", "download", "Download", is_mutation=False)


def _storage_url(reply: Reply) -> str:
    return storage_target(reply.headers.get("location"), current_url=reply.url, status=reply.status)


def _hop1_url(engine: AsyncEngine, url: str, prefix: str) -> str:
    return download_target(url, base_url=engine.config.base_url, prefix=prefix)


async def download_bytes(engine: AsyncEngine, url: str, *, prefix: str) -> DownloadResult:
    """Both hops, buffered within `max_download_bytes`.

    Args:
        engine: The client.
        url: The file's `download_url`, or a path relative to the account (`prefix`).
        prefix: The account's path, e.g. `/1234`.
    """
    limit = engine.config.max_download_bytes
    with report(engine.hooks, DOWNLOAD):
        reply = await engine._request(
            "GET",
            _hop1_url(engine, url, prefix),
            idempotent=True,
            accept_redirect=True,
            body_limit=limit,
        )
        if 300 <= reply.status < 400:
            reply = await engine._request(
                "GET", _storage_url(reply), idempotent=True, authenticated=False, body_limit=limit
            )
    return DownloadResult(
        body=reply.body,
        content_type=reply.headers.get("content-type"),
        content_length=len(reply.body),
        filename=filename_from(reply.headers.get("content-disposition"), reply.url),
    )


@contextlib.asynccontextmanager
async def _open_download(
    engine: AsyncEngine, url: str
) -> AsyncIterator[tuple[Reply, AsyncIterator[bytes]]]:
    """Both hops, streamed: the body is never held whole, whichever hop serves it, and it must
    arrive within `download_deadline` of its first read."""
    config = engine.config
    async with engine._open(
        "GET",
        url,
        params=None,
        body=NO_BODY,
        idempotent=True,
        authenticated=True,
        accept_redirect=True,
        stream=True,
    ) as first:
        assert first.response is not None
        if not 300 <= first.status < 400:  # the API served the bytes itself
            ends_at = time.monotonic() + config.download_deadline
            yield first, iter_decoded(first.response, ends_at=ends_at)
            return
        target = _storage_url(first)
        # Drain the short redirect body so its connection goes back to the pool for hop 2.
        drain_by = time.monotonic() + config.request_deadline
        await read_capped(first.response, config.max_response_bytes, drain_by, truncate=True)
    # Hop 1 is closed (and its place in the gate given back) before hop 2 starts.
    async with engine._open(
        "GET",
        target,
        params=None,
        body=NO_BODY,
        idempotent=True,
        authenticated=False,
        accept_redirect=False,
        stream=True,
    ) as reply:
        assert reply.response is not None
        ends_at = time.monotonic() + config.download_deadline
        yield reply, iter_decoded(reply.response, ends_at=ends_at)


async def download_file(
    engine: AsyncEngine,
    url: str,
    destination: str | os.PathLike[str] | IO[bytes],
    *,
    prefix: str,
) -> DownloadInfo:
    """Both hops, streamed to a path (all or nothing) or a binary file object."""
    written = 0
    async with (
        report(engine.hooks, DOWNLOAD),
        _open_download(engine, _hop1_url(engine, url, prefix)) as (reply, chunks),
    ):
        if isinstance(destination, str | os.PathLike):
            target = Path(destination)
            # Created like any new file (O_EXCL: never clobbers), so it follows the umask.
            temp_name = target.parent / f".{target.name}.{secrets.token_hex(8)}.part"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temp_name, flags, 0o666)
            try:
                with os.fdopen(fd, "wb") as handle:
                    async for chunk in chunks:
                        handle.write(chunk)
                        written += len(chunk)
                os.replace(temp_name, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)
                raise
        else:
            async for chunk in chunks:
                destination.write(chunk)
                written += len(chunk)
        return DownloadInfo(
            content_type=reply.headers.get("content-type"),
            content_length=written,
            filename=filename_from(reply.headers.get("content-disposition"), reply.url),
        )


async def download_chunks(engine: AsyncEngine, url: str, *, prefix: str) -> AsyncIterator[bytes]:
    """Both hops, streamed, as decoded chunks (nothing is checked or sent before the first)."""
    async with (
        report(engine.hooks, DOWNLOAD),
        _open_download(engine, _hop1_url(engine, url, prefix)) as (_, chunks),
    ):
        async for chunk in chunks:
            yield chunk
