"""A misspelled key of the event (Mapping access)."""

from basecamp.webhooks import WebhookEvent


def kind(event: WebhookEvent) -> object:
    return event["knid"]  # expect-error
