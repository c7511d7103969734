"""Every one of the registry's operations, sync and async, answered by the fake.

All but the ones listed in `not_yet_served.py`, which the fake has no handler for yet.

The sample arguments come from the services package's generated cases
(`packages/basecamp-services/tests/_generated/cases.py`); ids are swapped for records that exist
in a small world built per test, since the fake answers 404 for unknown ids.
"""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal, NotRequired, Required, Union

import pytest

from basecamp import AsyncClient, Client
from basecamp.services import OPERATIONS, models
from basecamp.testing import DEFAULT_BASE_URL, FakeBasecamp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import CASES_FILE, load_module
from not_yet_served import NOT_YET_SERVED_BY_THE_FAKE

ALL_CASES: list[dict[str, Any]] = load_module("_basecamp_testing_cases", CASES_FILE).CASES
# the operations the fake serves: the suite below runs these
CASES = [case for case in ALL_CASES if case["id"] not in NOT_YET_SERVED_BY_THE_FAKE]


class _Sink:
    """An in-process webhook receiver that accepts anything, so no test touches the network."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def handle_request(self, raw_body: bytes, headers: Any, /) -> None:
        self.bodies.append(raw_body)


def _post(fake: FakeBasecamp, path: str, fields: dict[str, Any]) -> Any:
    """Create something through the API (for what the fake has no builder for)."""
    url = f"{DEFAULT_BASE_URL}/{fake.account_id}{path}"
    headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    response = fake.handle("POST", url, headers, json.dumps(fields).encode())
    assert 200 <= response.status < 300, (path, response.status, response.body)
    return response.json() if response.body else None


def _world() -> tuple[FakeBasecamp, dict[str, Any]]:
    """A fake with one of each stateful record, and the ids to call operations with."""
    fake = FakeBasecamp(webhook_delivery="sync")
    fake.add_receiver(_Sink())
    project = fake.add_project("Ops")
    todoset = fake.dock(project["id"], "todoset")
    todolist = fake.add_todolist(todoset["id"], "List")
    other_list = fake.add_todolist(todoset["id"], "Other list")
    todo = fake.add_todo(todolist["id"], "Todo")
    board = fake.dock(project["id"], "message_board")
    message = fake.add_message(board["id"], "Subject")
    comment = fake.add_comment(message["id"], "Comment")
    vault = fake.dock(project["id"], "vault")
    upload = fake.add_upload(vault["id"], "a.txt", b"abc", content_type="text/plain")
    chat = fake.dock(project["id"], "chat")
    line = fake.add_campfire_line(chat["id"], "Hello")
    table = fake.dock(project["id"], "kanban_board")
    columns = [c["id"] for c in table["lists"]]
    card = fake.add_card(columns[0], "Card")
    webhook = fake.add_webhook(project["id"], "http://127.0.0.1:9/hook", ["Nothing"])
    # So that every stateful list has something to check (see `_EMPTY_WITH_THE_SAMPLE_FILTERS`).
    fake.add_comment(todo["id"], "On the to-do")
    fake.add_todo(other_list["id"], "Overdue", due_on="2024-01-01", assignee_ids=[fake.me["id"]])
    fake.add_todo(other_list["id"], "Done", completed=True)
    alice = fake.add_person("Alice Ames")
    clients = [fake.add_person(name, client=True) for name in ("Cleo Client", "Carl Client")]
    made: dict[str, Any] = {}
    for name, path, fields in (
        ("group", f"/todolists/{todolist['id']}/groups.json", {"name": "Group"}),
        ("folder", f"/vaults/{vault['id']}/vaults.json", {"title": "Folder"}),
        ("subtask", f"/recordings/{todo['id']}/subtasks.json", {"title": "Subtask"}),
        ("ping", "/circles.json", {"user_ids": [alice["id"]]}),
        ("embed", "/embeds.json", {"url": "https://example.com/one"}),
        ("visit", f"/projects/{project['id']}/recent_visit.json", {}),
        ("bubble_up", f"/recordings/{todo['id']}/bubble_up.json", {}),
        ("boost", f"/recordings/{todo['id']}/boosts.json", {"content": "+1"}),
        ("template", "/template_library/todolists.json", {"name": "Template"}),
        (
            "templatification",
            f"/buckets/{project['id']}/recordings/{todolist['id']}/templatifications.json",
            {},
        ),
    ):
        made[name] = _post(fake, path, fields)
    copy = {
        "template_recording_id": made["template"]["id"],
        "destination_project_id": project["id"],
    }
    made["library_copy"] = _post(fake, "/template_library/copies.json", copy)
    ids = {
        "project_id": project["id"],
        "todoset_id": todoset["id"],
        "todolist_id": todolist["id"],
        "group_id": other_list["id"],
        "todo_id": todo["id"],
        "board_id": board["id"],
        "message_id": message["id"],
        "comment_id": comment["id"],
        "vault_id": vault["id"],
        "upload_id": upload["id"],
        "campfire_id": chat["id"],
        "line_id": line["id"],
        "card_table_id": table["id"],
        "column_id": columns[0],
        "card_id": card["id"],
        "webhook_id": webhook["id"],
        "person_id": fake.me["id"],
        "schedule_id": fake.dock(project["id"], "schedule")["id"],
        "questionnaire_id": fake.dock(project["id"], "questionnaire")["id"],
        "inbox_id": fake.dock(project["id"], "inbox")["id"],
        "recording_id": todo["id"],
        "subtask_id": made["subtask"]["id"],
        "ping_id": made["ping"]["id"],
        "sgid": made["embed"]["sgid"],
        "copy_id": made["library_copy"]["id"],
        "boost_id": made["boost"]["id"],
        "templatification_id": made["templatification"]["id"],
    }
    # Body values that must name real things.
    body: dict[str, Any] = {
        "parent_id": other_list["id"],
        "attachable_sgid": fake.add_attachment(b"new bytes", "new.txt", "text/plain"),
        "payload_url": "http://127.0.0.1:9/hook",
        "types": ["Todo"],
        "assignee_ids": [fake.me["id"]],
    }
    # Values one operation needs (its sample would name nothing real, or be invalid).
    by_operation: dict[str, dict[str, Any]] = {
        "CreateEmbed": {"url": "https://example.com/two"},
        "CreatePing": {"user_ids": [alice["id"]]},
        "CreateTemplateLibraryCopy": {
            "template_recording_id": made["template"]["id"],
            "destination_project_id": project["id"],
            "destination_parent_id": todoset["id"],
        },
        "CreateTemplatification": {"recording_id": todolist["id"]},
        "GetTemplatification": {"recording_id": todolist["id"]},
        "MoveRecordingToVault": {"recording_id": upload["id"], "parent_id": made["folder"]["id"]},
        "UpdateProjectClientAccess": {
            "grant": [clients[0]["id"]],
            "revoke": [clients[1]["id"]],
            "create": [{"email_address": "new@example.com", "name": "New Client"}],
        },
        "UpdateProjectWallpaper": {"filename": "wall.png", "content_type": "image/png"},
    }
    return fake, {
        "path": ids,
        "body": body,
        "move_column": columns[1],
        "by_operation": by_operation,
    }


# The feeds refuse made-up positions and filters (400), as the API does: these call them with
# an entry point and filters that select the world's own events.
def _feed_kwargs(case_id: str, world: dict[str, Any]) -> dict[str, Any] | None:
    if case_id == "PollEvents":
        return {
            "since": "0",
            "types": ["todo.created"],
            "buckets": [world["path"]["project_id"]],
            "performers": ["self"],
            "actor_types": ["person"],
        }
    if case_id == "PollInbox":
        return {"since": "0", "reasons": ["assignment"], "types": ["todo.created"]}
    return None


def _kwargs(case: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    op = OPERATIONS[case["id"]]
    feed = _feed_kwargs(case["id"], world)
    if feed is not None:
        return feed
    kwargs = dict(case["kwargs"])
    for param in op.params:
        if param.name not in kwargs:
            continue
        if param.name in world["by_operation"].get(op.operation_id, {}):
            kwargs[param.name] = world["by_operation"][op.operation_id][param.name]
        elif param.location == "path" and param.name in world["path"]:
            kwargs[param.name] = world["path"][param.name]
        elif param.location == "body" and param.name in world["body"]:
            kwargs[param.name] = world["body"][param.name]
        elif param.location == "body" and param.name == "column_id":
            kwargs[param.name] = world["move_column"]
    return kwargs


def _mismatches(value: Any, tp: Any, where: str) -> list[str]:
    """Where `value` does not have type `tp` (a `TypedDict`, scalar, `list`, `Literal`...)."""
    origin = typing.get_origin(tp)
    if origin in (NotRequired, Required):
        return _mismatches(value, typing.get_args(tp)[0], where)
    if origin in (Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return []
        tries = [
            _mismatches(value, option, where) for option in options if option is not type(None)
        ]
        return [] if any(not t for t in tries) else tries[0]
    if origin is Literal:
        return [] if value in typing.get_args(tp) else [f"{where}: {value!r} not in {tp}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__} is not a list"]
        (inner,) = typing.get_args(tp)
        return [
            m for i, item in enumerate(value) for m in _mismatches(item, inner, f"{where}[{i}]")
        ]
    if origin is dict or tp is dict:
        return [] if isinstance(value, dict) else [f"{where}: {type(value).__name__} is not a dict"]
    if tp is Any or tp is object:
        return []
    if typing.is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not a {tp.__name__}"]
        hints = typing.get_type_hints(tp, include_extras=True)
        # Not `__required_keys__`: Python 3.11 misreads string `NotRequired[...]` annotations.
        required = {k for k, h in hints.items() if typing.get_origin(h) is not NotRequired}
        missing = sorted(required - value.keys())
        found = [f"{where}: {tp.__name__} lacks {key!r}" for key in missing]
        for key, hint in hints.items():
            if key in value:
                found += _mismatches(value[key], hint, f"{where}.{key}")
        return found
    if tp is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp in (str, bool):
        ok = isinstance(value, tp)
    else:
        raise AssertionError(f"{where}: no check for the annotation {tp!r}")
    return [] if ok else [f"{where}: {value!r} is not a {tp.__name__}"]


# Stateful lists whose sample arguments filter every record out (trashed only, completed only,
# unassigned *and* assigned to someone...): `test_unfiltered` calls them without the filters.
_EMPTY_WITH_THE_SAMPLE_FILTERS = frozenset(
    {
        "GetEverythingCompletedTodos",
        "GetEverythingNoDueDateTodos",
        "GetEverythingOpenTodos",
        "GetEverythingOverdueTodos",
        "GetEverythingUnassignedTodos",
        "ListProjects",
        "ListTodolists",
        "ListTodos",
    }
)


def _check(case: dict[str, Any], result: Any) -> None:
    """The result is what the operation's model says, recursively (types, nullability, keys)."""
    op = OPERATIONS[case["id"]]
    model = getattr(models, op.response_model) if op.response_model else None
    if op.response_kind == "none":
        assert result is None
    elif op.response_kind == "object":
        assert isinstance(result, dict), case["id"]
    elif op.response_kind == "binary":
        assert isinstance(result, bytes)
    elif op.response_kind == "list" or op.paginated:
        assert isinstance(result, list), case["id"]
        assert model is not None
        item_model: Any = model
        if op.items_key:
            # A page object (e.g. `PersonProgress`): the SDK returns the items under
            # `items_key`, whose model is that field's list item type.
            page_hints = typing.get_type_hints(model)
            assert typing.get_origin(page_hints[op.items_key]) is list, case["id"]
            (item_model,) = typing.get_args(page_hints[op.items_key])
            # Its keys may all be optional: then only the keys show it is that model.
            declared = set(typing.get_type_hints(item_model))
            for item in result:
                assert item, case["id"]
                assert item.keys() <= declared, (case["id"], sorted(item.keys() - declared))
        if op.items_key or case["id"] not in _EMPTY_WITH_THE_SAMPLE_FILTERS:
            assert result, f"{case['id']}: an empty list checks nothing"
        problems = _mismatches(result, list[item_model], case["id"])
        assert not problems, "\n".join(problems)
    else:
        assert model is not None
        problems = _mismatches(result, model, case["id"])
        assert not problems, "\n".join(problems)


