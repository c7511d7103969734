"""A misspelled import from `basecamp.webhooks`."""

from basecamp.webhooks import WebhookReciever  # expect-error

__all__ = ["WebhookReciever"]
