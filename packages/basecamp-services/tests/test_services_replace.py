"""Full-replace writes: the overlay function, and every generated `update` twin on the wire."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from basecamp import ApiError, AsyncClient, Client, Config, UsageError
from basecamp.services._runtime import ReplaceField, build_replace_body, type_problem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services_support import Recorder, body_json, load_cases, put_at_source, replace_record

cases = load_cases()
REPLACE_CASES: list[dict[str, Any]] = cases.REPLACE_CASES
ACCOUNT_ID: int = cases.ACCOUNT_ID
CONFIG = Config(base_delay=0.0, max_jitter=0.0)

# -- build_replace_body --------------------------------------------------------------------

FIELDS = (
    ReplaceField("content", "content", "content"),
    ReplaceField("assignee_ids", "assignee_ids", "assignees[].id"),
    ReplaceField("parent_id", "parent_id", "parent.id"),
    ReplaceField("notify", "notify", ""),
    ReplaceField("participant_ids", "participant_ids", "participants[].id", preserved=True),
)
RECORD = {
    "content": "Old",
    "assignees": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
    "parent": {"id": 7},
    "participants": [{"id": 9}],
}


def test_overlay_keeps_what_was_not_passed() -> None:
    body = build_replace_body(RECORD, {"content": "New"}, FIELDS)
    assert body == {"content": "New", "assignee_ids": [1, 2], "parent_id": 7}


def test_none_means_not_passed_and_falsy_values_are_passed() -> None:
    body = build_replace_body(RECORD, {"content": "", "assignee_ids": [], "notify": False}, FIELDS)
    assert body == {"content": "", "assignee_ids": [], "parent_id": 7, "notify": False}
    assert build_replace_body(RECORD, {"content": None}, FIELDS)["content"] == "Old"


def test_preserved_and_unsourced_fields_are_sent_only_when_passed() -> None:
    body = build_replace_body(RECORD, {}, FIELDS)
    assert "participant_ids" not in body
    assert "notify" not in body
    body = build_replace_body(RECORD, {"participant_ids": [3], "notify": True}, FIELDS)
    assert body["participant_ids"] == [3]
    assert body["notify"] is True


def test_null_values_in_the_record_are_sent_back_as_null() -> None:
    record = {**RECORD, "content": None, "assignees": None, "parent": None}
    body = build_replace_body(record, {}, FIELDS)
    assert body == {"content": None, "assignee_ids": [], "parent_id": None}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({k: v for k, v in RECORD.items() if k != "content"}, "content"),
        ({k: v for k, v in RECORD.items() if k != "assignees"}, "assignee_ids"),
        ({**RECORD, "assignees": [{"name": "no id"}]}, "assignee_ids"),
        ({**RECORD, "assignees": "not a list"}, "assignee_ids"),
        ({k: v for k, v in RECORD.items() if k != "parent"}, "parent_id"),
        ({**RECORD, "parent": {"name": "no id"}}, "parent_id"),
        ("not a record", "content"),
    ],
)
def test_missing_value_that_must_be_resent_raises(record: Any, field: str) -> None:
    with pytest.raises(UsageError) as info:
        build_replace_body(record, {}, FIELDS)
    assert repr(field) in str(info.value)
    # Passing the value explicitly makes the write safe again.
    given_all = {"content": "x", "assignee_ids": [1], "parent_id": 1}
    assert build_replace_body(record, given_all, FIELDS)[field] == given_all[field]


def test_nested_paths() -> None:
    fields = (ReplaceField("codes", "codes", "groups[].items[].code"),)
    record = {"groups": [{"items": [{"code": "a"}, {"code": "b"}]}, {"items": []}]}
    assert build_replace_body(record, {}, fields) == {"codes": [["a", "b"], []]}


@given(
    current=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers() | st.none()),
    passed=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers() | st.none()),
)
def test_overlay_property(current: dict[str, Any], passed: dict[str, Any]) -> None:
    fields = [ReplaceField(k, k.upper(), k) for k in ("a", "b", "c")]
    record = copy.deepcopy(current)
    try:
        body = build_replace_body(record, passed, fields)
    except UsageError:
        assert any(passed.get(k) is None and k not in current for k in "abc")
        return
    assert record == current  # the record is not modified
    for k in "abc":
        expected = passed[k] if passed.get(k) is not None else current[k]
        assert body[k.upper()] == expected


# -- the generated update twins, on the wire -------------------------------------------------


def _ids(case: dict[str, Any]) -> str:
    return f"{case['service']}.{case['twin']}"


def _record(case: dict[str, Any]) -> dict[str, Any]:
    """A record from the read operation carrying each field's sample value at its source."""
    record: dict[str, Any] = {"id": 1}
    for field in case["fields"]:
        if not field["source"]:
            continue
        value = field["sample"]
        parts = field["source"].split(".")
        if len(parts) == 1:
            record[parts[0]] = value
        elif parts[0].endswith("[]"):
            record[parts[0][:-2]] = [{parts[1]: v} for v in value]
        else:
            record[parts[0]] = {parts[1]: value}
    return record


