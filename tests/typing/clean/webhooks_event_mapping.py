"""Webhook events read like the payload: typed nested parts, Mapping access on the event."""

from basecamp.webhooks import WebhookEvent, WebhookReceiver


def on_todo(event: WebhookEvent) -> None:
    kind: str = event["kind"]
    title: str = event.recording["title"].upper()
    same: str = event["recording"]["title"].upper()
    creator: str = event.creator["name"].upper()
    print(kind, title, same, creator)


WebhookReceiver(secret="s3cret").on("todo_*", on_todo)
