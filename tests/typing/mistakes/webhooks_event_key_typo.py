"""A misspelled key of the event (Mapping access): an unknown key reads as `object`."""

from basecamp.webhooks import WebhookEvent


def kind(event: WebhookEvent) -> str:
    return event["knid"].upper()  # expect-error