def _new_value(sample: Any) -> Any:
    if isinstance(sample, bool):
        return not sample
    if isinstance(sample, int):
        return sample + 1
    if isinstance(sample, list):
        return [*sample, sample[0]]
    return f"new-{sample}"


def _server(case: dict[str, Any], record: dict[str, Any]) -> Recorder:
    def respond(request: httpx.Request, n: int) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=record)
        return httpx.Response(200, json={"id": 1, "updated": True})

    return Recorder(respond)


def _resent(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in case["fields"] if f["source"] and not f["preserved"]]


def test_there_are_replace_cases() -> None:
    assert len(REPLACE_CASES) >= 6
    assert any(f["preserved"] for c in REPLACE_CASES for f in c["fields"])


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_update_keeps_fields_not_passed(case: dict[str, Any], mode: str) -> None:
    record = _record(case)
    changed = _resent(case)[0]
    new_value = _new_value(changed["sample"])
    recorder = _server(case, record)
    kwargs = {**case["kwargs"], changed["name"]: new_value}
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        result = await _run(mode, case, case["twin"], kwargs)
    assert result == {"id": 1, "updated": True}
    read, write = recorder.requests
    assert (read.method, read.url.path) == ("GET", case["read_path"])
    assert (write.method, write.url.path) == (case["http"], case["path"])
    expected = {f["wire"]: f["sample"] for f in _resent(case)}
    expected[changed["wire"]] = new_value
    assert body_json(write) == expected


def _optional(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in case["fields"] if f["preserved"] or not f["source"]]


@pytest.mark.parametrize("case", [c for c in REPLACE_CASES if _optional(c)], ids=_ids)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_update_sends_preserved_and_unsourced_fields_only_when_passed(
    case: dict[str, Any], mode: str
) -> None:
    optional = _optional(case)
    record = _record(case)
    kwargs = {**case["kwargs"], **{f["name"]: f["sample"] for f in optional}}
    recorder = _server(case, record)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        await _run(mode, case, case["twin"], case["kwargs"])
        await _run(mode, case, case["twin"], kwargs)
    without, with_ = body_json(recorder.requests[1]), body_json(recorder.requests[3])
    for f in optional:
        assert f["wire"] not in without
        assert with_[f["wire"]] == f["sample"]


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_update_refuses_when_the_record_lacks_a_value(
    case: dict[str, Any], mode: str
) -> None:
    missing = _resent(case)[-1]
    record = _record(case)
    del record[missing["source"].split(".")[0].removesuffix("[]")]
    recorder = _server(case, record)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        with pytest.raises(UsageError) as info:
            await _run(mode, case, case["twin"], case["kwargs"])
    assert repr(missing["name"]) in str(info.value)
    assert [r.method for r in recorder.requests] == ["GET"]  # nothing was written


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
async def test_raw_replace_sends_exactly_what_is_passed(case: dict[str, Any]) -> None:
    required = {f["name"]: f["sample"] for f in case["fields"]}
    recorder = _server(case, {})
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        await _run("sync", case, case["method"], {**case["kwargs"], **required})
    (write,) = recorder.requests
    assert body_json(write) == {f["wire"]: f["sample"] for f in case["fields"]}


async def _run(mode: str, case: dict[str, Any], method: str, kwargs: dict[str, Any]) -> Any:
    if mode == "sync":
        with Client(access_token="t", config=CONFIG) as client:
            service = getattr(client.for_account(ACCOUNT_ID), case["service"])
            return getattr(service, method)(**kwargs)
    async with AsyncClient(access_token="t", config=CONFIG) as aclient:
        service = getattr(aclient.for_account(ACCOUNT_ID), case["service"])
        return await getattr(service, method)(**kwargs)


