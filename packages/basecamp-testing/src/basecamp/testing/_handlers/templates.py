"""The template library: reusable to-do lists and card tables, copies of them into projects,
and templatifications (a project's list or card table saved into the library).

The library lives in a hidden bucket of its own (a record of kind `TemplateLibrary`, never a
`Project`: no project list shows it, and `GetProject` does not find it), made on first use
with a to-do set. Copies and templatifications are jobs that finish at once: their `status`
is `completed` and their destination is there when they are created.
"""

from __future__ import annotations

from typing import Any

from .._http import FakeResponse, invalid, not_found
from .._store import Kind, Record, Store
from . import card_tables, projects, todos
from .base import Area, Request, ok

__all__ = ["AREA", "LIBRARY", "library"]

LIBRARY = "TemplateLibrary"
"""The record kind of the library's hidden bucket."""

_DONE = "completed"
_TEMPLATE_KINDS = frozenset({"Todolist", "CardTable"})


def library(store: Store) -> Record:
    """The library's bucket (made, with its to-do set, on first use)."""
    for rec in store.records.values():
        if rec.kind == LIBRARY:
            return rec
    library_id = store.next_id()
    bucket = store.add(
        Record(library_id, LIBRARY, {"id": library_id, "name": "Templates"}, library_id, None)
    )
    todoset = store.recording("Todoset", "Todoset", "To-dos", project_id=library_id, parent=None)
    store.set_fields("Todoset", todoset.data, name="todoset", position=1)
    todoset.data["todolists_url"] = store.op_url("ListTodolists", todoset_id=todoset.id)
    bucket.data["todoset_id"] = todoset.id
    bucket.data["kanban_boardset"] = None
    return bucket


def _todoset(store: Store, bucket: Record) -> Record:
    return store.records[bucket.data["todoset_id"]]


def _card_table(store: Store, project_id: int, name: str) -> Record:
    table = store.recording("CardTable", "Kanban::Board", name, project_id=project_id, parent=None)
    store.set_fields("CardTable", table.data, name="kanban_board")
    return table


def _copy_todolist(
    store: Store, source: Record, parent: Record, name: str, *, assignments: bool = True
) -> Record:
    """A copy of to-do list `source` (its open and done to-dos) in to-do set `parent`."""
    copy = todos.create_list(store, parent, name, str(source.data.get("description") or ""))
    for todo in store.kids(source.id, "Todo"):
        people = [p["id"] for p in todo.data.get("assignees", ())] if assignments else []
        fields = {
            "content": todo.data["content"],
            "description": todo.data.get("description") or "",
            "due_on": todo.data.get("due_on"),
            "starts_on": todo.data.get("starts_on"),
            "assignee_ids": people,
        }
        made = todos.create(store, copy, fields)
        if todo.data.get("completed"):
            todos.complete(store, made, True)
    return copy


def _copy_card_table(
    store: Store, source: Record, project_id: int, name: str, *, to_triage: bool = False
) -> Record:
    """A copy of card table `source` (its columns and cards) in project `project_id`."""
    copy = _card_table(store, project_id, name)
    columns: list[Record] = []
    for column in store.kids(source.id, "CardColumn"):
        target = card_tables.create_column(
            store, copy, column.data["title"], str(column.data.get("description") or "")
        )
        columns.append(target)
        for card in store.kids(column.id, "Card"):
            fields = {
                "title": card.data["title"],
                "content": card.data.get("content") or "",
                "due_on": card.data.get("due_on"),
            }
            card_tables.create_card(store, columns[0] if to_triage else target, fields)
    return copy


def _render_job(store: Store, rec: Record, data: dict[str, Any]) -> None:
    # A job shows its destination as it is now, not as it was when the job ran.
    for key in ("destination_todolist", "destination_card_table"):
        made = data.get(key)
        if isinstance(made, dict) and (target := store.records.get(made["id"])) is not None:
            data[key] = store.render(target)


def _job(store: Store, model: str, source: Record, made: Record, **values: Any) -> Record:
    job_id = store.next_id()
    data = store.factory.build(model, job_id)
    key = "destination_todolist" if made.kind == "Todolist" else "destination_card_table"
    store.set_fields(
        model, data, status=_DONE, source_recording_id=source.id, **{key: store.render(made)}
    )
    store.set_fields(model, data, **values)
    return store.add(Record(job_id, model, data, made.project_id, None))


# -- the library --------------------------------------------------------------------------------


def _todolists(store: Store, request: Request) -> FakeResponse:
    bucket = library(store)
    todoset = _todoset(store, bucket)
    lists = [store.render(r) for r in store.kids(todoset.id, "Todolist")]
    return ok(
        {
            "bucket": store.bucket(bucket.id),
            "todoset": store.parent_ref(todoset),
            "todolists": lists,
        }
    )


def _create_todolist(store: Store, request: Request) -> FakeResponse:
    todoset = _todoset(store, library(store))
    description = str(request.body.get("description") or "")
    rec = todos.create_list(store, todoset, str(request.body["name"]), description)
    return ok(store.render(rec), 201)


def _card_tables(store: Store, request: Request) -> FakeResponse:
    bucket = library(store)
    tables = [store.render(r) for r in store.kids(bucket.id, "CardTable")]
    return ok(
        {
            "bucket": store.bucket(bucket.id),
            "kanban_boardset": bucket.data["kanban_boardset"],
            "card_tables": tables,
        }
    )


