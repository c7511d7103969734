"""HTTP validators, as Basecamp serves them: `ETag`, `Last-Modified` and `304 Not Modified`.

Every successful GET of an operation carries a weak `ETag` (a digest of the exact body, so it
changes whenever the record or the list page changes, `Link` target included) and a
`Last-Modified`. A request whose `If-None-Match` matches the current `ETag` (weak comparison,
`*` included), or, when it sends no `If-None-Match`, whose `If-Modified-Since` is at or after
`Last-Modified`, gets `304 Not Modified` with no body. Like Rails' conditional GET, the 304 keeps
the other headers (`Link`, `X-Total-Count`) and drops `Content-Type` and `Content-Length`.

`Last-Modified` is the newest `updated_at` in the body. It never goes back for one URL: when
a URL's body changes and its newest `updated_at` does not move on (a to-do trashed out of a
list), it becomes one second after the previous value, so a client's `If-Modified-Since`
cannot hide the change.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from ._http import FakeResponse

__all__ = ["CACHE_CONTROL", "Validators"]

CACHE_CONTROL = "max-age=0, private, must-revalidate"
"""What Rails sends with validators: store it, but ask before reusing it."""

_FLOOR = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
_DROPPED_ON_304 = frozenset({"content-type", "content-length"})


def _newest_update(body: bytes) -> datetime | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    candidates = value if isinstance(value, list) else [value]
    stamps: list[datetime] = []
    for item in candidates:
        stamp = item.get("updated_at") if isinstance(item, dict) else None
        if isinstance(stamp, str):
            try:
                stamps.append(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
            except ValueError:
                continue
    return max(stamps).replace(microsecond=0) if stamps else None


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def _matches(if_none_match: str, etag: str) -> bool:
    wanted = [part.strip() for part in if_none_match.split(",") if part.strip()]
    return "*" in wanted or any(_opaque(tag) == _opaque(etag) for tag in wanted)


def _not_modified_since(if_modified_since: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unparseable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


class Validators:
    """The validators the fake has served, per URL (thread-safe)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def _validators(self, url: str, body: bytes) -> tuple[str, datetime]:
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        newest = _newest_update(body) or _FLOOR
        with self._lock:
            previous = self._seen.get(url)
            if previous is not None and previous[0] == etag:
                return previous
            modified = newest
            if previous is not None and modified <= previous[1]:
                modified = previous[1] + timedelta(seconds=1)
            self._seen[url] = (etag, modified)
        return etag, modified

    def apply(self, url: str, headers: dict[str, str], response: FakeResponse) -> FakeResponse:
        """Add validators to a successful GET's `response`; a 304 if the request's still hold.

        Args:
            url: The request URL (origin, path and query): what the validators are for.
            headers: The request headers, lower-case names.
            response: The 200 answer, its body final.
        """
        etag, modified = self._validators(url, response.body)
        last_modified = format_datetime(modified, usegmt=True)
        response.headers += [
            ("ETag", etag),
            ("Last-Modified", last_modified),
            ("Cache-Control", CACHE_CONTROL),
        ]
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None:
            fresh = _matches(if_none_match, etag)
        else:
            since = headers.get("if-modified-since")
            fresh = since is not None and _not_modified_since(since, modified)
        if not fresh:
            return response
        kept = [(k, v) for k, v in response.headers if k.lower() not in _DROPPED_ON_304]
        return FakeResponse(304, kept, b"")