# -- hand-written records: each `update` against a realistic read-back -----------------------
#
# The cases above build their records from the definition's own `source` values, so a wrong
# `source` would agree with itself. These records are written by hand in the shape the API
# returns (recording fields, nested people and buckets, server URLs), and each test states the
# exact PUT body that changing one field must send.

BASE = f"https://3.basecampapi.com/{ACCOUNT_ID}"
PERSON_ANNIE = {
    "id": 1049715913,
    "attachable_sgid": "BAh7CEkiCGdpZAY6BkVU",
    "name": "Annie Bryan",
    "email_address": "annie@example.com",
    "personable_type": "User",
    "title": "Central Markets Producer",
    "created_at": "2024-09-18T19:52:36.000Z",
    "updated_at": "2024-09-18T19:52:36.000Z",
    "admin": False,
    "owner": False,
    "client": False,
    "employee": True,
    "time_zone": "America/Chicago",
    "avatar_url": "https://bc3-production-assets-cdn.basecamp-static.com/avatar/annie",
    "company": {"id": 1033447817, "name": "Honcho Design"},
}
PERSON_VICTOR = {**PERSON_ANNIE, "id": 1049715914, "name": "Victor Cooper"}
PERSON_SAM = {**PERSON_ANNIE, "id": 1049715915, "name": "Sam Ortiz"}
BUCKET = {"id": 2085958499, "name": "The Leto Laptop", "type": "Project"}


def _recording(kind: str, record_id: int, path: str) -> dict[str, Any]:
    """The fields every recording shares, with `url` the record's own API URL."""
    return {
        "id": record_id,
        "status": "active",
        "visible_to_clients": False,
        "created_at": "2024-11-01T15:00:00.000Z",
        "updated_at": "2024-11-02T09:30:00.000Z",
        "title": "",
        "inherits_status": True,
        "type": kind,
        "url": f"{BASE}/{path}/{record_id}.json",
        "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/{BUCKET['id']}/{path}/{record_id}",
        "bookmark_url": f"{BASE}/my/bookmarks/BAh7.json",
        "subscription_url": f"{BASE}/recordings/{record_id}/subscription.json",
        "comments_count": 2,
        "comments_url": f"{BASE}/recordings/{record_id}/comments.json",
        "parent": {
            "id": 1069479338,
            "title": "Things",
            "type": "Vault",
            "url": f"{BASE}/vaults/1069479338.json",
            "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/2085958499/vaults/1069479338",
        },
        "bucket": BUCKET,
        "creator": PERSON_VICTOR,
        "boosts_count": 0,
        "boosts_url": f"{BASE}/recordings/{record_id}/boosts.json",
    }


TODO = {
    **_recording("Todo", 1069479520, "todos"),
    "title": "Draft the launch email",
    "position": 3,
    "parent": {
        "id": 1069479511,
        "title": "Launch",
        "type": "Todolist",
        "url": f"{BASE}/todolists/1069479511.json",
        "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/2085958499/todolists/1069479511",
    },
    "description": "<div>Keep it <strong>short</strong>.</div>",
    "description_attachments": [],
    "completed": False,
    "content": "Draft the launch email",
    "starts_on": "2025-01-20",
    "due_on": "2025-01-31",
    "assignees": [PERSON_ANNIE, PERSON_SAM],
    "completion_subscribers": [PERSON_VICTOR],
    "completion_url": f"{BASE}/todos/1069479520/completion.json",
    "steps": [],
}

SCHEDULE_ENTRY = {
    **_recording("Schedule::Entry", 1069479847, "schedule_entries"),
    "title": "Kickoff call",
    "summary": "Kickoff call",
    "description": "<div>Agenda in the doc.</div>",
    "description_attachments": [],
    "all_day": False,
    "starts_at": "2025-02-03T16:00:00.000Z",
    "ends_at": "2025-02-03T17:00:00.000Z",
    "participants": [PERSON_ANNIE, PERSON_VICTOR],
    "join_url": "https://meet.example.com/kickoff",
    "highlighted": True,
}

