"""Boosts: the small reactions left on a recording (those on events are not kept)."""

from __future__ import annotations

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from .base import Area, Request, is_recording, no_content, ok

__all__ = ["AREA", "create"]


def _content(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid({"content": ["can't be blank"]})
    return value


def create(store: Store, recording: Record, content: str) -> Record:
    """Boost `recording` as the token's owner."""
    boost_id = store.next_id()
    data = store.factory.build("Boost", boost_id)
    store.set_fields(
        "Boost",
        data,
        content=content,
        created_at=store.now(),
        booster=store.person(),
        recording=store.parent_ref(recording),
    )
    return store.add(Record(boost_id, "Boost", data, recording.project_id, recording.id))


def _list(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    return ok([store.render(b) for b in store.kids(rec.id, "Boost", None)])


def _create(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["recording_id"])
    return ok(store.render(create(store, rec, _content(request.body["content"]))), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["boost_id"], "Boost")
    rec.data["content"] = _content(request.body["content"])
    return ok(store.render(rec))


def _delete(store: Store, request: Request) -> FakeResponse:
    store.remove(store.get(request.ids["boost_id"], "Boost"))
    return no_content()


AREA = Area(
    "boosts",
    kinds=(Kind("Boost", "GetBoost", "boost_id"),),
    handlers={
        "ListRecordingBoosts": _list,
        "CreateRecordingBoost": _create,
        "UpdateBoost": _update,
        "DeleteBoost": _delete,
    },
    path_checks={
        "ListRecordingBoosts": {"recording_id": is_recording},
        "CreateRecordingBoost": {"recording_id": is_recording},
    },
)