def test_the_type_check_catches_wrong_values() -> None:
    fake = FakeBasecamp()
    project = fake.add_project("P")
    todoset = fake.dock(project["id"], "todoset")
    record = fake.add_todo(fake.add_todolist(todoset["id"], "L")["id"], "T")
    assert _mismatches(record, models.Todo, "todo") == []
    assert _mismatches({**record, "id": "1"}, models.Todo, "todo") == ["todo.id: '1' is not a int"]
    assert _mismatches({**record, "completed": 1}, models.Todo, "todo") == [
        "todo.completed: 1 is not a bool"
    ]
    broken = {**record, "creator": {**record["creator"], "name": None}}
    assert _mismatches(broken, models.Todo, "todo") == ["todo.creator.name: None is not a str"]
    assert _mismatches({**record, "assignees": [{"id": 1}]}, models.Todo, "t")
    assert _mismatches([{"id": True}], list[models.Todo], "x")[0] == "x[0]: Todo lacks 'app_url'"
    assert _mismatches("x", Literal["a", "b"], "k") == ["k: 'x' not in typing.Literal['a', 'b']"]
    assert _mismatches(None, int | None, "n") == []
    assert _mismatches(1, float, "f") == []


def _ids(case: dict[str, Any]) -> str:
    return str(case["id"])