CLOUD_FILE = {
    **_recording("CloudFile", 1069480001, "cloud_files"),
    "title": "Brand assets",
    "position": 1,
    "description": "<div>Logos and fonts.</div>",
    "description_attachments": [],
    # the linked file, not this record's API URL
    "url": "https://www.dropbox.com/s/abc123/brand-assets.zip",
    "service": {
        "name": "Dropbox",
        "example_url": "https://www.dropbox.com/s/...",
        "code": "dropbox",
        "valid_patterns": ["https://www.dropbox.com/"],
        "supporting_text": "Paste a Dropbox share link.",
    },
}

GOOGLE_DOCUMENT = {
    **_recording("GoogleDocument", 1069480002, "google_documents"),
    "title": "Launch plan",
    "position": 2,
    "description": "<div>The plan of record.</div>",
    "description_attachments": [],
    "url": "https://docs.google.com/document/d/1AbC/edit",
    "document_type": "doc",
}

DOCUMENT = {
    **_recording("Document", 1069479400, "documents"),
    "title": "Release notes",
    "position": 4,
    "content": "<div>Version 2 ships <em>Friday</em>.</div>",
    "content_attachments": [],
}

TODOLIST = {
    **_recording("Todolist", 1069479511, "todolists"),
    "title": "Launch",
    "position": 1,
    "parent": {
        "id": 1069479500,
        "title": "To-dos",
        "type": "Todoset",
        "url": f"{BASE}/todosets/1069479500.json",
        "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/2085958499/todosets/1069479500",
    },
    "description": "<div>Everything for launch day.</div>",
    "description_attachments": [],
    "completed": False,
    "completed_ratio": "1/4",
    "name": "Launch",
    "todos_url": f"{BASE}/todolists/1069479511/todos.json",
    "groups_url": f"{BASE}/todolists/1069479511/groups.json",
    "app_todos_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/2085958499/todolists/1069479511/todos",
    "color": None,
    "comments_app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/2085958499/todolists/1069479511#comments",
}


