"""Keep signed download URLs out of httpx's own log lines.

httpx logs `HTTP Request: GET <url> "HTTP/1.1 200 OK"` on the `httpx` logger at INFO. For the
second hop of a download, that URL is a signed link: anyone holding its query string can fetch
the file. While such a request is in flight its URL is registered here, and a filter on the
`httpx` logger removes the query string from that URL, and from no other, before the record is
formatted. Nothing is done unless that logger is enabled for INFO.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from ._request import redact_url

__all__ = ["signed_url"]

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
