"""A handler takes the event."""

from basecamp.webhooks import WebhookReceiver

WebhookReceiver(secret="s3cret").on("todo_*", lambda: None)  # expect-error