async def _update(
    mode: str, service: str, method: str, record: dict[str, Any], kwargs: dict[str, Any]
) -> tuple[httpx.Request, httpx.Request]:
    recorder = Recorder(
        lambda request, n: httpx.Response(200, json=record if request.method == "GET" else {})
    )
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        await _run(mode, {"service": service}, method, kwargs)
    read, write = recorder.requests
    assert read.method == "GET"
    assert write.method == "PUT"
    assert read.url.path == write.url.path
    return read, write


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_todo_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode, "todos", "update", TODO, {"todo_id": TODO["id"], "due_on": "2025-02-07"}
    )
    assert write.url.path == f"/{ACCOUNT_ID}/todos/1069479520"
    assert body_json(write) == {
        "content": "Draft the launch email",
        "description": "<div>Keep it <strong>short</strong>.</div>",
        "assignee_ids": [1049715913, 1049715915],
        "completion_subscriber_ids": [1049715914],
        "due_on": "2025-02-07",
        "starts_on": "2025-01-20",
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_todo_update_with_null_dates_leaves_them_empty(mode: str) -> None:
    record = {**TODO, "starts_on": None, "due_on": None, "assignees": []}
    _read, write = await _update(
        mode, "todos", "update", record, {"todo_id": TODO["id"], "content": "Send it"}
    )
    # null is sent back as null, or omitted (core drops top-level nulls from JSON bodies):
    # either way the replace leaves the dates empty, as they were
    body = body_json(write)
    assert body.pop("due_on", None) is None
    assert body.pop("starts_on", None) is None
    assert body == {
        "content": "Send it",
        "description": "<div>Keep it <strong>short</strong>.</div>",
        "assignee_ids": [],
        "completion_subscriber_ids": [1049715914],
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_schedule_entry_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode,
        "schedules",
        "update_entry",
        SCHEDULE_ENTRY,
        {"entry_id": SCHEDULE_ENTRY["id"], "summary": "Kickoff call (moved)"},
    )
    assert write.url.path == f"/{ACCOUNT_ID}/schedule_entries/1069479847"
    # participants, the join link and the highlight are kept by the server when omitted; the
    # record's `url` (its API URL) must never be written into the join link
    assert body_json(write) == {
        "summary": "Kickoff call (moved)",
        "starts_at": "2025-02-03T16:00:00.000Z",
        "ends_at": "2025-02-03T17:00:00.000Z",
        "description": "<div>Agenda in the doc.</div>",
        "all_day": False,
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_cloud_file_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode,
        "cloud_files",
        "update",
        CLOUD_FILE,
        {"cloud_file_id": CLOUD_FILE["id"], "title": "Brand assets 2025"},
    )
    assert write.url.path == f"/{ACCOUNT_ID}/cloud_files/1069480001"
    assert body_json(write) == {
        "url": "https://www.dropbox.com/s/abc123/brand-assets.zip",
        "service": "dropbox",
        "title": "Brand assets 2025",
        "description": "<div>Logos and fonts.</div>",
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_google_document_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode,
        "google_documents",
        "update",
        GOOGLE_DOCUMENT,
        {"google_document_id": GOOGLE_DOCUMENT["id"], "description": "<div>Final.</div>"},
    )
    assert write.url.path == f"/{ACCOUNT_ID}/google_documents/1069480002"
    assert body_json(write) == {
        "url": "https://docs.google.com/document/d/1AbC/edit",
        "document_type": "doc",
        "title": "Launch plan",
        "description": "<div>Final.</div>",
        "status": "active",
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_document_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode,
        "documents",
        "update",
        DOCUMENT,
        {"document_id": DOCUMENT["id"], "title": "Release notes v2"},
    )
    assert write.url.path == f"/{ACCOUNT_ID}/documents/1069479400"
    assert body_json(write) == {
        "title": "Release notes v2",
        "content": "<div>Version 2 ships <em>Friday</em>.</div>",
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_todolist_update_resends_the_real_record(mode: str) -> None:
    _read, write = await _update(
        mode,
        "todolists",
        "update",
        TODOLIST,
        {"todolist_id": TODOLIST["id"], "name": "Launch day"},
    )
    assert write.url.path == f"/{ACCOUNT_ID}/todolists/1069479511"
    assert body_json(write) == {
        "name": "Launch day",
        "description": "<div>Everything for launch day.</div>",
    }


# -- carried-over values must have the declared type (issue 12, item 7) ------------------------

TYPED = (
    ReplaceField("content", "content", "content", type="str"),
    ReplaceField("description", "description", "description", type="str"),
    ReplaceField("assignee_ids", "assignee_ids", "assignees[].id", type="list[int]"),
    ReplaceField("due_on", "due_on", "due_on", type="date", nullable=True),
    ReplaceField("kind", "kind", "kind", type="str", enum=("doc", "sheet")),
)
TYPED_RECORD = {
    "content": "Old",
    "description": "<div>Notes</div>",
    "assignees": [{"id": 1}, {"id": 2}],
    "due_on": "2025-01-31",
    "kind": "doc",
}


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("str", ""),
        ("str", "<div>x</div>"),
        ("int", 0),
        ("float", 1.5),
        ("float", 2),
        ("bool", False),
        ("date", "2025-02-28"),
        ("datetime", "2025-02-03T16:00:00.000Z"),
        ("datetime", "2025-02-03T16:00:00+01:00"),
        ("object", {"a": 1}),
        ("Person", {"id": 1}),
        ("list[int]", []),
        ("list[int]", [1, 2]),
        ("list[list[str]]", [["a"], []]),
        ("any", ["anything", {"goes": None}]),
    ],
)
def test_values_of_the_declared_type_pass(type_name: str, value: Any) -> None:
    assert type_problem(value, ReplaceField("f", "f", "f", type=type_name)) is None


@pytest.mark.parametrize(
    ("type_name", "value", "problem"),
    [
        ("str", ["<div>x</div>"], "an array"),
        ("str", {"html": "<div>x</div>"}, "an object"),
        ("str", 5, "an integer"),
        ("str", None, "null"),
        ("int", True, "a boolean"),  # bool is an int subclass; it is no id
        ("int", "12", "a string"),
        ("int", 1.0, "a number"),
        ("float", False, "a boolean"),
        ("bool", 1, "an integer"),
        ("bool", "true", "a string"),
        ("date", "2025-02-30", "a string that is not a date"),
        ("date", "20250131", "a string that is not a date"),
        ("date", "2025-01-31T00:00:00Z", "a string that is not a date"),
        ("date", 20250131, "an integer"),
        ("datetime", "soon", "a string that is not a date-time"),
        ("object", ["a"], "an array"),
        ("Person", 7, "an integer"),
        ("list[int]", 1, "an integer"),
        ("list[int]", [1, True], "an array holding a boolean"),
        ("list[int]", [1, None], "an array holding null"),
        ("list[int]", {"id": 1}, "an object"),
        ("list[list[str]]", [["a", 1]], "an array holding an array holding an integer"),
    ],
)
def test_values_of_another_shape_are_named(type_name: str, value: Any, problem: str) -> None:
    assert type_problem(value, ReplaceField("f", "f", "f", type=type_name)) == problem


