"""Every one of the registry's operations, sync and async, answered by the fake.

The sample arguments come from the services package's generated cases
(`packages/basecamp-services/tests/_generated/cases.py`); ids are swapped for records that exist
in a small world built per test, since the fake answers 404 for unknown ids.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from basecamp import AsyncClient, Client
from basecamp.services import OPERATIONS, models
from basecamp.testing import FakeBasecamp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import CASES_FILE, load_module

CASES: list[dict[str, Any]] = load_module("_basecamp_testing_cases", CASES_FILE).CASES


class _Sink:
    """An in-process webhook receiver that accepts anything, so no test touches the network."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def handle_request(self, raw_body: bytes, headers: Any, /) -> None:
        self.bodies.append(raw_body)


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
    }
    # Body values that must name real things.
    body = {
        "parent_id": other_list["id"],
        "attachable_sgid": fake.add_attachment(b"new bytes", "new.txt", "text/plain"),
        "payload_url": "http://127.0.0.1:9/hook",
        "types": ["Todo"],
        "assignee_ids": [fake.me["id"]],
    }
    return fake, {"path": ids, "body": body, "move_column": columns[1]}


def _kwargs(case: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    op = OPERATIONS[case["id"]]
    kwargs = dict(case["kwargs"])
    for param in op.params:
        if param.name not in kwargs:
            continue
        if param.location == "path" and param.name in world["path"]:
            kwargs[param.name] = world["path"][param.name]
        elif param.location == "body" and param.name in world["body"]:
            kwargs[param.name] = world["body"][param.name]
        elif param.location == "body" and param.name == "column_id":
            kwargs[param.name] = world["move_column"]
    return kwargs


def _check(case: dict[str, Any], result: Any) -> None:
    op = OPERATIONS[case["id"]]
    model = getattr(models, op.response_model) if op.response_model else None
    if op.response_kind == "none":
        assert result is None
    elif op.response_kind == "binary":
        assert isinstance(result, bytes)
    elif op.response_kind == "list" or op.paginated:
        assert isinstance(result, list)
        item_model = model
        if op.items_key:
            assert model is not None
            # The page object's items are of the model named by the `items_key` field's type.
            item_model = None
        for item in result:
            assert isinstance(item, dict)
            if item_model is not None:
                assert item_model.__required_keys__ <= item.keys(), case["id"]
    else:
        assert isinstance(result, dict)
        assert model is not None
        assert model.__required_keys__ <= result.keys(), case["id"]


def _ids(case: dict[str, Any]) -> str:
    return str(case["id"])


def test_the_cases_cover_every_operation() -> None:
    assert {case["id"] for case in CASES} == set(OPERATIONS)
    assert len(OPERATIONS) == 250


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
