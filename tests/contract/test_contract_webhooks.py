"""The webhooks half of the public contract: the receiver with glob routes, handlers that read the
event as a mapping, middleware, signatures and deduplication, run as the examples write them."""

from __future__ import annotations

import json

import pytest

from basecamp.webhooks import WebhookReceiver, compute_signature, verify_signature

SECRET = "your-webhook-secret"


def _delivery(event_id: int, kind: str, title: str) -> tuple[bytes, dict[str, str]]:
    recording = 500 + event_id
    body = json.dumps(
        {
            "id": event_id,
            "kind": kind,
            "details": {},
            "created_at": "2024-03-01T10:00:00.000Z",
            "recording": {
                "id": recording,
                "status": "active",
                "type": "Message" if kind.startswith("message") else "Todo",
                "title": title,
                "url": f"https://3.basecampapi.com/12345/buckets/1/recordings/{recording}.json",
                "app_url": f"https://3.basecamp.com/12345/buckets/1/recordings/{recording}",
                "bucket": {"id": 1, "name": "Launch Plan", "type": "Project"},
                "creator": {"id": 7, "name": "Annie Bryan"},
            },
            "creator": {"id": 7, "name": "Annie Bryan"},
        }
    ).encode()
    return body, {
        "Content-Type": "application/json",
        "X-Basecamp-Signature": compute_signature(body, SECRET),
    }


def test_receiver_routes_and_handlers_read_the_event_as_a_mapping(
    capsys: pytest.CaptureFixture[str],
) -> None:
    receiver = WebhookReceiver(secret=SECRET)

    def handle_todos(event):  # type: ignore[no-untyped-def]
        print(f"Todo event: {event['kind']}")

    def handle_message(event):  # type: ignore[no-untyped-def]
        print(f"New message: {event['recording']['title']}")

    def handle_all(event):  # type: ignore[no-untyped-def]
        print(f"Event: {event['kind']}")

    receiver.on("todo_*", handle_todos)
    receiver.on("message_created", handle_message)
    receiver.on_any(handle_all)

    for event_id, kind, title in (
        (1, "todo_created", "Write the brief"),
        (2, "message_created", "Kickoff"),
        (3, "comment_created", "Nice"),
    ):
        body, headers = _delivery(event_id, kind, title)
        result = receiver.handle_request(raw_body=body, headers=dict(headers))
        assert result.handled
    assert capsys.readouterr().out.splitlines() == [
        "Todo event: todo_created",
        "Event: todo_created",
        "New message: Kickoff",
        "Event: message_created",
        "Event: comment_created",
    ]


def test_event_is_a_read_only_mapping_with_attributes() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    body, headers = _delivery(9, "todo_completed", "Ship it")
    event = receiver.parse_request(body, headers)
    decoded = json.loads(body)
    assert dict(event) == decoded
    assert set(event) == set(decoded)
    assert "id" in event and "nope" not in event
    assert event.get("details") == {} and event.get("nope") is None
    assert event["recording"]["title"] == "Ship it"
    assert event.kind == "todo_completed" and event.recording_id == 509
    assert event.bucket_id == 1
    with pytest.raises(TypeError):
        event["kind"] = "x"  # type: ignore[index]


def test_signature_verification_and_computation() -> None:
    body, headers = _delivery(4, "todo_created", "Sign me")
    assert verify_signature(body, SECRET, headers["X-Basecamp-Signature"]) is True
    assert verify_signature(body, "other-secret", headers["X-Basecamp-Signature"]) is False
    assert verify_signature(body + b" ", SECRET, headers["X-Basecamp-Signature"]) is False
    sig = compute_signature(body, SECRET)
    assert sig == headers["X-Basecamp-Signature"]
    assert len(sig) == 64 and int(sig, 16) >= 0


def test_middleware_runs_before_the_handlers(capsys: pytest.CaptureFixture[str]) -> None:
    receiver = WebhookReceiver(secret=SECRET)
    receiver.on_any(lambda event: print(f"handler: {event['kind']}"))

    def log_events(event, next_fn):  # type: ignore[no-untyped-def]
        print(f"Processing: {event['kind']}")
        return next_fn()

    receiver.use(log_events)
    body, headers = _delivery(5, "todo_created", "Middleware")
    receiver.handle_request(raw_body=body, headers=headers)
    assert capsys.readouterr().out.splitlines() == [
        "Processing: todo_created",
        "handler: todo_created",
    ]


def test_deduplication_by_event_id_with_a_default_window_of_1000() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    assert receiver.dedup_window_size == 1000
    seen: list[int] = []
    receiver.on_any(lambda event: seen.append(event["id"]))
    body, headers = _delivery(6, "todo_created", "Once")
    first = receiver.handle_request(raw_body=body, headers=headers)
    second = receiver.handle_request(raw_body=body, headers=headers)
    assert seen == [6]
    assert first.handled and second.duplicate
    wide = WebhookReceiver(secret="...", dedup_window_size=5000)
    assert wide.dedup_window_size == 5000