def test_null_passes_only_where_the_field_is_nullable() -> None:
    assert type_problem(None, ReplaceField("f", "f", "f", type="date", nullable=True)) is None
    assert type_problem(None, ReplaceField("f", "f", "f", type="date")) == "null"
    assert type_problem(None, ReplaceField("f", "f", "f")) is None  # "any"


def test_enumerated_strings_must_be_one_of_the_values() -> None:
    field = ReplaceField("status", "status", "status", type="str", enum=("active", "drafted"))
    assert type_problem("drafted", field) is None
    assert type_problem("archived", field) == "another string"
    items = ReplaceField("kinds", "kinds", "kinds", type="list[str]", enum=("a", "b"))
    assert type_problem(["a", "b"], items) is None
    assert type_problem(["a", "c"], items) == "an array holding another string"


def test_typed_record_of_the_declared_shape_is_sent_back() -> None:
    body = build_replace_body(TYPED_RECORD, {"content": "New"}, TYPED)
    assert body == {
        "content": "New",
        "description": "<div>Notes</div>",
        "assignee_ids": [1, 2],
        "due_on": "2025-01-31",
        "kind": "doc",
    }
    # null where the field is nullable, and a null list (read as []), are fine
    record = {**TYPED_RECORD, "due_on": None, "assignees": None}
    body = build_replace_body(record, {}, TYPED)
    assert (body["due_on"], body["assignee_ids"]) == (None, [])


@pytest.mark.parametrize(
    ("key", "value", "field", "message"),
    [
        ("description", ["<div>x</div>"], "description", "'description' needs a string"),
        ("description", {"html": "x"}, "description", "holds an object"),
        (
            "content",
            None,
            "content",
            "'content' needs a string, but the record's 'content' holds null",
        ),
        ("assignees", [{"id": True}], "assignee_ids", "needs an array of integers"),
        ("assignees", [{"id": "1"}], "assignee_ids", "holds an array holding a string"),
        ("due_on", "31/01/2025", "due_on", "needs a YYYY-MM-DD date string or null"),
        ("kind", "slide", "kind", "needs one of 'doc', 'sheet'"),
    ],
)
def test_a_carried_over_value_of_another_shape_is_refused(
    key: str, value: Any, field: str, message: str
) -> None:
    record = {**TYPED_RECORD, key: value}
    with pytest.raises(ApiError) as info:
        build_replace_body(record, {}, TYPED)
    text = str(info.value)
    assert repr(field) in text
    assert message in text
    assert "nothing was written" in text
    assert info.value.hint is not None
    assert f"{field}=" in info.value.hint
    # a value the caller passes replaces the odd one, so the write is safe again
    fixed = {"content": "c", "description": "d", "assignee_ids": [3], "due_on": "2025-01-01"}
    fixed["kind"] = "sheet"
    assert build_replace_body(record, {field: fixed[field]}, TYPED)[field] == fixed[field]


def test_every_odd_field_is_named_and_the_value_is_never_quoted() -> None:
    secret = "https://storage.example/blob?X-Amz-Signature=deadbeef"
    record = {**TYPED_RECORD, "content": [secret], "description": {"url": secret}}
    with pytest.raises(ApiError) as info:
        build_replace_body(record, {}, TYPED)
    text = str(info.value)
    assert "'content'" in text
    assert "'description'" in text
    assert "deadbeef" not in text
    assert "Signature" not in text


def test_caller_values_are_not_checked() -> None:
    # what the caller passes is typed by the signature; only the record is distrusted
    body = build_replace_body(TYPED_RECORD, {"assignee_ids": ["not", "ints"]}, TYPED)
    assert body["assignee_ids"] == ["not", "ints"]


