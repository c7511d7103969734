"""Receiving: handlers, routing, results."""

from basecamp.webhooks import (
    DeliveryStatus,
    EventKind,
    WebhookEvent,
    WebhookReceiver,
    WebhookResult,
    WebhookSignatureError,
)

seen: list[str] = []


def on_todo(event: WebhookEvent) -> None:
    seen.append(f"{event.kind} {event.recording_id} {event.bucket_id} {event.timestamp}")


receiver = (
    WebhookReceiver(secret="s3cret")
    .on(EventKind.TODO_CREATED, on_todo)
    .on("todo_*", lambda event: seen.append(event.kind.upper()))
    .on_any(lambda event: seen.append(str(event.id)))
)
try:
    result: WebhookResult = receiver.handle_request(b"{}", {"X-Basecamp-Signature": "0" * 64})
    status: DeliveryStatus = result.status
    print(result.handled, result.duplicate, result.handler_names, status, result.event.kind)
except WebhookSignatureError as error:
    print(error)
