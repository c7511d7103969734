"""Verify, deduplicate and route Basecamp webhooks with the standard library alone.

Public map:

- Signatures: `compute_signature`, `verify_signature`, `SIGNATURE_HEADER`.
- Receiving: `WebhookReceiver`, `WebhookResult`, `DeliveryStatus`, and the callable types
  `Handler`, `Middleware`, `SyncMiddleware`, `AsyncMiddleware`, `NextFn`, `AsyncNextFn`.
- Event kinds: `EventKind`, `parse_event_kind`, `ParsedEventKind`, `KNOWN_ACTIONS`.
- Events: `WebhookEvent` (a mapping over the payload, with typed attributes) and the payload
  shapes `Recording`, `RecordingBucket`, `RecordingParent`, `Person`, `PersonCompany`,
  `CopiedRecording`, `CopiedRecordingBucket`.
- Deduplication: the `DedupStore` protocol, `MemoryStore` (the default), `SQLiteStore` (several
  processes on one host), `RedisStore` (several hosts; the `redis` extra),
  `DEFAULT_DEDUP_WINDOW_SIZE`.
- HTTP: `WebhookAsgiApp`, `WebhookWsgiApp`, `WebhookResponse` (from `WebhookReceiver.respond`),
  `DEFAULT_MAX_BODY_SIZE`.
- Errors: `WebhookError` and its subclasses `WebhookVerificationError`,
  `WebhookSignatureError`, `WebhookPayloadError`, `WebhookConfigurationError`,
  `WebhookStoreError`, `AsyncHandlerError`, `InvalidEventKindError`.

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
    WebhookStoreError,
    WebhookVerificationError,
)
from ._signature import SIGNATURE_HEADER, compute_signature, verify_signature

# Not `typing.TYPE_CHECKING`: importing `typing` alone would double this module's import cost.
# Type checkers treat any name spelled `TYPE_CHECKING` as true: they see the real imports below
# and never the module `__getattr__`, so `from basecamp.webhooks import Typo` is an error for them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._adapters._asgi import WebhookAsgiApp
    from ._adapters._http import DEFAULT_MAX_BODY_SIZE, WebhookResponse
    from ._adapters._wsgi import WebhookWsgiApp
    from ._dedup import DEFAULT_DEDUP_WINDOW_SIZE, DedupStore, MemoryStore
    from ._events import (
        KNOWN_ACTIONS,
        CopiedRecording,
        CopiedRecordingBucket,
        EventKind,
        ParsedEventKind,
        Person,
        PersonCompany,
        Recording,
        RecordingBucket,
        RecordingParent,
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
    from ._redis import RedisStore
    from ._sqlite import SQLiteStore

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
    "Recording",
    "RecordingBucket",
    "RecordingParent",
    "Person",
    "PersonCompany",
    "CopiedRecording",
    "CopiedRecordingBucket",
    "EventKind",
    "ParsedEventKind",
    "parse_event_kind",
    "KNOWN_ACTIONS",
    # deduplication
    "DedupStore",
    "MemoryStore",
    "SQLiteStore",
    "RedisStore",
    "DEFAULT_DEDUP_WINDOW_SIZE",
    # HTTP
    "WebhookAsgiApp",
    "WebhookWsgiApp",
    "WebhookResponse",
    "DEFAULT_MAX_BODY_SIZE",
    # errors
    "WebhookError",
    "WebhookVerificationError",
    "WebhookSignatureError",
    "WebhookPayloadError",
    "WebhookConfigurationError",
    "WebhookStoreError",
    "AsyncHandlerError",
    "InvalidEventKindError",
]

if not TYPE_CHECKING:
    _LAZY = {
        **dict.fromkeys(
            (
                "WebhookReceiver",
                "WebhookResult",
                "DeliveryStatus",
                "Handler",
                "Middleware",
                "SyncMiddleware",
                "AsyncMiddleware",
                "NextFn",
                "AsyncNextFn",
            ),
            "_receiver",
        ),
        **dict.fromkeys(
            (
                "WebhookEvent",
                "Recording",
                "RecordingBucket",
                "RecordingParent",
                "Person",
                "PersonCompany",
                "CopiedRecording",
                "CopiedRecordingBucket",
                "EventKind",
                "ParsedEventKind",
                "parse_event_kind",
                "KNOWN_ACTIONS",
            ),
            "_events",
        ),
        **dict.fromkeys(("DedupStore", "MemoryStore", "DEFAULT_DEDUP_WINDOW_SIZE"), "_dedup"),
        "SQLiteStore": "_sqlite",
        "RedisStore": "_redis",  # the redis client itself loads only when a store is built
        "WebhookAsgiApp": "_adapters._asgi",
        "WebhookWsgiApp": "_adapters._wsgi",
        "WebhookResponse": "_adapters._http",
        "DEFAULT_MAX_BODY_SIZE": "_adapters._http",
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