def test_the_cases_cover_every_operation() -> None:
    assert {case["id"] for case in ALL_CASES} == set(OPERATIONS)
    assert len(OPERATIONS) == 287
    # The gap is the listed operations, each one still in the registry; the rest run below.
    assert set(OPERATIONS) >= NOT_YET_SERVED_BY_THE_FAKE
    assert {case["id"] for case in CASES} == set(OPERATIONS) - NOT_YET_SERVED_BY_THE_FAKE


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_sync(case: dict[str, Any]) -> None:
    fake, world = _world()
    with fake.client() as client:
        assert isinstance(client, Client)
        account = client.for_account(fake.account_id)
        method = getattr(getattr(account, case["service"]), case["method"])
        result = method(**_kwargs(case, world))
    _check(case, result)
    assert fake.requests[-1].operation_id == case["id"]
    assert 200 <= fake.requests[-1].status < 300


@pytest.mark.parametrize("case", CASES, ids=_ids)
async def test_async(case: dict[str, Any]) -> None:
    fake, world = _world()
    async with fake.async_client() as client:
        assert isinstance(client, AsyncClient)
        account = client.for_account(fake.account_id)
        method = getattr(getattr(account, case["service"]), case["method"])
        result = await method(**_kwargs(case, world))
    _check(case, result)
    assert fake.requests[-1].operation_id == case["id"]


@pytest.mark.parametrize("operation_id", sorted(_EMPTY_WITH_THE_SAMPLE_FILTERS))
def test_unfiltered(operation_id: str) -> None:
    case = next(c for c in CASES if c["id"] == operation_id)
    op = OPERATIONS[operation_id]
    fake, world = _world()
    kwargs = {
        name: value
        for name, value in _kwargs(case, world).items()
        if any(p.name == name and p.location == "path" for p in op.params)
    }
    with fake.client() as client:
        method = getattr(
            getattr(client.for_account(fake.account_id), case["service"]), case["method"]
        )
        result = method(**kwargs)
    assert result, operation_id
    _check({**case, "id": operation_id}, result)
