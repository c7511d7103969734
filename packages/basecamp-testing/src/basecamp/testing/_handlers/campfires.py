"""Chats (Campfires) and their lines."""

from __future__ import annotations

from .._http import FakeResponse
from .._store import Kind, Record, Store
from .base import Area, Request, no_content, ok, page

__all__ = ["AREA", "create_line"]


def create_line(store: Store, campfire: Record, content: str) -> Record:
    """Post a line to a chat."""
    assert campfire.project_id is not None
    rec = store.recording(
        "CampfireLine",
        "Chat::Lines::Text",
        content,
        project_id=campfire.project_id,
        parent=campfire,
        url_extra={"campfire_id": campfire.id},
        content=content,
    )
    store.emit("created", rec)
    return rec


def _list(store: Store, request: Request) -> FakeResponse:
    items = [
        store.render(r)
        for r in store.records.values()
        if r.kind == "Campfire"
        and r.data["status"] == "active"
        and store.records[r.project_id or 0].data["status"] == "active"
    ]
    return page(store, request, items)


def _list_lines(store: Store, request: Request) -> FakeResponse:
    items = [store.render(r) for r in store.kids(request.ids["campfire_id"], "CampfireLine")]
    return page(store, request, items if request.q("direction") == "asc" else items[::-1])


def _create_line(store: Store, request: Request) -> FakeResponse:
    campfire = store.get(request.ids["campfire_id"], "Campfire")
    line = create_line(store, campfire, str(request.body["content"]))
    return ok(store.render(line), 201)


def _update_line(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["line_id"], "CampfireLine")
    rec.data["content"] = rec.data["title"] = request.body["content"]
    store.touch(rec)
    return no_content()


def _delete_line(store: Store, request: Request) -> FakeResponse:
    store.set_status(store.get(request.ids["line_id"], "CampfireLine"), "trashed")
    return no_content()


AREA = Area(
    "campfires",
    kinds=(
        Kind("Campfire", "GetCampfire", "campfire_id"),
        Kind("CampfireLine", "GetCampfireLine", "line_id", "chat_line"),
    ),
    handlers={
        "ListCampfires": _list,
        "ListCampfireLines": _list_lines,
        "CreateCampfireLine": _create_line,
        "UpdateCampfireLine": _update_line,
        "DeleteCampfireLine": _delete_line,
    },
)
