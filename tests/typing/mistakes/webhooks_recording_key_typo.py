"""A misspelled key of the event's recording (typed nested shapes)."""

from basecamp.webhooks import WebhookEvent


def title(event: WebhookEvent) -> object:
    return event.recording["tilte"]  # expect-error
