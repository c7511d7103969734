"""The account-wide `everything` reports, over the same state as the other areas.

Stateful: open, completed, overdue, no-due-date and unassigned to-dos, messages and comments.
The other reports (cards, check-ins, files, forwards...) answer generated records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._http import FakeResponse
from .._store import Record, Store
from .base import Area, Request, page

__all__ = ["AREA"]


def _visible(store: Store, rec: Record) -> bool:
    """Active, and so is everything it sits in, up to its project (what "accessible" means)."""
    seen: Record | None = rec
    while seen is not None:
        if seen.data.get("status") != "active":
            return False
        seen = store.records.get(seen.parent_id) if seen.parent_id is not None else None
    project = store.records.get(rec.project_id) if rec.project_id is not None else None
    return project is not None and project.data.get("status") == "active"


def _everywhere(store: Store, kind: str) -> list[Record]:
    return [r for r in store.records.values() if r.kind == kind and _visible(store, r)]


def _todo_filter(store: Store, request: Request) -> Callable[[Record], bool]:
    """The reports' shared query filters: `assignee_ids[]` and `due` (unknown values ignored)."""
    wanted = {int(v) for k, v in request.query if k == "assignee_ids[]" and v.isdigit()}
    due = request.q("due")
    today = store.today()

    def keep(todo: Record) -> bool:
        assigned = {p["id"] for p in todo.data.get("assignees") or ()}
        if wanted and not wanted & assigned:
            return False
        due_on = todo.data.get("due_on")
        if due == "with":
            return bool(due_on)
        if due == "without":
            return not due_on
        if due == "overdue":
            return bool(due_on) and str(due_on) < today
        return True

    return keep


_TODO_REPORTS: dict[str, Callable[[Record], bool]] = {
    "GetEverythingOpenTodos": lambda t: not t.data.get("completed"),
    "GetEverythingCompletedTodos": lambda t: bool(t.data.get("completed")),
    "GetEverythingNoDueDateTodos": lambda t: (
        not t.data.get("completed") and not t.data.get("due_on")
    ),
    "GetEverythingUnassignedTodos": lambda t: (
        not t.data.get("completed") and not t.data.get("assignees")
    ),
}


def _todo_report(store: Store, request: Request) -> FakeResponse:
    report = _TODO_REPORTS[request.op.operation_id]
    keep = _todo_filter(store, request)
    groups: dict[int, list[dict[str, Any]]] = {}
    for todo in _everywhere(store, "Todo"):
        if report(todo) and keep(todo):
            assert todo.project_id is not None
            groups.setdefault(todo.project_id, []).append(store.render(todo))
    # One `ProjectTodos` per project, in project order; the groups are what is paginated.
    items = [
        {"bucket": store.bucket(project_id), "todos": todos}
        for project_id, todos in sorted(groups.items())
    ]
    return page(store, request, items)


def _overdue_report(store: Store, request: Request) -> FakeResponse:
    today = store.today()
    keep = _todo_filter(store, request)
    overdue = [
        t
        for t in _everywhere(store, "Todo")
        if not t.data.get("completed") and t.data.get("due_on") and str(t.data["due_on"]) < today
    ]
    overdue = [t for t in overdue if keep(t)]
    overdue.sort(key=lambda t: (str(t.data["due_on"]), t.id))  # oldest due date first
    return page(store, request, [store.render(t) for t in overdue])


def _recordings_report(store: Store, request: Request) -> FakeResponse:
    kind = "Message" if request.op.operation_id == "GetEverythingMessages" else "Comment"
    found = sorted(_everywhere(store, kind), key=lambda r: r.id, reverse=True)  # newest first
    return page(store, request, [store.render(r) for r in found])


AREA = Area(
    "reports",
    handlers={
        **dict.fromkeys(_TODO_REPORTS, _todo_report),
        "GetEverythingOverdueTodos": _overdue_report,
        "GetEverythingMessages": _recordings_report,
        "GetEverythingComments": _recordings_report,
    },
)
