"""WebhookEvent, EventKind and parse_event_kind."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from basecamp.webhooks import (
    KNOWN_ACTIONS,
    EventKind,
    InvalidEventKindError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReceiver,
    WebhookVerificationError,
    parse_event_kind,
)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("todo_created", ("todo", "created")),
        ("todo_completed", ("todo", "completed")),
        ("todo_uncompleted", ("todo", "uncompleted")),
        ("todo_content_changed", ("todo", "content_changed")),
        ("todo_changed", ("todo", "changed")),
        ("todo_due_date_changed", ("todo", "due_date_changed")),
        ("message_subscribers_changed", ("message", "subscribers_changed")),
        ("question_answer_created", ("question_answer", "created")),
        ("question_answer_content_changed", ("question_answer", "content_changed")),
        ("schedule_entry_created", ("schedule_entry", "created")),
        ("client_approval_response_created", ("client_approval_response", "created")),
        ("kanban_card_created", ("kanban_card", "created")),
        ("kanban_card_moved", ("kanban_card", "moved")),
        ("kanban_card_assignment_changed", ("kanban_card", "assignment_changed")),
        ("kanban_step_completed", ("kanban_step", "completed")),
        ("kanban_step_due_date_changed", ("kanban_step", "due_date_changed")),
        ("chat_line_created", ("chat_line", "created")),
        ("chat_line_trashed", ("chat_line", "trashed")),
        ("vault_unarchived", ("vault", "unarchived")),
        ("question_paused", ("question", "paused")),
        # A known action never swallows the whole kind: a type must remain.
        ("content_changed", ("content", "changed")),
        # Unknown action: split at the last underscore.
        ("todo_exploded", ("todo", "exploded")),
        ("todo_color_changed", ("todo_color", "changed")),
        ("x1_y2", ("x1", "y2")),
    ],
)
def test_parse_event_kind(kind: str, expected: tuple[str, str]) -> None:
    parsed = parse_event_kind(kind)
    assert parsed == expected
    assert (parsed.type, parsed.action) == expected


@pytest.mark.parametrize(
    "kind",
    ["", "todo", "_created", "todo_", "todo__created", "Todo_created", "todo-created",
     "todo created", "tödo_created", "todo_created\n"],
)  # fmt: skip
def test_parse_event_kind_rejects_malformed(kind: str) -> None:
    with pytest.raises(InvalidEventKindError):
        parse_event_kind(kind)
    assert issubclass(InvalidEventKindError, ValueError)


def test_parse_event_kind_rejects_non_str() -> None:
    with pytest.raises(InvalidEventKindError):
        parse_event_kind(42)  # type: ignore[arg-type]


def test_every_event_kind_constant_parses_to_a_known_action() -> None:
    kinds = {v for k, v in vars(EventKind).items() if k.isupper()}
    assert len(kinds) > 60
    for kind in kinds:
        type_, action = parse_event_kind(kind)
        assert action in KNOWN_ACTIONS, kind
        assert f"{type_}_{action}" == kind
    assert EventKind.QUESTION_ANSWER_CREATED == "question_answer_created"
    assert EventKind.CARD_MOVED == "kanban_card_moved"


# Basecamp names a kind after the recording's type, underscored, with `::` as `_`.
RECORDING_TYPE_PREFIXES = {
    "Todo": "todo",
    "Todolist": "todolist",
    "Message": "message",
    "Comment": "comment",
    "Document": "document",
    "Upload": "upload",
    "Vault": "vault",
    "Question": "question",
    "Question::Answer": "question_answer",
    "Schedule::Entry": "schedule_entry",
    "Kanban::Card": "kanban_card",
    "Kanban::Step": "kanban_step",
    "Chat::Line": "chat_line",
}


def _underscore(recording_type: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", recording_type.replace("::", "_"))
    return words.lower()


@pytest.mark.parametrize(("recording_type", "prefix"), RECORDING_TYPE_PREFIXES.items())
def test_kind_prefixes_follow_the_recording_type(recording_type: str, prefix: str) -> None:
    assert _underscore(recording_type) == prefix
    kinds = [v for k, v in vars(EventKind).items() if k.isupper()]
    assert f"{prefix}_created" in kinds
    assert parse_event_kind(f"{prefix}_created") == (prefix, "created")


def test_card_step_and_chat_line_constants_use_basecamp_type_prefixes() -> None:
    constants = {k: v for k, v in vars(EventKind).items() if k.isupper()}
    cards = {k: v for k, v in constants.items() if k.startswith("CARD_")}
    steps = {k: v for k, v in cards.items() if k.startswith("CARD_STEP_")}
    lines = {k: v for k, v in constants.items() if k.startswith("CHAT_LINE_")}
    assert len(cards) - len(steps) >= 10
    assert len(steps) >= 5
    assert len(lines) >= 2
    for name, value in cards.items():
        prefix = "kanban_step_" if name in steps else "kanban_card_"
        stem = name.removeprefix("CARD_STEP_" if name in steps else "CARD_")
        assert value == prefix + stem.lower(), name
    for name, value in lines.items():
        assert value == name.lower(), name
    assert EventKind.CARD_CREATED == "kanban_card_created"
    assert EventKind.CARD_STEP_COMPLETED == "kanban_step_completed"
    assert EventKind.CHAT_LINE_CREATED == "chat_line_created"
    # No constant carries a kind Basecamp never sends.
    assert not [v for v in constants.values() if v.startswith(("card_", "campfire_"))]


def test_card_events_route_by_their_real_kind() -> None:
    seen: list[str] = []
    receiver = WebhookReceiver(secret=None, insecure_skip_verification=True)
    receiver.on(EventKind.CARD_CREATED, lambda e: seen.append("exact"))
    receiver.on("kanban_card_*", lambda e: seen.append("glob"))
    receiver.on(EventKind.CHAT_LINE_CREATED, lambda e: seen.append("line"))
    receiver.handle_request(b'{"id": 1, "kind": "kanban_card_created"}', {})
    receiver.handle_request(b'{"id": 2, "kind": "chat_line_created"}', {})
    assert seen == ["exact", "glob", "line"]


def test_event_from_payload() -> None:
    payload: dict[str, object] = {
        "id": 9007199254740993,
        "kind": "todo_created",
        "created_at": "2026-01-01T00:00:00.000Z",
        "recording": {"id": 5, "type": "Todo", "bucket": {"id": 7}},
        "creator": {"id": 2},
        "details": {"x": 1},
        "extra": True,
    }
    event = WebhookEvent.from_payload(payload)
    assert event.id == 9007199254740993
    assert event.kind == "todo_created"
    assert event.recording["id"] == 5
    assert event.creator == {"id": 2}
    assert event.details == {"x": 1}
    assert event.raw["extra"] is True
    assert (event.recording_id, event.recording_type, event.bucket_id) == (5, "Todo", 7)
    assert event.timestamp == datetime(2026, 1, 1, tzinfo=UTC)


def test_event_is_frozen_dataclass_and_hashable() -> None:
    event = WebhookEvent.from_payload({"id": 1, "kind": "todo_created"})
    assert dataclasses.is_dataclass(event)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.kind = "x"  # type: ignore[misc]
    assert hash(event) == hash(WebhookEvent.from_payload({"id": 1, "kind": "todo_created"}))
    assert event.recording == {}
    assert event.details == {}
    assert event.creator == {}
    assert event.created_at is None
    assert event.timestamp is None
    assert event.recording_id is None
    assert event.bucket_id is None


def test_event_optional_fields() -> None:
    event = WebhookEvent.from_payload(
        {"kind": "todo_created", "recording": None, "created_at": "garbage"}
    )
    assert event.id is None
    assert event.timestamp is None
    assert event.recording_type is None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"kind": ""},
        {"kind": 5},
        {"kind": "todo_created", "id": True},
        {"kind": "todo_created", "id": 1.5},
        {"kind": "todo_created", "id": [1]},
        {"kind": "todo_created", "created_at": 5},
        {"kind": "todo_created", "recording": []},
        {"kind": "todo_created", "creator": "ann"},
        {"kind": "todo_created", "details": 3},
    ],
)
def test_event_from_payload_rejects_bad_shapes(payload: dict[str, object]) -> None:
    with pytest.raises(WebhookPayloadError):
        WebhookEvent.from_payload(payload)
    assert issubclass(WebhookPayloadError, WebhookVerificationError)


def test_event_from_payload_rejects_non_dict() -> None:
    with pytest.raises(WebhookPayloadError):
        WebhookEvent.from_payload([])  # type: ignore[arg-type]


# -- the mapping view (the contract's `event["kind"]`, `event["recording"]["title"]`) ----------


def test_event_reads_like_the_decoded_json() -> None:
    payload: dict[str, object] = {
        "id": 7,
        "kind": "message_created",
        "recording": {"id": 5, "type": "Message", "title": "Hello", "bucket": {"id": 3}},
        "creator": {"id": 2, "name": "Ann"},
        "details": {},
        "copy": {"id": 9},
        "extra": [1, 2],
    }
    event = WebhookEvent.from_payload(payload)
    assert event["kind"] == "message_created"
    assert event["recording"]["title"] == "Hello"
    assert event.recording["title"].upper() == "HELLO"
    assert event["creator"]["name"] == "Ann"
    assert event["copy"]["id"] == 9
    assert event["extra"] == [1, 2]
    assert event.get("details") == {}
    assert event.get("missing") is None
    assert event.get("missing", 0) == 0
    assert "id" in event and "missing" not in event
    assert dict(event) == payload
    assert list(event) == list(payload)
    assert len(event) == len(payload)
    assert list(event.keys()) == list(payload)
    assert list(event.items()) == list(payload.items())
    assert list(event.values()) == list(payload.values())
    with pytest.raises(KeyError):
        event["missing"]
    # ... and the typed attributes still work.
    assert (event.kind, event.recording_id, event.bucket_id) == ("message_created", 5, 3)


def test_event_is_a_mapping() -> None:
    from collections.abc import Mapping

    event = WebhookEvent.from_payload({"id": 1, "kind": "todo_created"})
    assert isinstance(event, Mapping)
    assert {**event} == {"id": 1, "kind": "todo_created"}


def test_event_mapping_is_immutable() -> None:
    event = WebhookEvent.from_payload({"id": 1, "kind": "todo_created"})
    with pytest.raises(TypeError):
        event["kind"] = "other"  # type: ignore[index]
    with pytest.raises(TypeError):
        del event["kind"]  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.raw = {}  # type: ignore[misc]


def test_event_built_by_hand_shows_its_fields_as_a_mapping() -> None:
    event = WebhookEvent(id=3, kind="todo_created", recording={"id": 1})  # type: ignore[typeddict-item]
    assert event["kind"] == "todo_created"
    assert event["id"] == 3
    assert event["recording"] == {"id": 1}
    assert "created_at" not in event
    assert event.raw["kind"] == "todo_created"


def test_contract_style_handlers_run_unchanged() -> None:
    # Handlers written as the single-wheel SDK's README shows them: untyped, subscripting.
    seen: list[str] = []

    def handle_todos(event):  # type: ignore[no-untyped-def]
        seen.append(f"Todo event: {event['kind']}")

    def handle_message(event):  # type: ignore[no-untyped-def]
        seen.append(f"New message: {event['recording']['title']}")

    def log_events(event, next_fn):  # type: ignore[no-untyped-def]
        seen.append(f"Processing: {event['kind']}")
        return next_fn()

    receiver = WebhookReceiver(secret=None, insecure_skip_verification=True)
    receiver.on("todo_*", handle_todos).on("message_created", handle_message)
    receiver.on_any(lambda event: seen.append(f"Event: {event['kind']}"))
    receiver.use(log_events)
    body = b'{"id": 1, "kind": "message_created", "recording": {"title": "Hi"}}'
    result = receiver.handle_request(raw_body=body, headers={"X-Other": "1"})
    assert result.handled
    assert seen == ["Processing: message_created", "New message: Hi", "Event: message_created"]
    assert receiver.handle_request(raw_body=body, headers={}).duplicate