def test_preserved_and_unsourced_fields_are_not_checked() -> None:
    fields = (
        ReplaceField(
            "participant_ids",
            "participant_ids",
            "participants[].id",
            preserved=True,
            type="list[int]",
        ),
        ReplaceField("notify", "notify", "", type="bool"),
    )
    record = {"participants": "oops", "notify": "oops"}
    assert build_replace_body(record, {}, fields) == {}


def _wrong_values(field: dict[str, Any]) -> list[Any]:
    """Values of another shape than the field's declared type."""
    kind = field["type"]
    if kind.startswith("list["):
        # lists, so that an `a[].id` source puts each item at its own record
        return [[True], ["1"], [None], [{"id": 1}]]
    if kind == "bool":
        return ["true", 1]
    if kind == "int":
        return [True, "1"]
    wrong: list[Any] = [["<div>an array</div>"], {"html": "an object"}, 12]
    if kind == "date":
        wrong.append("01/02/2024")
    if not field["nullable"]:
        wrong.append(None)
    return wrong


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_update_refuses_a_record_value_of_another_shape(
    case: dict[str, Any], mode: str
) -> None:
    checked = 0
    for field in _resent(case):
        for wrong in _wrong_values(field):
            record = replace_record(case)
            put_at_source(record, field["source"], wrong)
            recorder = _server(case, record)
            with respx.mock(assert_all_called=False) as mock:
                mock.route().mock(side_effect=recorder)
                with pytest.raises(ApiError) as info:
                    await _run(mode, case, case["twin"], case["kwargs"])
            assert repr(field["name"]) in str(info.value), (field, wrong)
            assert "nothing was written" in str(info.value)
            assert [r.method for r in recorder.requests] == ["GET"]  # no PUT was sent
            checked += 1
    assert checked >= len(_resent(case))


@pytest.mark.parametrize("case", REPLACE_CASES, ids=_ids)
async def test_update_sends_an_odd_field_the_caller_passes(case: dict[str, Any]) -> None:
    field = _resent(case)[0]
    record = replace_record(case)
    put_at_source(record, field["source"], {"unexpected": "object"})
    recorder = _server(case, record)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        await _run("sync", case, case["twin"], {**case["kwargs"], field["name"]: field["sample"]})
    _read, write = recorder.requests
    assert body_json(write)[field["wire"]] == field["sample"]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_todo_update_refuses_an_array_description(mode: str) -> None:
    record = {**TODO, "description": ["<div>Keep it short.</div>"]}
    recorder = Recorder(lambda request, n: httpx.Response(200, json=record))
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        with pytest.raises(ApiError) as info:
            await _run(
                mode,
                {"service": "todos"},
                "update",
                {"todo_id": TODO["id"], "due_on": "2025-02-07"},
            )
    assert "'description' needs a string" in str(info.value)
    assert "nothing was written" in str(info.value)
    assert [r.method for r in recorder.requests] == ["GET"]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_todo_update_refuses_a_boolean_assignee_id(mode: str) -> None:
    record = {**TODO, "assignees": [{**PERSON_ANNIE, "id": True}]}
    recorder = Recorder(lambda request, n: httpx.Response(200, json=record))
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        with pytest.raises(ApiError, match="'assignee_ids' needs an array of integers"):
            await _run(
                mode, {"service": "todos"}, "update", {"todo_id": TODO["id"], "content": "x"}
            )
    assert [r.method for r in recorder.requests] == ["GET"]


async def test_google_document_update_refuses_a_status_it_cannot_send() -> None:
    # the write accepts `active` or `drafted`; an archived document's status cannot go back
    record = {**GOOGLE_DOCUMENT, "status": "archived"}
    recorder = Recorder(lambda request, n: httpx.Response(200, json=record))
    kwargs = {"google_document_id": GOOGLE_DOCUMENT["id"], "title": "x"}
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        with pytest.raises(ApiError, match="'status' needs one of 'active', 'drafted'"):
            await _run("sync", {"service": "google_documents"}, "update", kwargs)
        assert [r.method for r in recorder.requests] == ["GET"]
        await _run(
            "sync", {"service": "google_documents"}, "update", {**kwargs, "status": "active"}
        )
    assert body_json(recorder.requests[-1])["status"] == "active"
