"""Reading response bodies within limits (the source of truth for `_sync/body.py`).

Both readers take the raw bytes off the wire and inflate them with `BoundedDecoder`, so no
single network read of a compressed body can balloon in memory the way httpx's own decoding
lets it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator

import httpx

from .._errors import ApiError, NetworkError
from .._response import MAX_INFLATION_RATIO, BoundedDecoder, inflation_exceeded

__all__ = ["STREAM_CHUNK", "iter_decoded", "read_capped"]

STREAM_CHUNK = 64 * 1024


async def _already_read(response: httpx.Response) -> AsyncIterator[bytes]:
    yield response.content


def _raw_chunks(response: httpx.Response) -> AsyncIterable[bytes]:
    """The body as it came off the wire (network-sized reads, never re-chunked or copied); a
    response read before us (a mock transport's) as it is."""
    if response.is_stream_consumed:
        # Already in memory, and already decoded by httpx: nothing left to bound but its size.
        return _already_read(response)
    stream = response.stream
    if isinstance(stream, httpx.AsyncByteStream) and not response.is_closed:
        # The transport's stream itself: `aiter_raw()` around it only counts bytes and
        # re-chunks (asked not to), one layer more on every network read.
        response.is_stream_consumed = True  # as `aiter_raw()` marks it: no second read
        return stream
    return response.aiter_raw()  # raises as httpx does (a closed stream, or the wrong kind)


def _decoder(response: httpx.Response) -> BoundedDecoder | None:
    if response.is_stream_consumed:
        return None
    return BoundedDecoder.for_encoding(response.headers.get("content-encoding"))


def _too_large(response: httpx.Response, limit: int) -> ApiError:
    return ApiError(
        f"The response body is larger than the {limit}-byte limit.",
        http_status=response.status_code,
        request_id=response.headers.get("x-request-id"),
    )


async def read_capped(
    response: httpx.Response,
    limit: int,
    ends_at: float | None = None,
    *,
    truncate: bool = False,
) -> bytes:
    """Read a whole body, decompressed, within `limit` bytes and before `ends_at`.

    Past the limit a body is refused with `ApiError`, or with `truncate` (error bodies, whose
    status already says what happened) cut to its first `limit` bytes and the rest left unread.

    Args:
        response: A response opened with `stream=True`.
        limit: The most bytes accepted after decompression.
        ends_at: A `time.monotonic()` deadline checked between chunks, if any.
        truncate: Cut an over-long body instead of refusing it.

    Raises:
        ApiError: The body is too large, or uses an encoding the SDK did not ask for.
        NetworkError: The deadline passed while the body was arriving.
    """
    declared = response.headers.get("content-length", "")
    too_long = declared.isdigit() and int(declared) > limit
    if too_long and not truncate and "content-encoding" not in response.headers:
        raise _too_large(response, limit)
    decoder = _decoder(response)
    # Chunks are joined once at the end: growing one buffer would copy a large body repeatedly.
    parts: list[bytes] = []
    size = 0
    async for chunk in _raw_chunks(response):
        # Inflate at most one byte past the limit: a decompression bomb never lands in memory.
        part = chunk if decoder is None else decoder.decode(chunk, limit + 1 - size)
        parts.append(part)
        size += len(part)
        if size > limit:
            if truncate:
                return b"".join(parts)[:limit]
            raise _too_large(response, limit)
        if ends_at is not None and time.monotonic() > ends_at:
            raise NetworkError("The response took longer than the request deadline.")
    return parts[0] if len(parts) == 1 else b"".join(parts)


async def iter_decoded(
    response: httpx.Response,
    chunk_size: int = STREAM_CHUNK,
    *,
    ends_at: float | None = None,
) -> AsyncIterator[bytes]:
    """Yield a streamed body, decompressed, in pieces of at most `chunk_size` bytes (as they
    came off the wire when the body is not compressed: each network read is already small).

    Memory stays flat whatever the size of the body, and a compressed body may inflate to at
    most `MAX_INFLATION_RATIO` times its size (plus a small allowance). Each read waits at most
    the client's socket timeout; `ends_at` bounds the whole body (checked after each read, so
    the body never runs past it by more than one read's timeout).

    Args:
        response: A response opened with `stream=True`.
        chunk_size: The largest piece yielded.
        ends_at: A `time.monotonic()` deadline for the whole body, if any.

    Raises:
        ApiError: The body uses an encoding the SDK did not ask for, is corrupt, or inflates
            beyond the limit (a decompression bomb).
        NetworkError: The connection broke off or stalled mid-stream, or the deadline passed.
    """
    decoder = _decoder(response)
    raw_size = 0
    decoded_size = 0
    broken: str | None = None
    try:
        async for raw in _raw_chunks(response):
            if ends_at is not None and time.monotonic() > ends_at:
                raise NetworkError("The download took longer than the download deadline.")
            if decoder is None:
                yield raw
                continue
            raw_size += len(raw)
            piece = decoder.decode(raw, chunk_size)
            while piece:
                decoded_size += len(piece)
                if inflation_exceeded(raw_size, decoded_size):
                    raise ApiError(
                        "The download inflates beyond the "
                        f"{MAX_INFLATION_RATIO}:1 decompression limit; it was refused.",
                        http_status=response.status_code,
                    )
                yield piece
                piece = decoder.decode(b"", chunk_size)
    except httpx.HTTPError as exc:
        broken = type(exc).__name__
    if broken is not None:
        # Raised outside the handler, so the transport's error is not kept as `__context__`.
        raise NetworkError(f"The download broke off mid-stream ({broken}).")
