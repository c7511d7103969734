"""Typed errors raised by `basecamp.webhooks`.

No message built here ever contains the webhook secret or a signature value.
"""

from __future__ import annotations

__all__ = [
    "AsyncHandlerError",
    "InvalidEventKindError",
    "WebhookConfigurationError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookStoreError",
    "WebhookVerificationError",
]


class WebhookError(Exception):
    """Base class of every error raised by `basecamp.webhooks`."""


class WebhookVerificationError(WebhookError):
    """A delivery was rejected: its signature or its body cannot be trusted or read.

    `WebhookReceiver.handle_request` raises this (or a subclass) for every problem with the
    request itself, and nothing else for bad input.
    """


class WebhookSignatureError(WebhookVerificationError):
    """The signature header is missing or does not match the body (HTTP 401 in the adapters)."""


class WebhookPayloadError(WebhookVerificationError):
    """The body is not a JSON object shaped like a Basecamp event (HTTP 400 in the adapters)."""


class WebhookConfigurationError(WebhookError, ValueError):
    """A `WebhookReceiver` or adapter was configured with invalid options."""


class AsyncHandlerError(WebhookError, TypeError):
    """Coroutine code reached a place where it cannot be awaited.

    Raised before anything runs (and before the event id is claimed):

    - by `WebhookReceiver.handle_request` for an `async def` middleware or matching handler;
      use `WebhookReceiver.handle_request_async` (or the ASGI adapter) for those;
    - by `WebhookReceiver.handle_request_async` for a plain (sync) middleware placed in front
      of an `async def` middleware or matching handler, since its `next_fn()` cannot await.

    A plain function that returns an awaitable on a synchronous path raises it too, when it
    is called.
    """


class InvalidEventKindError(WebhookError, ValueError):
    """`parse_event_kind` was given a string that is not of the form `<type>_<action>`."""


class WebhookStoreError(WebhookError):
    """The deduplication store failed (a lost Redis connection, a locked SQLite file...).

    The delivery is not processed: the adapters answer 500, so Basecamp delivers it again.
    """
