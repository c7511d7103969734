"""Comments on any recording."""

from __future__ import annotations

from .._http import FakeResponse, not_found
from .._store import Kind, Record, Store
from .base import Area, Request, ok, page

__all__ = ["AREA", "create"]


def create(store: Store, parent: Record, content: str) -> Record:
    """Comment on a recording (a to-do, message, upload, card...)."""
    if parent.project_id is None:
        raise not_found()
    rec = store.recording(
        "Comment",
        "Comment",
        f"Re: {parent.data.get('title', '')}",
        project_id=parent.project_id,
        parent=parent,
        content=content,
    )
    store.emit("created", rec)
    return rec


def _list(store: Store, request: Request) -> FakeResponse:
    comments = store.kids(request.ids["recording_id"], "Comment")
    return page(store, request, [store.render(r) for r in comments])


def _create(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids["recording_id"])
    return ok(store.render(create(store, parent, str(request.body["content"]))), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["comment_id"], "Comment")
    rec.data["content"] = request.body["content"]
    store.touch(rec)
    store.emit("content_changed", rec)
    return ok(store.render(rec))


AREA = Area(
    "comments",
    kinds=(Kind("Comment", "GetComment", "comment_id", "comment"),),
    handlers={"ListComments": _list, "CreateComment": _create, "UpdateComment": _update},
)
