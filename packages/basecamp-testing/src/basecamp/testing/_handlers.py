"""The stateful operations: projects, to-dos, messages, uploads, card tables, webhooks...

Each handler receives the fake (holding its lock) and the parsed request. The JSON body is already
parsed (400 otherwise), then path ids checked to exist with the right model (404 otherwise), and
only then required body fields checked to be present and not blank (422 otherwise). Importing
this module registers them in `_fake._HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ._fake import _READERS, FakeBasecamp, _Ctx, _handles, _invalid, _Rec
from ._http import FakeResponse


def _touch(rec: _Rec, fake: FakeBasecamp) -> None:
    rec.data["updated_at"] = fake._now()


@_handles("ListProjects")
def _list_projects(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    status = fake._status_filter(ctx)
    items = [
        fake._render(r)
        for r in fake._records.values()
        if r.kind == "Project" and r.data["status"] == status
    ]
    return fake._list(ctx, items)


@_handles(*(reader for reader, _ in _READERS.values()))
def _get_record(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    # The path ids were checked against their models already; the last one is the record.
    record_id = list(ctx.ids.values())[-1]
    return fake._json(fake._render(fake._get(record_id)))


@_handles("CreateProject")
def _create_project(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    name = str(ctx.body["name"])
    if any(
        r.kind == "Project" and r.data["name"] == name and r.data["status"] != "trashed"
        for r in fake._records.values()
    ):
        raise _invalid({"name": ["has already been taken"]})
    return fake._json(fake.add_project(name, str(ctx.body.get("description") or "")), 201)


@_handles("UpdateProject")
def _update_project(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["project_id"], "Project")
    rec.data["name"] = ctx.body["name"]
    if "description" in ctx.body:
        rec.data["description"] = ctx.body["description"] or ""
    _touch(rec, fake)
    return fake._json(fake._render(rec))


def _set_status(fake: FakeBasecamp, rec: _Rec, status: str) -> None:
    if rec.data.get("status") == status:
        return
    rec.data["status"] = status
    _touch(rec, fake)
    action = {"trashed": "trashed", "archived": "archived", "active": "unarchived"}[status]
    fake._emit(action, rec)


@_handles("TrashProject")
def _trash_project(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    _set_status(fake, fake._get(ctx.ids["project_id"], "Project"), "trashed")
    return fake._none()


@_handles("ArchiveProject", "UnarchiveProject")
def _archive_project(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    status = "archived" if ctx.op.operation_id == "ArchiveProject" else "active"
    _set_status(fake, fake._get(ctx.ids["project_id"], "Project"), status)
    return fake._none()


@_handles("TrashRecording", "ArchiveRecording", "UnarchiveRecording")
def _recording_status(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    status = {"TrashRecording": "trashed", "ArchiveRecording": "archived"}.get(
        ctx.op.operation_id, "active"
    )
    _set_status(fake, fake._get(ctx.ids["recording_id"]), status)
    return fake._none()


@_handles("ListPeople", "ListPingablePeople", "ListProjectPeople")
def _list_people(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    people = [fake._render(r) for r in fake._records.values() if r.kind == "Person"]
    return fake._list(ctx, people)


@_handles("GetMyProfile")
def _my_profile(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._json(fake._person())


@_handles("UpdateMyProfile")
def _update_profile(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._records[fake.me["id"]]
    fake._set("Person", rec.data, **{k: v for k, v in ctx.body.items() if k != "id"})
    return fake._none()


@_handles("ListTodolists")
def _list_todolists(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    status = fake._status_filter(ctx)
    items = [fake._render(r) for r in fake._kids(ctx.ids["todoset_id"], "Todolist", status)]
    return fake._list(ctx, items)


@_handles("ListTodolistGroups")
def _list_groups(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(
        ctx, [fake._render(r) for r in fake._kids(ctx.ids["todolist_id"], "Todolist")]
    )


@_handles("CreateTodolist", "CreateTodolistGroup")
def _create_todolist(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    parent = fake._get(ctx.ids.get("todoset_id") or ctx.ids["todolist_id"])
    rec = fake._new_todolist(parent, str(ctx.body["name"]), str(ctx.body.get("description") or ""))
    return fake._json(fake._render(rec), 201)


@_handles("UpdateTodolistOrGroup")
def _update_todolist(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["todolist_id"], "Todolist")
    rec.data["name"] = rec.data["title"] = ctx.body["name"]
    if "description" in ctx.body:
        rec.data["description"] = ctx.body["description"] or ""
    _touch(rec, fake)
    fake._emit("changed", rec)
    return fake._json(fake._render(rec))


@_handles("ListTodos")
def _list_todos(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    completed = (ctx.q("completed") or "").lower() in ("true", "1")
    todos = fake._kids(ctx.ids["todolist_id"], "Todo", fake._status_filter(ctx))
    items = [fake._render(t) for t in todos if bool(t.data.get("completed")) == completed]
    return fake._list(ctx, items)


@_handles("CreateTodo", "CreateTodosetTodo")
def _create_todo(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    parent = fake._get(ctx.ids.get("todolist_id") or ctx.ids["todoset_id"])
    return fake._json(fake._render(fake._new_todo(parent, ctx.body)), 201)


@_handles("ReplaceTodo")
def _replace_todo(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["todo_id"], "Todo")
    body = ctx.body
    # A full replace: every omitted field is cleared, as Basecamp does.
    rec.data.update(
        content=body["content"],
        title=body["content"],
        description=body.get("description") or "",
        due_on=body.get("due_on"),
        starts_on=body.get("starts_on"),
        assignees=fake._people(body.get("assignee_ids")),
        completion_subscribers=fake._people(body.get("completion_subscriber_ids")),
    )
    _touch(rec, fake)
    fake._emit("changed", rec)
    return fake._json(fake._render(rec))


@_handles("CompleteTodo", "UncompleteTodo")
def _complete_todo(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["todo_id"], "Todo")
    fake._complete(rec, ctx.op.operation_id == "CompleteTodo")
    return fake._none()


@_handles("RepositionTodo")
def _reposition_todo(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["todo_id"], "Todo")
    position = ctx.body["position"]
    if not isinstance(position, int) or position < 1:
        raise _invalid({"position": ["must be a whole number of at least 1"]})
    old_parent = rec.parent_id
    new_parent = ctx.body.get("parent_id") or old_parent
    target = fake._records.get(new_parent) if isinstance(new_parent, int) else None
    if (
        target is None
        or target.kind not in ("Todolist", "Todoset")
        or target.project_id != rec.project_id
    ):
        raise _invalid({"parent_id": ["is invalid"]})
    assert old_parent is not None
    fake._children[old_parent].remove(rec.id)
    siblings = fake._children.setdefault(target.id, [])
    siblings.insert(min(position - 1, len(siblings)), rec.id)
    rec.parent_id = target.id
    rec.data["parent"] = fake._parent_ref(target)
    for index, sibling in enumerate(fake._kids(target.id, "Todo", None), 1):
        sibling.data["position"] = index
    _touch(rec, fake)
    if target.id != old_parent:
        fake._emit("moved", rec)
    return fake._none()


@_handles("ListMessages")
def _list_messages(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    items = [fake._render(r) for r in fake._kids(ctx.ids["board_id"], "Message")]
    if ctx.q("direction") == "asc":
        return fake._list(ctx, items)
    return fake._list(ctx, items[::-1])  # newest first, as Basecamp lists them


@_handles("CreateMessage")
def _create_message(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    board = fake._get(ctx.ids["board_id"], "MessageBoard")
    return fake._json(fake._render(fake._new_message(board, ctx.body)), 201)


@_handles("UpdateMessage")
def _update_message(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["message_id"], "Message")
    if ctx.body.get("subject"):
        rec.data["subject"] = rec.data["title"] = ctx.body["subject"]
    if "content" in ctx.body:
        rec.data["content"] = ctx.body["content"] or ""
    _touch(rec, fake)
    fake._emit("changed", rec)
    return fake._json(fake._render(rec))


@_handles("ListComments")
def _list_comments(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(
        ctx, [fake._render(r) for r in fake._kids(ctx.ids["recording_id"], "Comment")]
    )


@_handles("CreateComment")
def _create_comment(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    parent = fake._get(ctx.ids["recording_id"])
    return fake._json(fake._render(fake._new_comment(parent, str(ctx.body["content"]))), 201)


@_handles("UpdateComment")
def _update_comment(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["comment_id"], "Comment")
    rec.data["content"] = ctx.body["content"]
    _touch(rec, fake)
    fake._emit("content_changed", rec)
    return fake._json(fake._render(rec))


@_handles("ListVaults")
def _list_vaults(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(ctx, [fake._render(r) for r in fake._kids(ctx.ids["vault_id"], "Vault")])


@_handles("CreateVault")
def _create_vault(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    parent = fake._get(ctx.ids["vault_id"], "Vault")
    assert parent.project_id is not None
    title = str(ctx.body["title"])
    rec = fake._recording("Vault", "Vault", title, project_id=parent.project_id, parent=parent)
    rec.data["uploads_url"] = fake._op_url("ListUploads", vault_id=rec.id)
    rec.data["vaults_url"] = fake._op_url("ListVaults", vault_id=rec.id)
    fake._emit("created", rec)
    return fake._json(fake._render(rec), 201)


@_handles("UpdateVault")
def _update_vault(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["vault_id"], "Vault")
    if ctx.body.get("title"):
        rec.data["title"] = ctx.body["title"]
    _touch(rec, fake)
    return fake._json(fake._render(rec))


@_handles("ListUploads")
def _list_uploads(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(ctx, [fake._render(r) for r in fake._kids(ctx.ids["vault_id"], "Upload")])


@_handles("CreateAttachment")
def _create_attachment(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    name = ctx.q("name")
    if not name or not name.strip():
        raise _invalid({"name": ["can't be blank"]})
    if not ctx.raw:
        raise _invalid({"file": ["can't be blank"]})
    content_type = ctx.content_type or "application/octet-stream"
    return fake._json({"attachable_sgid": fake.add_attachment(ctx.raw, name, content_type)}, 201)


@_handles("CreateUpload")
def _create_upload(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    vault = fake._get(ctx.ids["vault_id"], "Vault")
    body = ctx.body
    rec = fake._new_upload(
        vault, str(body["attachable_sgid"]), body.get("base_name"), body.get("description") or ""
    )
    return fake._json(fake._render(rec), 201)


@_handles("UpdateUpload")
def _update_upload(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["upload_id"], "Upload")
    if "description" in ctx.body:
        rec.data["description"] = ctx.body["description"] or ""
    _touch(rec, fake)
    fake._emit("changed", rec)
    return fake._json(fake._render(rec))


@_handles("ListCampfires")
def _list_campfires(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    items = [
        fake._render(r)
        for r in fake._records.values()
        if r.kind == "Campfire"
        and r.data["status"] == "active"
        and fake._records[r.project_id or 0].data["status"] == "active"
    ]
    return fake._list(ctx, items)


@_handles("ListCampfireLines")
def _list_lines(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    items = [fake._render(r) for r in fake._kids(ctx.ids["campfire_id"], "CampfireLine")]
    return fake._list(ctx, items if ctx.q("direction") == "asc" else items[::-1])


@_handles("CreateCampfireLine")
def _create_line(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    campfire = fake._get(ctx.ids["campfire_id"], "Campfire")
    return fake._json(fake._render(fake._new_line(campfire, str(ctx.body["content"]))), 201)


@_handles("UpdateCampfireLine")
def _update_line(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["line_id"], "CampfireLine")
    rec.data["content"] = rec.data["title"] = ctx.body["content"]
    _touch(rec, fake)
    return fake._none()


@_handles("DeleteCampfireLine")
def _delete_line(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    _set_status(fake, fake._get(ctx.ids["line_id"], "CampfireLine"), "trashed")
    return fake._none()


@_handles("CreateCardColumn")
def _create_column(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    column = fake.add_card_column(
        ctx.ids["card_table_id"], str(ctx.body["title"]), str(ctx.body.get("description") or "")
    )
    return fake._json(column, 201)


@_handles("UpdateCardColumn")
def _update_column(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["column_id"], "CardColumn")
    for key in ("title", "description"):
        if ctx.body.get(key) is not None:
            rec.data[key] = ctx.body[key]
    _touch(rec, fake)
    return fake._json(fake._render(rec))


@_handles("ListCards")
def _list_cards(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(ctx, [fake._render(r) for r in fake._kids(ctx.ids["column_id"], "Card")])


@_handles("CreateCard")
def _create_card(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    column = fake._get(ctx.ids["column_id"], "CardColumn")
    return fake._json(fake._render(fake._new_card(column, ctx.body)), 201)


@_handles("UpdateCard")
def _update_card(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["card_id"], "Card")
    for key in ("title", "content", "due_on"):
        if ctx.body.get(key) is not None:
            rec.data[key] = ctx.body[key]
    if "assignee_ids" in ctx.body:
        rec.data["assignees"] = fake._people(ctx.body["assignee_ids"])
    _touch(rec, fake)
    fake._emit("changed", rec)
    return fake._json(fake._render(rec))


@_handles("MoveCard")
def _move_card(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["card_id"], "Card")
    target = (
        fake._records.get(ctx.body["column_id"]) if isinstance(ctx.body["column_id"], int) else None
    )
    if target is None or target.kind != "CardColumn" or target.project_id != rec.project_id:
        raise _invalid({"column_id": ["is invalid"]})
    assert rec.parent_id is not None
    fake._children[rec.parent_id].remove(rec.id)
    siblings = fake._children.setdefault(target.id, [])
    position = ctx.body.get("position")
    index = position - 1 if isinstance(position, int) and position >= 1 else len(siblings)
    siblings.insert(min(index, len(siblings)), rec.id)
    rec.parent_id = target.id
    rec.data["parent"] = fake._parent_ref(target)
    _touch(rec, fake)
    fake._emit("moved", rec)
    return fake._none()


def _check_payload_url(value: object) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid({"payload_url": ["is not a valid URL"]})
    return str(value)


def _check_types(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise _invalid({"types": ["must be a list of recording types"]})
    return list(value)


@_handles("ListWebhooks")
def _list_webhooks(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    return fake._list(ctx, [fake._render(r) for r in fake._kids(ctx.ids["project_id"], "Webhook")])


@_handles("CreateWebhook")
def _create_webhook(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    url = _check_payload_url(ctx.body["payload_url"])
    types = _check_types(ctx.body.get("types"))
    active = ctx.body.get("active")
    rec = fake._new_webhook(ctx.ids["project_id"], url, types, active is not False)
    return fake._json(fake._render(rec), 201)


@_handles("UpdateWebhook")
def _update_webhook(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    rec = fake._get(ctx.ids["webhook_id"], "Webhook")
    if ctx.body.get("payload_url") is not None:
        rec.data["payload_url"] = _check_payload_url(ctx.body["payload_url"])
    if ctx.body.get("types") is not None:
        rec.data["types"] = _check_types(ctx.body["types"])
    if ctx.body.get("active") is not None:
        rec.data["active"] = bool(ctx.body["active"])
    _touch(rec, fake)
    return fake._json(fake._render(rec))


@_handles("DeleteWebhook")
def _delete_webhook(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    fake._get(ctx.ids["webhook_id"], "Webhook").data["status"] = "trashed"
    return fake._none()


# -- the "everything" reports: account-wide views of the same state ------------------------------
#
# Stateful: open, completed, overdue, no-due-date and unassigned to-dos, messages and comments.
# The other reports (cards, check-ins, files, forwards...) answer generated records.


def _visible(fake: FakeBasecamp, rec: _Rec) -> bool:
    """Active, and so is everything it sits in, up to its project (what "accessible" means)."""
    seen: _Rec | None = rec
    while seen is not None:
        if seen.data.get("status") != "active":
            return False
        seen = fake._records.get(seen.parent_id) if seen.parent_id is not None else None
    project = fake._records.get(rec.project_id) if rec.project_id is not None else None
    return project is not None and project.data.get("status") == "active"


def _everywhere(fake: FakeBasecamp, kind: str) -> list[_Rec]:
    return [r for r in fake._records.values() if r.kind == kind and _visible(fake, r)]


def _todo_filter(fake: FakeBasecamp, ctx: _Ctx) -> Callable[[_Rec], bool]:
    """The reports' shared query filters: `assignee_ids[]` and `due` (unknown values ignored)."""
    wanted = {int(v) for k, v in ctx.query if k == "assignee_ids[]" and v.isdigit()}
    due = ctx.q("due")
    today = fake._today()

    def keep(todo: _Rec) -> bool:
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


