"""To-do sets, to-do lists (and their groups) and to-dos."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from . import subtasks
from .base import Area, Request, no_content, ok, page, status_filter

__all__ = ["AREA", "complete", "create", "create_list"]


def create_list(store: Store, parent: Record, name: str, description: str = "") -> Record:
    """Add a to-do list to a to-do set (or a group to a list)."""
    assert parent.project_id is not None
    rec = store.recording(
        "Todolist",
        "Todolist",
        name,
        project_id=parent.project_id,
        parent=parent,
        name=name,
        description=description,
        color=None,
    )
    store.set_fields(
        "Todolist",
        rec.data,
        todos_url=store.op_url("ListTodos", todolist_id=rec.id),
        groups_url=store.op_url("ListTodolistGroups", todolist_id=rec.id),
        bubble_up_url=store.recording_url(rec.id, "bubble_up.json"),
        comments_app_url=f"{rec.data['app_url']}#comments",
    )
    store.emit("created", rec)
    return rec


def create(store: Store, parent: Record, body: Mapping[str, Any]) -> Record:
    """Add a to-do to a list (or a loose one to a to-do set) from a `CreateTodo`-shaped body."""
    assert parent.project_id is not None
    content = str(body["content"])
    rec = store.recording(
        "Todo",
        "Todo",
        content,
        project_id=parent.project_id,
        parent=parent,
        content=content,
        description=body.get("description") or "",
        due_on=body.get("due_on"),
        starts_on=body.get("starts_on"),
        assignees=store.people(body.get("assignee_ids")),
        completion_subscribers=store.people(body.get("completion_subscriber_ids")),
        completed=False,
        position=len(store.children.get(parent.id, ())) + 1,
    )
    rec.data["completion_url"] = store.op_url("CompleteTodo", todo_id=rec.id)
    store.emit("created", rec)
    return rec


def complete(store: Store, rec: Record, completed: bool) -> None:
    """Complete or uncomplete a to-do."""
    if bool(rec.data.get("completed")) == completed:
        return  # completing twice is a no-op, as in Basecamp (and no second webhook)
    rec.data["completed"] = completed
    rec.data["updated_at"] = store.now()
    if completed:
        completion = {"created_at": rec.data["updated_at"], "creator": store.person()}
        store.set_fields("Todo", rec.data, completion=completion)
    else:
        rec.data.pop("completion", None)
    store.emit("completed" if completed else "uncompleted", rec)


def _render_list(store: Store, rec: Record, data: dict[str, Any]) -> None:
    todos = store.kids(rec.id, "Todo")
    done = sum(1 for t in todos if t.data.get("completed"))
    data["completed_ratio"] = f"{done}/{len(todos)}"
    data["completed"] = bool(todos) and done == len(todos)


def _render_set(store: Store, rec: Record, data: dict[str, Any]) -> None:
    lists = store.kids(rec.id, "Todolist")
    todos = [t for tl in lists for t in store.kids(tl.id, "Todo")]
    done = sum(1 for t in todos if t.data.get("completed"))
    data.update(
        todolists_count=len(lists),
        completed_ratio=f"{done}/{len(todos)}",
        completed=bool(todos) and done == len(todos),
    )


def _list_lists(store: Store, request: Request) -> FakeResponse:
    lists = store.kids(request.ids["todoset_id"], "Todolist", status_filter(request))
    return page(store, request, [store.render(r) for r in lists])


def _list_groups(store: Store, request: Request) -> FakeResponse:
    groups = store.kids(request.ids["todolist_id"], "Todolist")
    return page(store, request, [store.render(r) for r in groups])


def _create_list(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids.get("todoset_id") or request.ids["todolist_id"])
    name = str(request.body["name"])
    rec = create_list(store, parent, name, str(request.body.get("description") or ""))
    return ok(store.render(rec), 201)


def _update_list(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["todolist_id"], "Todolist")
    rec.data["name"] = rec.data["title"] = request.body["name"]
    if "description" in request.body:
        rec.data["description"] = request.body["description"] or ""
    store.touch(rec)
    store.emit("changed", rec)
    return ok(store.render(rec))


def _list(store: Store, request: Request) -> FakeResponse:
    completed = (request.q("completed") or "").lower() in ("true", "1")
    todos = store.kids(request.ids["todolist_id"], "Todo", status_filter(request))
    items = [store.render(t) for t in todos if bool(t.data.get("completed")) == completed]
    return page(store, request, items)


def _create(store: Store, request: Request) -> FakeResponse:
    parent = store.get(request.ids.get("todolist_id") or request.ids["todoset_id"])
    return ok(store.render(create(store, parent, request.body)), 201)


def _replace(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["todo_id"], "Todo")
    body = request.body
    # A full replace: every omitted field is cleared, as Basecamp does.
    rec.data.update(
        content=body["content"],
        title=body["content"],
        description=body.get("description") or "",
        due_on=body.get("due_on"),
        starts_on=body.get("starts_on"),
        assignees=store.people(body.get("assignee_ids")),
        completion_subscribers=store.people(body.get("completion_subscriber_ids")),
    )
    store.touch(rec)
    store.emit("changed", rec)
    return ok(store.render(rec))


def _complete(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["todo_id"], "Todo")
    complete(store, rec, request.op.operation_id == "CompleteTodo")
    return no_content()


def _reposition(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["todo_id"], "Todo")
    position = request.body["position"]
    if not isinstance(position, int) or position < 1:
        raise invalid({"position": ["must be a whole number of at least 1"]})
    old_parent = rec.parent_id
    new_parent = request.body.get("parent_id") or old_parent
    target = store.records.get(new_parent) if isinstance(new_parent, int) else None
    if (
        target is None
        or target.kind not in ("Todolist", "Todoset")
        or target.project_id != rec.project_id
    ):
        raise invalid({"parent_id": ["is invalid"]})
    store.move(rec, target, position - 1)
    for index, sibling in enumerate(store.kids(target.id, "Todo", None), 1):
        sibling.data["position"] = index
    store.touch(rec)
    if target.id != old_parent:
        store.emit("moved", rec)
    return no_content()


AREA = Area(
    "todos",
    kinds=(
        Kind("Todoset", "GetTodoset", "todoset_id", render=_render_set),
        Kind("Todolist", "GetTodolistOrGroup", "todolist_id", "todolist", _render_list),
        Kind("Todo", "GetTodo", "todo_id", "todo", subtasks.render_parent),
    ),
    handlers={
        "ListTodolists": _list_lists,
        "ListTodolistGroups": _list_groups,
        "CreateTodolist": _create_list,
        "CreateTodolistGroup": _create_list,
        "UpdateTodolistOrGroup": _update_list,
        "ListTodos": _list,
        "CreateTodo": _create,
        "CreateTodosetTodo": _create,
        "ReplaceTodo": _replace,
        "CompleteTodo": _complete,
        "UncompleteTodo": _complete,
        "RepositionTodo": _reposition,
    },
    path_params={"group_id": "Todolist"},
)
