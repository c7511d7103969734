"""Projects and their dock (message board, to-dos, docs, chat, schedule, card table...)."""

from __future__ import annotations

from typing import Any

from .._http import FakeResponse, invalid
from .._store import Kind, Record, Store
from . import card_tables
from .base import Area, Request, no_content, ok, page, status_filter

__all__ = ["AREA", "create", "dock"]

# The dock of a new project: (model, Basecamp type, dock name, title, {field: list operation}).
_DOCK: tuple[tuple[str, str, str, str, dict[str, tuple[str, str]]], ...] = (
    ("MessageBoard", "Message::Board", "message_board", "Message Board",
     {"messages_url": ("ListMessages", "board_id")}),
    ("Todoset", "Todoset", "todoset", "To-dos",
     {"todolists_url": ("ListTodolists", "todoset_id")}),
    ("Vault", "Vault", "vault", "Docs & Files",
     {"uploads_url": ("ListUploads", "vault_id"), "vaults_url": ("ListVaults", "vault_id")}),
    ("Campfire", "Chat::Transcript", "chat", "Campfire",
     {"lines_url": ("ListCampfireLines", "campfire_id")}),
    ("Schedule", "Schedule", "schedule", "Schedule", {}),
    ("Questionnaire", "Questionnaire", "questionnaire", "Automatic Check-ins", {}),
    ("CardTable", "Kanban::Board", "kanban_board", "Card Table", {}),
    ("Inbox", "Inbox", "inbox", "Email Forwards", {}),
)  # fmt: skip
_COLUMNS = ("Triage", "In progress", "Done")


def create(store: Store, name: str, description: str = "", *, status: str = "active") -> Record:
    """Add a project with its full dock; its card table gets three columns."""
    project_id = store.next_id()
    now = store.now()
    data = store.factory.build("Project", project_id)
    store.set_fields(
        "Project",
        data,
        status=status,
        created_at=now,
        updated_at=now,
        name=name,
        description=description,
        purpose="topic",
        clients_enabled=False,
        bookmarked=False,
        url=store.url("Project", project_id),
        app_url=store.app_url(f"projects/{project_id}"),
        bookmark_url=store.recording_url(project_id, "bookmark.json"),
    )
    project = store.add(Record(project_id, "Project", data, project_id, None))
    tools: list[dict[str, Any]] = []
    for position, (kind, type_name, dock_name, title, lists) in enumerate(_DOCK, 1):
        tool = store.recording(kind, type_name, title, project_id=project_id, parent=None)
        store.set_fields(kind, tool.data, name=dock_name, position=position)
        for key, (op_id, param) in lists.items():
            tool.data[key] = store.op_url(op_id, **{param: tool.id})
        if kind == "Campfire":
            tool.data["topic"] = title
        tools.append(
            {
                "id": tool.id,
                "title": title,
                "name": dock_name,
                "enabled": True,
                "position": position,
                "url": tool.data["url"],
                "app_url": tool.data["app_url"],
            }
        )
    project.data["dock"] = tools
    table = store.dock_record(project_id, "CardTable")
    if table is not None:
        for title in _COLUMNS:
            card_tables.create_column(store, table, title)
    return project


def dock(store: Store, project_id: int, name: str) -> Record:
    """A project's dock tool by dock name (`todoset`, `vault`, `chat`...); `KeyError` if none."""
    project = store.get(project_id, "Project")
    for tool in project.data["dock"]:
        if tool["name"] == name:
            return store.records[tool["id"]]
    raise KeyError(name)


def _list(store: Store, request: Request) -> FakeResponse:
    status = status_filter(request)
    items = [
        store.render(r)
        for r in store.records.values()
        if r.kind == "Project" and r.data["status"] == status
    ]
    return page(store, request, items)


def _create(store: Store, request: Request) -> FakeResponse:
    name = str(request.body["name"])
    if any(
        r.kind == "Project" and r.data["name"] == name and r.data["status"] != "trashed"
        for r in store.records.values()
    ):
        raise invalid({"name": ["has already been taken"]})
    project = create(store, name, str(request.body.get("description") or ""))
    return ok(store.render(project), 201)


def _update(store: Store, request: Request) -> FakeResponse:
    rec = store.get(request.ids["project_id"], "Project")
    rec.data["name"] = request.body["name"]
    if "description" in request.body:
        rec.data["description"] = request.body["description"] or ""
    store.touch(rec)
    return ok(store.render(rec))


def _trash(store: Store, request: Request) -> FakeResponse:
    store.set_status(store.get(request.ids["project_id"], "Project"), "trashed")
    return no_content()


def _archive(store: Store, request: Request) -> FakeResponse:
    status = "archived" if request.op.operation_id == "ArchiveProject" else "active"
    store.set_status(store.get(request.ids["project_id"], "Project"), status)
    return no_content()


AREA = Area(
    "projects",
    kinds=(
        Kind("Project", "GetProject", "project_id"),
        # Dock tools with no state of their own beyond the record.
        Kind("Schedule", "GetSchedule", "schedule_id"),
        Kind("Questionnaire", "GetQuestionnaire", "questionnaire_id"),
        Kind("Inbox", "GetInbox", "inbox_id"),
    ),
    handlers={
        "ListProjects": _list,
        "CreateProject": _create,
        "UpdateProject": _update,
        "TrashProject": _trash,
        "ArchiveProject": _archive,
        "UnarchiveProject": _archive,
    },
)
