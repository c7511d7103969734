"""`edit()`: read a full-replace record, change it in a `with` block, write it back once."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from basecamp import ApiError, AsyncClient, Client, Config, UsageError
from basecamp.services._runtime import (
    EditDraft,
    ReplaceField,
    finish_edit,
    start_edit,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services_support import Recorder, body_json, load_cases, put_at_source, replace_record

cases = load_cases()
REPLACE_CASES: list[dict[str, Any]] = cases.REPLACE_CASES
ACCOUNT_ID: int = cases.ACCOUNT_ID
CONFIG = Config(base_delay=0.0, max_jitter=0.0)
MODES = ["sync", "async"]

# -- the draft and its two pure steps ---------------------------------------------------------

FIELDS = (
    ReplaceField("content", "content", "content", type="str"),
    ReplaceField("assignee_ids", "assignee_ids", "assignees[].id", type="list[int]"),
    ReplaceField("due_on", "due_on", "due_on", type="date", nullable=True),
    ReplaceField("notify", "notify", "", type="bool"),
    ReplaceField(
        "participant_ids", "participant_ids", "participants[].id", preserved=True, type="list[int]"
    ),
)
RECORD = {
    "id": 1,
    "content": "Old",
    "assignees": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
    "due_on": "2025-01-31",
    "participants": [{"id": 9}],
    "title": "not writable",
}
RESENT = {"content": "Old", "assignee_ids": [1, 2], "due_on": "2025-01-31"}


def test_the_draft_holds_the_writable_fields_flattened_from_the_record() -> None:
    draft = start_edit(RECORD, FIELDS)
    assert isinstance(draft, dict)
    # nested sources are offered in request form (`assignee_ids`, not `assignees`); preserved
    # fields are shown; fields no record carries (`notify`) start absent
    assert draft == {**RESENT, "participant_ids": [9]}
    assert list(draft) == ["content", "assignee_ids", "due_on", "participant_ids"]
    assert "title" not in draft


def test_nothing_changed_means_no_body() -> None:
    draft = start_edit(RECORD, FIELDS)
    draft["content"] = "Old"  # the same value again is no change
    assert finish_edit(draft) is None


def test_a_change_sends_every_field_that_must_be_resent() -> None:
    draft = start_edit(RECORD, FIELDS)
    draft["content"] = "New"
    assert finish_edit(draft) == {**RESENT, "content": "New"}


def test_preserved_and_unsourced_fields_are_sent_only_when_changed() -> None:
    draft = start_edit(RECORD, FIELDS)
    draft["participant_ids"] = [9, 10]
    draft["notify"] = True
    assert finish_edit(draft) == {**RESENT, "participant_ids": [9, 10], "notify": True}


def test_changes_inside_a_list_are_seen() -> None:
    draft = start_edit(RECORD, FIELDS)
    assignees = draft["assignee_ids"]
    assert isinstance(assignees, list)
    assignees.append(3)
    assert finish_edit(draft) == {**RESENT, "assignee_ids": [1, 2, 3]}
    assert RECORD["assignees"] == [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]


def test_none_sends_a_field_empty() -> None:
    draft = start_edit(RECORD, FIELDS)
    draft["due_on"] = None
    # core drops top-level nulls, and a full replace clears what it omits
    assert finish_edit(draft) == {**RESENT, "due_on": None}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("title", "x"),
        lambda d: d.update(title="x"),
        lambda d: d.update({"content": "ok", "assignees": []}),
        lambda d: d.setdefault("title", "x"),
        lambda d: d.__ior__({"title": "x"}),
    ],
)
def test_a_field_the_endpoint_cannot_write_is_an_error_at_once(
    change: Callable[[EditDraft], object],
) -> None:
    draft = start_edit(RECORD, FIELDS)
    with pytest.raises(UsageError) as info:
        change(draft)
    message = str(info.value)
    assert "is not a field this endpoint can write" in message
    assert "Writable fields: content, assignee_ids, due_on, notify, participant_ids." in message
    assert isinstance(info.value, UsageError)
    assert "title" not in draft
    assert "assignees" not in draft


@pytest.mark.parametrize(
    "remove",
    [
        lambda d: d.__delitem__("content"),
        lambda d: d.pop("content"),
        lambda d: d.pop("content", None),
        lambda d: d.popitem(),
        lambda d: d.clear(),
    ],
)
def test_fields_cannot_be_removed(remove: Callable[[EditDraft], object]) -> None:
    draft = start_edit(RECORD, FIELDS)
    with pytest.raises(UsageError, match="cannot be removed"):
        remove(draft)
    assert draft["content"] == "Old"


def test_none_cannot_empty_a_field_the_server_preserves() -> None:
    # core omits a null, and an omitted preserved field is kept: the assignment would do nothing
    draft = start_edit(RECORD, FIELDS)
    with pytest.raises(UsageError, match="'participant_ids' cannot be emptied with None"):
        draft["participant_ids"] = None
    draft["participant_ids"] = []
    assert finish_edit(draft) == {**RESENT, "participant_ids": []}


def test_a_finished_draft_refuses_changes() -> None:
    draft = start_edit(RECORD, FIELDS)
    draft["content"] = "New"
    finish_edit(draft)
    with pytest.raises(UsageError, match="This edit is finished"):
        draft["content"] = "Newer"


def test_a_copy_of_the_draft_is_a_plain_dict() -> None:
    draft = start_edit(RECORD, FIELDS)
    for duplicate in (copy.copy(draft), copy.deepcopy(draft), dict(draft)):
        assert type(duplicate) is dict
        assert duplicate == draft


def test_a_record_that_cannot_be_sent_back_is_refused_on_entry() -> None:
    with pytest.raises(UsageError, match="has no 'content'"):
        start_edit({k: v for k, v in RECORD.items() if k != "content"}, FIELDS)
    with pytest.raises(ApiError, match="'content' needs a string") as info:
        start_edit({**RECORD, "content": ["an", "array"]}, FIELDS)
    assert "nothing was written" in str(info.value)
    with pytest.raises(ApiError, match="'assignee_ids' needs an array of integers"):
        start_edit({**RECORD, "assignees": [{"id": False}]}, FIELDS)


def test_an_odd_preserved_value_is_left_out_not_refused() -> None:
    # the server keeps a preserved field when it is omitted, so nothing is at risk
    draft = start_edit({**RECORD, "participants": "odd"}, FIELDS)
    assert "participant_ids" not in draft
    assert finish_edit(draft) is None


# -- every generated edit, on the wire --------------------------------------------------------


def _ids(case: dict[str, Any]) -> str:
    return f"{case['service']}.{case['edit']}"


def _resent(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in case["fields"] if f["source"] and not f["preserved"]]


def _new_value(sample: Any) -> Any:
    if isinstance(sample, bool):
        return not sample
    if isinstance(sample, int):
        return sample + 1
    if isinstance(sample, list):
        return [*sample, sample[0] + 100]
    if sample in ("active", "drafted", "doc", "sheet", "slide", "other"):
        return "active" if sample == "drafted" else "doc"
    return f"new-{sample}"


class _Server:
    def __init__(self, record: dict[str, Any]) -> None:
        self.recorder = Recorder(self._respond)
        self.record = record

    def _respond(self, request: httpx.Request, n: int) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=self.record)
        return httpx.Response(200, json={"id": 1, "updated": True})

    @property
    def methods(self) -> list[str]:
        return [r.method for r in self.recorder.requests]


async def _enter(
    mode: str, service: str, method: str, kwargs: dict[str, Any], change: Callable[[Any], None]
) -> None:
    """`with account.<service>.<method>(**kwargs) as draft: change(draft)`, sync or async."""
    if mode == "sync":
        with Client(access_token="t", config=CONFIG) as client:
            api = getattr(client.for_account(ACCOUNT_ID), service)
            with getattr(api, method)(**kwargs) as draft:
                change(draft)
        return
    async with AsyncClient(access_token="t", config=CONFIG) as aclient:
        api = getattr(aclient.for_account(ACCOUNT_ID), service)
        async with getattr(api, method)(**kwargs) as draft:
            change(draft)


async def _attempt(
    mode: str,
    service: str,
    method: str,
    kwargs: dict[str, Any],
    record: dict[str, Any],
    change: Callable[[Any], None],
) -> tuple[_Server, Exception | None]:
    """Run the edit against a server answering `record`; the error it raised, if any."""
    server = _Server(record)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=server.recorder)
        try:
            await _enter(mode, service, method, kwargs, change)
        except Exception as exc:
            return server, exc
    return server, None


async def _edit(
    mode: str,
    service: str,
    method: str,
    kwargs: dict[str, Any],
    record: dict[str, Any],
    change: Callable[[Any], None],
) -> _Server:
    server, error = await _attempt(mode, service, method, kwargs, record, change)
    assert error is None, error
    return server


async def _edit_case(
    mode: str, case: dict[str, Any], record: dict[str, Any], change: Callable[[Any], None]
) -> tuple[_Server, Exception | None]:
    return await _attempt(mode, case["service"], case["edit"], case["kwargs"], record, change)


def test_every_replace_operation_has_an_edit() -> None:
    assert {c["service"] for c in REPLACE_CASES} >= {"todos", "todolists", "documents", "schedules"}
    for case in REPLACE_CASES:
        assert case["edit"] == case["twin"].replace("update", "edit", 1)


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_sends_one_put_with_the_change_and_every_other_field(
    case: dict[str, Any], mode: str
) -> None:
    for changed in _resent(case):
        new_value = _new_value(changed["sample"])
        seen: dict[str, Any] = {}

        def change(
            draft: Any,
            changed: dict[str, Any] = changed,
            new: Any = new_value,
            seen: dict[str, Any] = seen,
        ) -> None:
            seen.update(draft)
            draft[changed["name"]] = new

        server = await _edit(
            mode, case["service"], case["edit"], case["kwargs"], replace_record(case), change
        )
        # the draft started with the record's values, nested sources flattened
        for f in _resent(case):
            assert seen[f["name"]] == f["sample"]
        read, write = server.recorder.requests
        assert (read.method, read.url.path) == ("GET", case["read_path"])
        assert (write.method, write.url.path) == (case["http"], case["path"])
        expected = {f["wire"]: f["sample"] for f in _resent(case)}
        expected[changed["wire"]] = new_value
        assert body_json(write) == expected


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_sends_nothing_when_nothing_changed(case: dict[str, Any], mode: str) -> None:
    def touch(draft: Any) -> None:
        for f in _resent(case):
            draft[f["name"]] = f["sample"]  # the same values again

    for change in (lambda draft: None, touch):
        server = await _edit(
            mode, case["service"], case["edit"], case["kwargs"], replace_record(case), change
        )
        assert server.methods == ["GET"]


class _BlockError(Exception):
    pass


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_sends_nothing_when_the_block_raises(case: dict[str, Any], mode: str) -> None:
    field = _resent(case)[0]

    def change(draft: Any) -> None:
        draft[field["name"]] = _new_value(field["sample"])
        raise _BlockError

    server, error = await _edit_case(mode, case, replace_record(case), change)
    assert isinstance(error, _BlockError)  # the block's own error, unchanged
    assert server.methods == ["GET"]


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_refuses_a_field_the_endpoint_cannot_write(
    case: dict[str, Any], mode: str
) -> None:
    reached: list[str] = []

    def change(draft: Any) -> None:
        draft["id"] = 2
        reached.append("after")

    server, error = await _edit_case(mode, case, replace_record(case), change)
    assert isinstance(error, UsageError)
    assert reached == []  # raised at once, inside the block
    message = str(error)
    assert "'id' is not a field this endpoint can write" in message
    assert ", ".join(f["name"] for f in case["fields"]) in message
    assert server.methods == ["GET"]


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_refuses_a_record_value_of_another_shape_on_entry(
    case: dict[str, Any], mode: str
) -> None:
    for field in _resent(case):
        record = replace_record(case)
        put_at_source(record, field["source"], [{"odd": True}] if "[]" in field["source"] else {})
        entered: list[bool] = []
        server, error = await _edit_case(
            mode, case, record, lambda draft, entered=entered: entered.append(True)
        )
        assert isinstance(error, ApiError)
        assert entered == []  # the block never ran
        assert repr(field["name"]) in str(error)
        assert "nothing was written" in str(error)
        assert server.methods == ["GET"]


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_refuses_a_record_lacking_a_value_on_entry(
    case: dict[str, Any], mode: str
) -> None:
    missing = _resent(case)[-1]
    record = replace_record(case)
    del record[missing["source"].split(".")[0].removesuffix("[]")]
    server, error = await _edit_case(mode, case, record, lambda draft: None)
    assert isinstance(error, UsageError)
    assert repr(missing["name"]) in str(error)
    assert server.methods == ["GET"]


@pytest.mark.parametrize(
    "case", [c for c in REPLACE_CASES if c["service"] == "schedules"], ids=_ids
)
@pytest.mark.parametrize("mode", MODES)
async def test_edit_sends_preserved_and_unsourced_fields_only_when_changed(
    case: dict[str, Any], mode: str
) -> None:
    optional = [f for f in case["fields"] if f["preserved"] or not f["source"]]
    assert optional
    seen: dict[str, Any] = {}

    def change(draft: Any) -> None:
        seen.update(draft)
        draft[_resent(case)[0]["name"]] = "new"

    server = await _edit(
        mode, case["service"], case["edit"], case["kwargs"], replace_record(case), change
    )
    body = body_json(server.recorder.requests[1])
    for f in optional:
        assert f["wire"] not in body
        if f["source"]:
            assert seen[f["name"]] == f["sample"]  # shown, but not sent
        else:
            assert f["name"] not in seen  # no record carries it

    def set_all(draft: Any) -> None:
        for f in optional:
            draft[f["name"]] = _new_value(f["sample"])

    server = await _edit(
        mode, case["service"], case["edit"], case["kwargs"], replace_record(case), set_all
    )
    body = body_json(server.recorder.requests[1])
    for f in optional:
        assert body[f["wire"]] == _new_value(f["sample"])


# -- hand-written records: the four resources the issue names --------------------------------

BASE = f"https://3.basecampapi.com/{ACCOUNT_ID}"
PERSON = {"id": 1049715913, "name": "Annie Bryan", "email_address": "annie@example.com"}
PERSON_2 = {"id": 1049715915, "name": "Sam Ortiz", "email_address": "sam@example.com"}
TODO = {
    "id": 1069479520,
    "status": "active",
    "title": "Draft the launch email",
    "type": "Todo",
    "url": f"{BASE}/todos/1069479520.json",
    "parent": {"id": 1069479511, "title": "Launch", "type": "Todolist"},
    "bucket": {"id": 2085958499, "name": "The Leto Laptop", "type": "Project"},
    "creator": PERSON,
    "description": "<div>Keep it <strong>short</strong>.</div>",
    "completed": False,
    "content": "Draft the launch email",
    "starts_on": None,
    "due_on": "2025-01-31",
    "assignees": [PERSON, PERSON_2],
    "completion_subscribers": [],
}


@pytest.mark.parametrize("mode", MODES)
async def test_todo_edit_as_the_issue_shows(mode: str) -> None:
    def change(todo: Any) -> None:
        todo["content"] = "Send the launch email"
        todo["assignee_ids"].remove(PERSON_2["id"])

    server = await _edit(mode, "todos", "edit", {"todo_id": TODO["id"]}, TODO, change)
    read, write = server.recorder.requests
    assert read.url.path == write.url.path == f"/{ACCOUNT_ID}/todos/1069479520"
    assert write.method == "PUT"
    assert body_json(write) == {
        "content": "Send the launch email",
        "description": "<div>Keep it <strong>short</strong>.</div>",
        "assignee_ids": [1049715913],
        "completion_subscriber_ids": [],
        "due_on": "2025-01-31",
        # starts_on is null: core omits it, and the replace leaves it empty, as it was
    }


@pytest.mark.parametrize("mode", MODES)
async def test_todolist_edit(mode: str) -> None:
    todolist = {
        "id": 1069479511,
        "title": "Launch",
        "type": "Todolist",
        "name": "Launch",
        "description": "<div>Everything for launch day.</div>",
        "completed_ratio": "1/4",
    }

    def change(draft: Any) -> None:
        draft["name"] = "Launch day"

    server = await _edit(mode, "todolists", "edit", {"todolist_id": 1069479511}, todolist, change)
    write = server.recorder.requests[1]
    assert write.url.path == f"/{ACCOUNT_ID}/todolists/1069479511"
    assert body_json(write) == {
        "name": "Launch day",
        "description": "<div>Everything for launch day.</div>",
    }


@pytest.mark.parametrize("mode", MODES)
async def test_document_edit(mode: str) -> None:
    document = {
        "id": 1069479400,
        "title": "Release notes",
        "type": "Document",
        "content": "<div>Version 2 ships <em>Friday</em>.</div>",
    }

    def change(draft: Any) -> None:
        draft["content"] = "<div>Version 2 ships <em>Monday</em>.</div>"

    server = await _edit(mode, "documents", "edit", {"document_id": 1069479400}, document, change)
    write = server.recorder.requests[1]
    assert write.url.path == f"/{ACCOUNT_ID}/documents/1069479400"
    assert body_json(write) == {
        "title": "Release notes",
        "content": "<div>Version 2 ships <em>Monday</em>.</div>",
    }


@pytest.mark.parametrize("mode", MODES)
async def test_schedule_entry_edit(mode: str) -> None:
    entry = {
        "id": 1069479847,
        "title": "Kickoff call",
        "type": "Schedule::Entry",
        "url": f"{BASE}/schedule_entries/1069479847.json",
        "summary": "Kickoff call",
        "description": "<div>Agenda in the doc.</div>",
        "all_day": False,
        "starts_at": "2025-02-03T16:00:00.000Z",
        "ends_at": "2025-02-03T17:00:00.000Z",
        "participants": [PERSON, PERSON_2],
        "join_url": "https://meet.example.com/kickoff",
        "highlighted": True,
    }
    seen: dict[str, Any] = {}

    def change(draft: Any) -> None:
        seen.update(draft)
        draft["ends_at"] = "2025-02-03T17:30:00.000Z"

    server = await _edit(mode, "schedules", "edit_entry", {"entry_id": 1069479847}, entry, change)
    # the join link is read from `join_url`, never from the record's own API `url`
    assert seen["url"] == "https://meet.example.com/kickoff"
    assert seen["participant_ids"] == [1049715913, 1049715915]
    write = server.recorder.requests[1]
    assert write.url.path == f"/{ACCOUNT_ID}/schedule_entries/1069479847"
    assert body_json(write) == {
        "summary": "Kickoff call",
        "starts_at": "2025-02-03T16:00:00.000Z",
        "ends_at": "2025-02-03T17:30:00.000Z",
        "description": "<div>Agenda in the doc.</div>",
        "all_day": False,
    }


# -- against the fake Basecamp, over loopback --------------------------------------------------


@pytest.fixture
def fake() -> Any:
    from basecamp.testing import FakeBasecamp

    with FakeBasecamp(seed="demo") as fake:
        yield fake


@pytest.mark.parametrize("mode", MODES)
async def test_edit_round_trips_through_the_fake(fake: Any, mode: str) -> None:
    seeded = fake.seeded
    people = list(seeded.people[:2])
    todo = fake.add_todo(
        seeded.small_todolist_id,
        "Draft the launch email",
        description="<div>Keep it short.</div>",
        due_on="2025-01-31",
        assignee_ids=people,
    )
    with fake.serve() as url:
        config = Config(base_url=url, base_delay=0.0, max_jitter=0.0)
        if mode == "sync":
            with Client(access_token=fake.token, config=config) as client:
                account = client.for_account(fake.account_id)
                with account.todos.edit(todo_id=todo["id"]) as draft:
                    draft["content"] = "Send the launch email"
                with account.todos.edit(todo_id=todo["id"]) as draft:
                    pass  # nothing changed: nothing is sent
                after = account.todos.get(todo_id=todo["id"])
        else:
            async with AsyncClient(access_token=fake.token, config=config) as aclient:
                account_a = aclient.for_account(fake.account_id)
                async with account_a.todos.edit(todo_id=todo["id"]) as draft:
                    draft["content"] = "Send the launch email"
                async with account_a.todos.edit(todo_id=todo["id"]) as draft:
                    pass
                after = await account_a.todos.get(todo_id=todo["id"])
    assert after["content"] == "Send the launch email"
    # the fake clears what a replace omits, as Basecamp does: these survived because edit sent them
    assert after["description"] == "<div>Keep it short.</div>"
    assert after.get("due_on") == "2025-01-31"
    assert [p["id"] for p in after["assignees"]] == people
    ops = [r.operation_id for r in fake.requests]
    assert ops == ["GetTodo", "ReplaceTodo", "GetTodo", "GetTodo"]
