"""Subtasks: the small checklist items under a to-do or a card.

A subtask is listed under its parent (`Store.kids`), in checklist order. The parent shows them
in its derived fields (`subtasks_count`, `subtasks_completed_count`, `subtasks_url`; see
`render_parent`), which the to-do and card kinds render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from .base import Area, Request, no_content, ok, page

__all__ = ["AREA", "PARENTS", "complete", "create", "render_parent"]

PARENTS = frozenset({"Todo", "Card"})
"""The models a subtask can sit under."""


def _takes_subtasks(rec: Record) -> bool:
    # A recording that takes no subtasks (a message) is not found, as an unknown one is.
    return rec.kind in PARENTS


def _subtask(store: Store, request: Request) -> Record:
    rec = store.get(request.ids["subtask_id"], "Subtask")
    assert rec.parent_id is not None
    store.get(rec.parent_id)  # under a trashed to-do or card, it is gone with it
    return rec


def _renumber(store: Store, parent_id: int) -> None:
    # Positions count the checklist as shown: trashed subtasks hold none.
    for index, sibling in enumerate(store.kids(parent_id, "Subtask"), 1):
        sibling.data["position"] = index


def create(store: Store, parent: Record, body: Mapping[str, Any]) -> Record:
    """Add a subtask, last in the checklist of `parent` (a to-do or card)."""
    assert parent.project_id is not None
    rec = store.recording(
        "Subtask",
        "Subtask",
        str(body["title"]),
        project_id=parent.project_id,
        parent=parent,
        due_on=body.get("due_on"),
        assignees=store.people(body.get("assignee_ids")),
        completed=False,
        position=len(store.kids(parent.id, "Subtask")) + 1,
    )
    if rec.data.get("due_on") is None:
        rec.data.pop("due_on", None)  # the model's `due_on` is a date when present
    rec.data["completion_url"] = store.op_url("CompleteSubtask", subtask_id=rec.id)
    return rec


def complete(store: Store, rec: Record, completed: bool) -> None:
    """Tick a subtask off (who and when), or reopen it; a second call changes nothing."""
    if bool(rec.data.get("completed")) == completed:
        return
    rec.data["completed"] = completed
    if completed:
        now = store.now()
        me = store.person()
        rec.data.update(
            completed_at=now, completer=me, completion={"created_at": now, "creator": me}
        )
    else:
        for key in ("completed_at", "completer", "completion"):
            rec.data.pop(key, None)
    store.touch(rec)


def render_parent(store: Store, rec: Record, data: dict[str, Any]) -> None:
    """A to-do's or card's subtask fields, from the subtasks listed under it."""
    subtasks = store.kids(rec.id, "Subtask")
    data["subtasks_count"] = len(subtasks)
    data["subtasks_completed_count"] = sum(1 for s in subtasks if s.data.get("completed"))
    data["subtasks_url"] = store.op_url("ListSubtasks", recording_id=rec.id)


def _check_title(request: Request) -> None:
    title = request.body.get("title")
    if "title" in request.body and (not isinstance(title, str) or not title.strip()):
        raise invalid({"title": ["can't be blank"]})


def _get(store: Store, request: Request) -> FakeResponse:
    return ok(store.render(_subtask(store, request)))


def _list(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids["recording_id"])
    return page(store, request, [store.render(r) for r in store.kids(parent.id, "Subtask")])


def _create(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids["recording_id"])
    _check_title(request)
    return ok(store.render(create(store, parent, request.body)), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = _subtask(store, request)
    _check_title(request)
    body = request.body
    # A partial update: only the fields sent change (`null` clears a due date).
    if "title" in body:
        rec.data["title"] = body["title"]
    if "due_on" in body:
        if body["due_on"] is None:
            rec.data.pop("due_on", None)
        else:
            rec.data["due_on"] = body["due_on"]
    if "assignee_ids" in body:
        rec.data["assignees"] = store.people(body["assignee_ids"])
    store.touch(rec)
    return ok(store.render(rec))


def _delete(store: Store, request: Request) -> FakeResponse:
    rec = _subtask(store, request)
    store.set_status(rec, "trashed")
    assert rec.parent_id is not None
    _renumber(store, rec.parent_id)
    return no_content()


def _complete(store: Store, request: Request) -> FakeResponse:
    rec = _subtask(store, request)
    complete(store, rec, request.op.operation_id == "CompleteSubtask")
    return no_content()


def _reposition(store: Store, request: Request) -> FakeResponse:
    rec = _subtask(store, request)
    position = request.body["position"]
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise invalid({"position": ["must be a whole number of at least 1"]})
    assert rec.parent_id is not None
    parent = store.get(rec.parent_id)
    # `position` counts among the active subtasks; trashed ones keep their place behind.
    active = [r.id for r in store.kids(parent.id, "Subtask") if r.id != rec.id]
    siblings = store.children[parent.id]
    index = siblings.index(active[position - 1]) if position <= len(active) else None
    if index is not None and siblings.index(rec.id) < index:
        index -= 1  # `move` takes it out first
    store.move(rec, parent, index)
    _renumber(store, parent.id)
    store.touch(rec)
    return no_content()


AREA = Area(
    "subtasks",
    kinds=(Kind("Subtask", "GetSubtask", "subtask_id"),),
    handlers={
        "GetSubtask": _get,
        "ListSubtasks": _list,
        "CreateSubtask": _create,
        "UpdateSubtask": _update,
        "DeleteSubtask": _delete,
        "CompleteSubtask": _complete,
        "UncompleteSubtask": _complete,
        "RepositionSubtask": _reposition,
    },
    path_checks={
        "ListSubtasks": {"recording_id": _takes_subtasks},
        "CreateSubtask": {"recording_id": _takes_subtasks},
    },
)