_TODO_REPORTS: dict[str, Callable[[FakeBasecamp, _Rec], bool]] = {
    "GetEverythingOpenTodos": lambda fake, t: not t.data.get("completed"),
    "GetEverythingCompletedTodos": lambda fake, t: bool(t.data.get("completed")),
    "GetEverythingNoDueDateTodos": lambda fake, t: (
        not t.data.get("completed") and not t.data.get("due_on")
    ),
    "GetEverythingUnassignedTodos": lambda fake, t: (
        not t.data.get("completed") and not t.data.get("assignees")
    ),
}


@_handles(*_TODO_REPORTS)
def _todo_report(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    report = _TODO_REPORTS[ctx.op.operation_id]
    keep = _todo_filter(fake, ctx)
    groups: dict[int, list[dict[str, Any]]] = {}
    for todo in _everywhere(fake, "Todo"):
        if report(fake, todo) and keep(todo):
            assert todo.project_id is not None
            groups.setdefault(todo.project_id, []).append(fake._render(todo))
    # One `ProjectTodos` per project, in project order; the groups are what is paginated.
    items = [
        {"bucket": fake._bucket(project_id), "todos": todos}
        for project_id, todos in sorted(groups.items())
    ]
    return fake._list(ctx, items)


@_handles("GetEverythingOverdueTodos")
def _overdue_report(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    today = fake._today()
    keep = _todo_filter(fake, ctx)
    overdue = [
        t
        for t in _everywhere(fake, "Todo")
        if not t.data.get("completed") and t.data.get("due_on") and str(t.data["due_on"]) < today
    ]
    overdue = [t for t in overdue if keep(t)]
    overdue.sort(key=lambda t: (str(t.data["due_on"]), t.id))  # oldest due date first
    return fake._list(ctx, [fake._render(t) for t in overdue])


@_handles("GetEverythingMessages", "GetEverythingComments")
def _recordings_report(fake: FakeBasecamp, ctx: _Ctx) -> FakeResponse:
    kind = "Message" if ctx.op.operation_id == "GetEverythingMessages" else "Comment"
    found = sorted(_everywhere(fake, kind), key=lambda r: r.id, reverse=True)  # newest first
    return fake._list(ctx, [fake._render(r) for r in found])
