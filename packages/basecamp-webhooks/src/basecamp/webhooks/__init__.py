"""Verify, deduplicate and route Basecamp webhooks with the standard library alone.

Public map:

- Signatures: `compute_signature`, `verify_signature`, `SIGNATURE_HEADER`.
- Receiving: `WebhookReceiver`, `WebhookResult`, `DeliveryStatus`, and the callable types
  `Handler`, `Middleware`, `SyncMiddleware`, `AsyncMiddleware`, `NextFn`, `AsyncNextFn`.
- Events: `WebhookEvent`, `EventKind`, `parse_event_kind`, `ParsedEventKind`, `KNOWN_ACTIONS`.
- Adapters: `WebhookAsgiApp`, `WebhookWsgiApp`, `DEFAULT_MAX_BODY_SIZE`.
- Errors: `WebhookError` and its subclasses `WebhookVerificationError`,
  `WebhookSignatureError`, `WebhookPayloadError`, `WebhookConfigurationError`,
  `AsyncHandlerError`, `InvalidEventKindError`.

Only the signature functions and the errors are imported eagerly. Everything else is loaded on
first access, so that `import basecamp.webhooks` (e.g. just to verify a signature) costs about
as much as importing `hmac`.
"""

from __future__ import annotations

from ._errors import (
    AsyncHandlerError,
    InvalidEventKindError,
    WebhookConfigurationError,
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookVerificationError,
)
from ._signature import SIGNATURE_HEADER, compute_signature, verify_signature

# Not `typing.TYPE_CHECKING`: importing `typing` alone would double this module's import cost.
# Type checkers treat any name spelled `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._adapters import DEFAULT_MAX_BODY_SIZE, WebhookAsgiApp, WebhookWsgiApp
    from ._events import (
        KNOWN_ACTIONS,
        EventKind,
        ParsedEventKind,
        WebhookEvent,
        parse_event_kind,
    )
    from ._receiver import (
        AsyncMiddleware,
        AsyncNextFn,
        DeliveryStatus,
        Handler,
        Middleware,
        NextFn,
        SyncMiddleware,
        WebhookReceiver,
        WebhookResult,
    )

__all__ = [
    # signatures
    "SIGNATURE_HEADER",
    "compute_signature",
    "verify_signature",
    # receiving
    "WebhookReceiver",
    "WebhookResult",
    "DeliveryStatus",
    "Handler",
    "Middleware",
    "SyncMiddleware",
    "AsyncMiddleware",
    "NextFn",
    "AsyncNextFn",
    # events
    "WebhookEvent",
    "EventKind",
    "ParsedEventKind",
    "parse_event_kind",
    "KNOWN_ACTIONS",
    # adapters
    "WebhookAsgiApp",
    "WebhookWsgiApp",
    "DEFAULT_MAX_BODY_SIZE",
    # errors
    "WebhookError",
    "WebhookVerificationError",
    "WebhookSignatureError",
    "WebhookPayloadError",
    "WebhookConfigurationError",
    "AsyncHandlerError",
    "InvalidEventKindError",
]

_LAZY = {
    "WebhookReceiver": "_receiver",
    "WebhookResult": "_receiver",
    "DeliveryStatus": "_receiver",
    "Handler": "_receiver",
    "Middleware": "_receiver",
    "SyncMiddleware": "_receiver",
    "AsyncMiddleware": "_receiver",
    "NextFn": "_receiver",
    "AsyncNextFn": "_receiver",
    "WebhookEvent": "_events",
    "EventKind": "_events",
    "ParsedEventKind": "_events",
    "parse_event_kind": "_events",
    "KNOWN_ACTIONS": "_events",
    "WebhookAsgiApp": "_adapters",
    "WebhookWsgiApp": "_adapters",
    "DEFAULT_MAX_BODY_SIZE": "_adapters",
}


def __getattr__(name: str) -> object:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value: object = getattr(import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
