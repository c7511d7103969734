"""Keep signed download URLs (and other server text) out of httpx's and httpcore's log lines.

httpx logs `HTTP Request: GET <url> "HTTP/1.1 200 OK"` on the `httpx` logger at INFO. For the
second hop of a download, that URL is a signed link: anyone holding its query string can fetch
the file. While such a request is in flight its URL is registered here, and a filter on the
`httpx` logger removes the query string from that URL, and from no other, before the record is
formatted. Nothing is done unless that logger is enabled for INFO.

httpcore's DEBUG trace (`httpcore.http11`, `httpcore.connection`, ...) prints every response's
headers, among them hop 1's `Location` (the signed URL) and whatever else a server chooses to
echo. A filter on each of those loggers, installed when the SDK's clients are imported, keeps
the values of a few plain headers (`Content-Type`, `Content-Length`, ...), replaces every other
header value with `<redacted>`, and drops any URL query left in the line. A filter runs only
for records that are emitted, so a disabled logger costs nothing.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ._request import redact_url

__all__ = ["HTTPCORE_LOGGERS", "signed_url"]

_lock = threading.Lock()
_in_flight: Counter[str] = Counter()
_installed = False


class _RedactSignedUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if _in_flight and isinstance(args, tuple):
            record.args = tuple(
                redact_url(str(arg))
                if isinstance(arg, httpx.URL) and str(arg) in _in_flight
                else arg
                for arg in args
            )
        return True


# httpcore logs on these (one per connection kind); a logger's filter does not see its children's
# records, so each gets its own.
HTTPCORE_LOGGERS = (
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
# Response headers whose values carry no secret and help debugging.
_PLAIN_HEADERS = frozenset(
    {
        b"age",
        b"cache-control",
        b"connection",
        b"content-encoding",
        b"content-length",
        b"content-type",
        b"date",
        b"etag",
        b"keep-alive",
        b"last-modified",
        b"retry-after",
        b"server",
        b"transfer-encoding",
        b"vary",
        b"x-total-count",
    }
)
# One header name or value as httpcore prints it: the repr of a bytes object.
_BYTES = r"b'(?:[^'\\]|\\.)*'" + "|" + r'b"(?:[^"\\]|\\.)*"'
# Compiled on first use (`re` caches them): only emitted DEBUG records need them.
_HEADER_PAIR = rf"\(({_BYTES}), ({_BYTES})\)"
_QUERY = r"\?[^\s'\"<>]+"


def _header_pair(match: re.Match[str]) -> str:
    name = match.group(1)
    # The name's repr: b'Content-Type' -> content-type (escapes never occur in a plain name).
    if name[2:-1].lower().encode("latin-1", "replace") in _PLAIN_HEADERS:
        return match.group(0)
    return f"({name}, b'<redacted>')"


def clean_trace(message: str) -> str:
    """An httpcore trace line with only plain header values and no URL query left."""
    if "(b" in message:
        message = re.sub(_HEADER_PAIR, _header_pair, message)
    if "?" in message:
        message = re.sub(_QUERY, "?<redacted>", message)
    return message


class _RedactTrace(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = clean_trace(record.getMessage())
        record.args = ()
        return True


def _install_trace_filters() -> None:
    trace_filter = _RedactTrace()
    for name in HTTPCORE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactTrace) for f in logger.filters):
            logger.addFilter(trace_filter)


_install_trace_filters()


@contextmanager
def signed_url(url: str) -> Iterator[None]:
    """Hide `url`'s query string from httpx's log lines while the block runs."""
    global _installed
    key = str(httpx.URL(url))
    with _lock:
        if not _installed:
            logging.getLogger("httpx").addFilter(_RedactSignedUrls())
            _installed = True
        _in_flight[key] += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight[key] -= 1
            if _in_flight[key] <= 0:
                del _in_flight[key]
