"""Card tables, their columns and cards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from . import subtasks
from .base import Area, Request, no_content, ok, page

__all__ = ["AREA", "create_card", "create_column"]


def create_column(store: Store, table: Record, title: str, description: str = "") -> Record:
    """Add a column to a card table."""
    assert table.project_id is not None
    rec = store.recording(
        "CardColumn",
        "Kanban::Column",
        title,
        project_id=table.project_id,
        parent=table,
        description=description,
        color="white",
    )
    rec.data["cards_url"] = store.op_url("ListCards", column_id=rec.id)
    return rec


def create_card(store: Store, column: Record, body: Mapping[str, Any]) -> Record:
    """Add a card to a column from a `CreateCard`-shaped body."""
    assert column.project_id is not None
    rec = store.recording(
        "Card",
        "Kanban::Card",
        str(body["title"]),
        project_id=column.project_id,
        parent=column,
        content=body.get("content") or "",
        due_on=body.get("due_on"),
        completed=False,
        position=len(store.kids(column.id, "Card")) + 1,
    )
    store.emit("created", rec)
    return rec


def _render_table(store: Store, rec: Record, data: dict[str, Any]) -> None:
    data["lists"] = [store.render(c) for c in store.kids(rec.id, "CardColumn")]


def _render_column(store: Store, rec: Record, data: dict[str, Any]) -> None:
    data["cards_count"] = len(store.kids(rec.id, "Card"))


def _create_column(store: Store, request: Request) -> FakeResponse:
    table = store.get(request.ids["card_table_id"], "CardTable")
    title = str(request.body["title"])
    column = create_column(store, table, title, str(request.body.get("description") or ""))
    return ok(store.render(column), 201)


def _update_column(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["column_id"], "CardColumn")
    for key in ("title", "description"):
        if request.body.get(key) is not None:
            rec.data[key] = request.body[key]
    store.touch(rec)
    return ok(store.render(rec))


def _list_cards(store: Store, request: Request) -> FakeResponse:
    cards = store.kids(request.ids["column_id"], "Card")
    return page(store, request, [store.render(r) for r in cards])


def _create_card(store: Store, request: Request) -> FakeResponse:
    column = store.get(request.ids["column_id"], "CardColumn")
    return ok(store.render(create_card(store, column, request.body)), 201)


def _update_card(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["card_id"], "Card")
    for key in ("title", "content", "due_on"):
        if request.body.get(key) is not None:
            rec.data[key] = request.body[key]
    if "assignee_ids" in request.body:
        rec.data["assignees"] = store.people(request.body["assignee_ids"])
    store.touch(rec)
    store.emit("changed", rec)
    return ok(store.render(rec))


def _move_card(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["card_id"], "Card")
    column_id = request.body["column_id"]
    target = store.records.get(column_id) if isinstance(column_id, int) else None
    if target is None or target.kind != "CardColumn" or target.project_id != rec.project_id:
        raise invalid({"column_id": ["is invalid"]})
    position = request.body.get("position")
    store.move(rec, target, position - 1 if isinstance(position, int) and position >= 1 else None)
    store.touch(rec)
    store.emit("moved", rec)
    return no_content()


AREA = Area(
    "card_tables",
    kinds=(
        Kind("CardTable", "GetCardTable", "card_table_id", render=_render_table),
        Kind("CardColumn", "GetCardColumn", "column_id", render=_render_column),
        Kind("Card", "GetCard", "card_id", "kanban_card", subtasks.render_parent),
    ),
    handlers={
        "CreateCardColumn": _create_column,
        "UpdateCardColumn": _update_column,
        "ListCards": _list_cards,
        "CreateCard": _create_card,
        "UpdateCard": _update_card,
        "MoveCard": _move_card,
    },
)
