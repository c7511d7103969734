"""Message boards and messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import FakeResponse
from .._store import Kind, Record, Store
from .base import Area, Request, ok, page

__all__ = ["AREA", "create"]


def create(store: Store, board: Record, body: Mapping[str, Any]) -> Record:
    """Post a message to a board from a `CreateMessage`-shaped body."""
    assert board.project_id is not None
    subject = str(body["subject"])
    rec = store.recording(
        "Message",
        "Message",
        subject,
        project_id=board.project_id,
        parent=board,
        subject=subject,
        content=body.get("content") or "",
    )
    store.emit("created", rec)
    return rec


def _list(store: Store, request: Request) -> FakeResponse:
    items = [store.render(r) for r in store.kids(request.ids["board_id"], "Message")]
    if request.q("direction") == "asc":
        return page(store, request, items)
    return page(store, request, items[::-1])  # newest first, as Basecamp lists them


def _create(store: Store, request: Request) -> FakeResponse:
    board = store.get(request.ids["board_id"], "MessageBoard")
    return ok(store.render(create(store, board, request.body)), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["message_id"], "Message")
    if request.body.get("subject"):
        rec.data["subject"] = rec.data["title"] = request.body["subject"]
    if "content" in request.body:
        rec.data["content"] = request.body["content"] or ""
    store.touch(rec)
    store.emit("changed", rec)
    return ok(store.render(rec))


AREA = Area(
    "messages",
    kinds=(
        Kind("MessageBoard", "GetMessageBoard", "board_id"),
        Kind("Message", "GetMessage", "message_id", "message"),
    ),
    handlers={"ListMessages": _list, "CreateMessage": _create, "UpdateMessage": _update},
)
