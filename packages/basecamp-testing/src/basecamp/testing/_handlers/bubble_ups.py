"""Bubble-ups: items the token's owner asked to see again, now or at a set time.

They are kept as marks (`Store.marked(BUBBLE_UPS)`: recording id to when it resurfaces) and
read back as notifications: `GetBubbleUps` lists them all, `GetMyNotifications` splits them
into the current ones and the scheduled ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .._http import FakeResponse, invalid
from .._store import Record, Store
from .base import Area, Request, generic_record, is_recording, no_content, ok, page

__all__ = ["AREA", "BUBBLE_UPS"]

BUBBLE_UPS = "bubble_ups"
_SHOWN_WHEN_LIMITED = 2


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _notification(store: Store, rec: Record, at: str) -> dict[str, Any]:
    data = store.render(rec)
    note = store.factory.build("Notification", rec.id)
    assert rec.project_id is not None
    store.set_fields(
        "Notification",
        note,
        created_at=data.get("created_at", at),
        updated_at=data.get("updated_at", at),
        section="bubbles",
        title=data.get("title", ""),
        type=data.get("type", rec.kind),
        bucket_name=store.records[rec.project_id].data["name"],
        creator=data.get("creator", store.person()),
        app_url=data.get("app_url", ""),
        bookmark_url=store.recording_url(rec.id, "bookmark.json"),
        subscription_url=store.recording_url(rec.id, "subscription.json"),
        bubble_up_url=store.recording_url(rec.id, "bubble_up.json"),
        bubble_up_at=at,
    )
    return note


def _split(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The (current, scheduled) bubble-ups of live recordings, soonest first."""
    now = _moment(store.now())
    assert now is not None
    current: list[dict[str, Any]] = []
    scheduled: list[dict[str, Any]] = []
    marks = store.marked(BUBBLE_UPS)
    for record_id, at in sorted(marks.items(), key=lambda item: item[1]):
        rec = store.records[record_id]
        if rec.data.get("status") == "trashed":
            continue
        moment = _moment(at)
        assert moment is not None
        (current if moment <= now else scheduled).append(_notification(store, rec, at))
    return current, scheduled


def _create(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    at = request.body.get("at")
    if at is None:
        at = store.now()  # the default: resurface at once
    elif not isinstance(at, str) or _moment(at) is None:
        raise invalid({"at": ["is not a date and time"]})
    store.marked(BUBBLE_UPS)[rec.id] = at
    return no_content()


def _delete(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    store.marked(BUBBLE_UPS).pop(rec.id, None)
    return no_content()


def _list(store: Store, request: Request) -> FakeResponse:
    current, scheduled = _split(store)
    return page(store, request, current + scheduled)


def _notifications(store: Store, request: Request) -> FakeResponse:
    current, scheduled = _split(store)
    record = generic_record(store, request, 0)
    record.update(bubble_ups_count=len(current), scheduled_bubble_ups_count=len(scheduled))
    if (request.q("limit_bubble_ups") or "").lower() in ("true", "1"):
        current, scheduled = current[:_SHOWN_WHEN_LIMITED], []
    record.update(bubble_ups=current, scheduled_bubble_ups=scheduled)
    return ok(record)


AREA = Area(
    "bubble_ups",
    handlers={
        "CreateBubbleUp": _create,
        "DeleteBubbleUp": _delete,
        "GetBubbleUps": _list,
        "GetMyNotifications": _notifications,
    },
    path_checks={
        "CreateBubbleUp": {"recording_id": is_recording},
        "DeleteBubbleUp": {"recording_id": is_recording},
    },
)
