"""The event feed and the inbox feed: `PollEvents` and `PollInbox` answer from the store's
`FeedLog` (`_feeds.py`: signed, filter-bound positions, 400/409/410, `next` only while more)."""

from __future__ import annotations

from .._http import FakeResponse, json_response
from .._store import Store
from .base import Area, Request

__all__ = ["AREA"]


def _poll(store: Store, request: Request, feed: str) -> FakeResponse:
    status, payload = store.feeds.poll(
        feed, request.query, origin=request.origin, path=request.path, me_id=store.me_id
    )
    return json_response(status, payload)


def _poll_events(store: Store, request: Request) -> FakeResponse:
    return _poll(store, request, "events")


def _poll_inbox(store: Store, request: Request) -> FakeResponse:
    return _poll(store, request, "inbox")


AREA = Area(
    "feeds",
    handlers={
        "PollEvents": _poll_events,
        "PollInbox": _poll_inbox,
    },
)
