"""Pings: private conversations between a few people (`/circles`)."""

from __future__ import annotations

from typing import Any

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from .base import Area, Request, ok

__all__ = ["AREA", "create"]


def create(store: Store, people: list[dict[str, Any]]) -> Record:
    """Start a ping between the token's owner and `people` (records of `Store.person`)."""
    ping_id = store.next_id()
    data = store.factory.build("Ping", ping_id)
    now = store.now()
    others = [p for p in people if p["id"] != store.me_id]
    store.set_fields(
        "Ping",
        data,
        title=", ".join(p["name"] for p in others),
        named=False,
        people=[store.person(), *others],
        created_at=now,
        updated_at=now,
        url=store.url("Ping", ping_id),
        app_url=store.app_url(f"circles/{ping_id}"),
        bookmark_url=store.recording_url(ping_id, "bookmark.json"),
    )
    return store.add(Record(ping_id, "Ping", data, None, None))


def _pings(store: Store) -> list[Record]:
    return [r for r in store.records.values() if r.kind == "Ping"]


def _list(store: Store, request: Request) -> FakeResponse:
    # Most recent conversation first.
    return ok([store.render(r) for r in reversed(_pings(store))])


def _create(store: Store, request: Request) -> FakeResponse:
    ids = request.body["user_ids"]
    if not isinstance(ids, list) or not ids:
        raise invalid({"user_ids": ["can't be blank"]})
    ids = list(dict.fromkeys(i for i in ids if i != store.me_id))  # you are in it anyway
    people = store.people(ids)
    if len(people) != len(ids) or not people:
        raise invalid({"user_ids": ["is invalid"]})
    if not request.body.get("new_group"):
        # Without `new_group`, the conversation with exactly these people carries on.
        wanted = {p["id"] for p in people} | {store.me_id}
        for rec in _pings(store):
            if {p["id"] for p in rec.data["people"]} == wanted:
                return ok(store.render(rec))
    return ok(store.render(create(store, people)), 201)


AREA = Area(
    "pings",
    kinds=(Kind("Ping", "GetPing", "ping_id"),),
    handlers={"ListPings": _list, "CreatePing": _create},
)