def _create_card_table(store: Store, request: Request) -> FakeResponse:
    bucket = library(store)
    table = _card_table(store, bucket.id, str(request.body["name"]))
    for title in ("Triage", "In progress", "Done"):
        card_tables.create_column(store, table, title)
    if bucket.data["kanban_boardset"] is None:
        boardset_id = store.next_id()
        bucket.data["kanban_boardset"] = {
            "id": boardset_id,
            "title": "Card Tables",
            "type": "Kanban::Boardset",
            "url": store.recording_url(boardset_id, "card_tables.json"),
            "app_url": store.app_url(f"buckets/{bucket.id}/kanban/boardsets/{boardset_id}"),
        }
    return ok(store.render(table), 201)


# -- copies into a project ----------------------------------------------------------------------


def _destination(store: Store, body: dict[str, Any], template: Record) -> Record:
    """Where a copy of `template` goes: a project's to-do set, or the project (card tables)."""
    project_id = body.get("destination_project_id")
    parent_id = body.get("destination_parent_id")
    if project_id is None and parent_id is None:
        raise invalid({"destination_project_id": ["can't be blank"]})
    project: Record | None = None
    if project_id is not None:
        project = store.records.get(project_id) if isinstance(project_id, int) else None
        if project is None or project.kind != "Project" or project.data["status"] == "trashed":
            raise invalid({"destination_project_id": ["is invalid"]})
    if template.kind == "CardTable":
        if project is None:
            parent = store.records.get(parent_id) if isinstance(parent_id, int) else None
            if parent is None or parent.project_id is None:
                raise invalid({"destination_parent_id": ["is invalid"]})
            project = store.get(parent.project_id, "Project")
        return project
    if parent_id is None:
        assert project is not None
        return projects.dock(store, project.id, "todoset")
    parent = store.records.get(parent_id) if isinstance(parent_id, int) else None
    if (
        parent is None
        or parent.kind != "Todoset"
        or parent.data.get("status") == "trashed"
        or (project is not None and parent.project_id != project.id)
        or parent.project_id is None
        or store.records[parent.project_id].kind != "Project"  # not the library's own
    ):
        raise invalid({"destination_parent_id": ["is invalid"]})
    return parent


def _create_copy(store: Store, request: Request) -> FakeResponse:
    bucket = library(store)
    template_id = request.body["template_recording_id"]
    template = store.records.get(template_id) if isinstance(template_id, int) else None
    if (
        template is None
        or template.kind not in _TEMPLATE_KINDS
        or template.project_id != bucket.id
        or template.data.get("status") == "trashed"
    ):
        raise invalid({"template_recording_id": ["is not a template of the library"]})
    target = _destination(store, request.body, template)
    name = template.data["title"]
    if template.kind == "Todolist":
        made = _copy_todolist(store, template, target, name)
    else:
        made = _copy_card_table(store, template, target.id, name)
    job = _job(store, "TemplateLibraryCopy", template, made, destination_parent_id=target.id)
    job.data["url"] = store.op_url("GetTemplateLibraryCopy", copy_id=job.id)
    return ok(store.render(job), 201)


# -- templatifications --------------------------------------------------------------------------


def _is_template_kind(rec: Record) -> bool:
    return rec.kind in _TEMPLATE_KINDS


def _original(store: Store, request: Request) -> Record:
    rec = store.get(request.ids["recording_id"])
    if rec.project_id != request.ids["project_id"]:
        raise not_found()  # a list or card table of another project
    return rec


def _create_templatification(store: Store, request: Request) -> FakeResponse:
    source = _original(store, request)
    bucket = library(store)
    body = request.body
    name = body.get("template_name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise invalid({"template_name": ["can't be blank"]})
    name = name or source.data["title"]
    if source.kind == "Todolist":
        keep = bool(body.get("copy_assignments"))
        made = _copy_todolist(store, source, _todoset(store, bucket), name, assignments=keep)
    else:
        to_triage = bool(body.get("move_cards_to_triage"))
        made = _copy_card_table(store, source, bucket.id, name, to_triage=to_triage)
    job = _job(store, "Templatification", source, made)
    job.data["url"] = store.op_url(
        "GetTemplatification",
        project_id=source.project_id,
        recording_id=source.id,
        templatification_id=job.id,
    )
    return ok(store.render(job), 201)


def _get_templatification(store: Store, request: Request) -> FakeResponse:
    source = _original(store, request)
    job = store.get(request.ids["templatification_id"], "Templatification")
    if job.data["source_recording_id"] != source.id:
        raise not_found()
    return ok(store.render(job))


AREA = Area(
    "templates",
    kinds=(
        Kind("TemplateLibraryCopy", "GetTemplateLibraryCopy", "copy_id", render=_render_job),
        Kind(
            "Templatification",
            "GetTemplatification",
            "templatification_id",
            render=_render_job,
        ),
    ),
    handlers={
        "GetTemplateLibraryTodolists": _todolists,
        "CreateTemplateLibraryTodolist": _create_todolist,
        "GetTemplateLibraryCardTables": _card_tables,
        "CreateTemplateLibraryCardTable": _create_card_table,
        "CreateTemplateLibraryCopy": _create_copy,
        "CreateTemplatification": _create_templatification,
        "GetTemplatification": _get_templatification,
    },
    path_checks={
        "CreateTemplatification": {"recording_id": _is_template_kind},
        "GetTemplatification": {"recording_id": _is_template_kind},
    },
)
