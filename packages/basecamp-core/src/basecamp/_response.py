"""Response decoding, sans I/O: JSON bodies of the expected shape, or a clear `ApiError`."""

from __future__ import annotations

import json
import zlib
from typing import TypeAlias

from ._errors import ApiError

__all__ = [
    "INFLATION_ALLOWANCE",
    "JSON",
    "MAX_INFLATION_RATIO",
    "BoundedDecoder",
    "decode_json",
    "expect_list",
    "expect_object",
    "inflation_exceeded",
]

JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
"""Any JSON value, as the raw calls (`account.get(...)`) return it. Narrow it before use."""

# A streamed download whose compressed body inflates beyond this ratio is refused. Real files
# rarely compress past 20:1; a gzip bomb reaches about 1000:1. The allowance lets small, very
# regular bodies through however well they compress.
MAX_INFLATION_RATIO = 100
INFLATION_ALLOWANCE = 8 * 1024 * 1024


def inflation_exceeded(raw: int, decoded: int) -> bool:
    """Whether `decoded` bytes inflated from `raw` compressed bytes pass the download limit
    (`MAX_INFLATION_RATIO` to 1, beyond the first `INFLATION_ALLOWANCE` bytes)."""
    return decoded > raw * MAX_INFLATION_RATIO + INFLATION_ALLOWANCE


_GZIP = ("gzip", "x-gzip")
_IDENTITY = ("", "identity")


def _is_zlib_header(data: bytes) -> bool:
    # RFC 1950: compression method 8, and the first two bytes are a multiple of 31.
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


class BoundedDecoder:
    """Decompresses a gzip or deflate body piece by piece, never producing more than asked.

    httpx inflates each network read whole: one 64 KiB read of a gzip bomb is ~64 MiB in memory
    before any size check can run. Feeding the raw bytes through `decode(data, room)` instead
    keeps the output of every call within `room` bytes; input not yet inflated is kept for the
    next call, so `decode(b"", room)` drains it.
    """

    __slots__ = ("_deflate", "_zlib")

    def __init__(self, *, deflate: bool) -> None:
        self._deflate = deflate
        self._zlib: zlib._Decompress | None = (
            None if deflate else zlib.decompressobj(16 + zlib.MAX_WBITS)
        )

    @classmethod
    def for_encoding(cls, content_encoding: str | None) -> BoundedDecoder | None:
        """The decoder for a body's `Content-Encoding`; `None` when it is not encoded.

        Raises:
            ApiError: An encoding the SDK did not ask for (it asks for gzip and deflate only),
                or several stacked ones, which a well-behaved server never sends.
        """
        if not content_encoding:  # the common case: skip the parsing below
            return None
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c not in _IDENTITY]
        if not codings:
            return None
        if len(codings) == 1 and codings[0] in (*_GZIP, "deflate"):
            return cls(deflate=codings[0] == "deflate")
        shown = ", ".join(codings)[:60]
        raise ApiError(f"The response uses a Content-Encoding the SDK did not ask for: {shown}.")

    def decode(self, data: bytes, room: int) -> bytes:
        """Decompress `data` (after any input left from before), returning at most `room` bytes.

        Output beyond `room` is not produced at all: a caller that asks for one byte more than
        its limit and gets it knows the body is too large.

        Raises:
            ApiError: The data is not valid compressed data.
        """
        if self._zlib is None:
            if not data:
                return b""
            # "deflate" is meant to be zlib-wrapped, but some servers send a raw stream.
            wbits = zlib.MAX_WBITS if _is_zlib_header(data) else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
        tail = self._zlib.unconsumed_tail
        try:
            return self._zlib.decompress(tail + data if tail else data, max(room, 1))
        except zlib.error:
            pass
        # Raised outside the handler, so no decoding error rides along as `__context__`.
        raise ApiError("The response body is not valid compressed data.")


# The usual Content-Type values, accepted without parsing them.
_PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8"})


def decode_json(body: bytes, content_type: str | None) -> object:
    """Decode a 2xx JSON body (the caller adds the status and request id to an error).

    Raises:
        ApiError: The body is empty, not JSON, or declared as something other than JSON.
    """
    if content_type and content_type not in _PLAIN_JSON:
        media = content_type.split(";", 1)[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise ApiError(f"Expected a JSON response but the server sent {media[:80]!r}.")
    if not body or body.isspace():  # as `not body.strip()`, without copying the body
        raise ApiError("Expected a JSON response but the body was empty.")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass
    # Raised outside the handler: a `JSONDecodeError` keeps the whole body in `.doc` (perhaps an
    # echoed token), and `from None` would still leave it in `__context__`.
    raise ApiError("The server sent a response that is not valid JSON.")


def expect_object(value: object, what: str = "response") -> dict[str, object]:
    """Return `value` if it is a JSON object, else raise `ApiError`."""
    if not isinstance(value, dict):
        raise ApiError(f"Expected the {what} to be a JSON object, got {type(value).__name__}.")
    return value


def expect_list(value: object, what: str = "response", *, key: str | None = None) -> list[object]:
    """Return `value` (or `value[key]`) if it is a JSON array, else raise `ApiError`."""
    if key is not None:
        value = expect_object(value, what).get(key)
    if not isinstance(value, list):
        raise ApiError(f"Expected the {what} to be a JSON array, got {type(value).__name__}.")
    return value
