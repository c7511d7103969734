"""The sans-I/O HTTP layer shared by the ASGI app, the WSGI app and the view responder."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from .._errors import WebhookConfigurationError, WebhookSignatureError, WebhookVerificationError

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "READ_CHUNK",
    "AsyncDispatcher",
    "Dispatcher",
    "WebhookResponse",
    "check_max_body_size",
    "combine_header",
    "parse_length",
    "precheck",
    "reply",
    "reply_for",
    "respond",
    "respond_async",
    "status_for",
]

DEFAULT_MAX_BODY_SIZE: Final = 1024 * 1024
"""The default body-size cap of the adapters and the responder: 1 MiB."""

READ_CHUNK: Final = 64 * 1024

_REASONS: Final = {
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Content Too Large",
    500: "Internal Server Error",
}
_BODIES: Final = {
    400: b"malformed webhook body\n",
    401: b"invalid or missing webhook signature\n",
    405: b"method not allowed; use POST\n",
    411: b"Content-Length required\n",
    413: b"webhook body too large\n",
    500: b"webhook handler failed\n",
}


class Dispatcher(Protocol):
    """What the synchronous adapters call: `WebhookReceiver.handle_request`."""

    def handle_request(self, raw_body: bytes, headers: Mapping[str, str]) -> object:
        """Verify and dispatch one delivery."""
        ...


class AsyncDispatcher(Protocol):
    """What the ASGI adapter awaits: `WebhookReceiver.handle_request_async`."""

    def handle_request_async(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> Awaitable[object]:
        """Verify and dispatch one delivery."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What to answer a webhook request: a status, its headers and a body.

    Built by `WebhookReceiver.respond` for framework views (the ASGI and WSGI apps answer with
    the same values), e.g. in Django `HttpResponse(r.body, status=r.status, headers=r.headers)`.

    Attributes:
        status: The HTTP status code (204, 400, 401, 405, 411, 413 or 500).
        headers: Response headers: `Content-Type` and `Content-Length` with a body, and
            `Allow: POST` with a 405.
        body: A short plain-text explanation, empty for 204.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def reason(self) -> str:
        """The reason phrase of `status`, e.g. `"No Content"`."""
        return _REASONS.get(self.status, "")

    @property
    def status_line(self) -> str:
        """`"204 No Content"`: the form WSGI's `start_response` takes."""
        return f"{self.status} {self.reason}"


def _build(status: int) -> WebhookResponse:
    body = _BODIES.get(status, b"")
    headers: dict[str, str] = {}
    if body:
        headers["Content-Type"] = "text/plain; charset=utf-8"
        headers["Content-Length"] = str(len(body))
    if status == 405:
        headers["Allow"] = "POST"
    return WebhookResponse(status, headers, body)


_REPLIES: Final = {status: _build(status) for status in (204, *_BODIES)}


def reply(status: int) -> WebhookResponse:
    """The response for `status`. A fresh copy: callers may change its headers."""
    cached = _REPLIES[status]
    return WebhookResponse(cached.status, dict(cached.headers), cached.body)


def check_max_body_size(max_body_size: int) -> int:
    """Validate a body-size cap."""
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
        raise WebhookConfigurationError("max_body_size must be an int")
    if max_body_size < 1:
        raise WebhookConfigurationError("max_body_size must be >= 1")
    return max_body_size


def parse_length(value: str) -> int | None:
    """A `Content-Length` value as an int, or `None` when it is not plain digits."""
    value = value.strip()
    # int() would also accept "+5", " 5 " and "5_000"; Content-Length is plain digits.
    if not value.isascii() or not value.isdigit():
        return None
    return int(value)


def precheck(method: object, declared_length: object, max_body_size: int) -> int | None:
    """The status that refuses a request before its body is read, or `None` to read it.

    Args:
        method: The request method.
        declared_length: The `Content-Length` header value, or `None` when absent.
        max_body_size: The cap.
    """
    if method != "POST":
        return 405
    if isinstance(declared_length, str) and declared_length.strip():
        length = parse_length(declared_length)
        if length is None:
            return 400
        if length > max_body_size:
            return 413
    return None


def status_for(exc: Exception) -> int:
    """The status for an exception raised by a delivery; logs those that become a 500."""
    if isinstance(exc, WebhookSignatureError):
        return 401
    if isinstance(exc, WebhookVerificationError):
        return 400
    # Imported only on this path: logging is comparatively expensive to import.
    import logging

    logging.getLogger("basecamp.webhooks").error(
        "webhook delivery failed; responding 500", exc_info=exc
    )
    return 500


def reply_for(exc: Exception) -> WebhookResponse:
    """The response for an exception raised by a delivery (see `status_for`)."""
    return reply(status_for(exc))


def _header(headers: Mapping[str, str], lower: str) -> str | None:
    value = headers.get(lower)
    if value is None:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == lower:
                return candidate
    return value


def _precheck_view(
    method: str, body: bytes, headers: Mapping[str, str], max_body_size: int
) -> WebhookResponse | None:
    refused = precheck(method, _header(headers, "content-length"), max_body_size)
    if refused is None and len(body) > max_body_size:
        refused = 413
    return None if refused is None else reply(refused)


def respond(
    dispatcher: Dispatcher,
    *,
    method: str,
    body: bytes,
    headers: Mapping[str, str],
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> WebhookResponse:
    """Answer one request from a framework view the way the WSGI app would."""
    refused = _precheck_view(method, body, headers, check_max_body_size(max_body_size))
    if refused is not None:
        return refused
    try:
        dispatcher.handle_request(body, headers)
    except Exception as exc:  # a 500, never an exception escaping into the framework
        return reply_for(exc)
    return reply(204)


async def respond_async(
    dispatcher: AsyncDispatcher,
    *,
    method: str,
    body: bytes,
    headers: Mapping[str, str],
    max_body_size: int = DEFAULT_MAX_BODY_SIZE,
) -> WebhookResponse:
    """Answer one request from an async framework view the way the ASGI app would."""
    refused = _precheck_view(method, body, headers, check_max_body_size(max_body_size))
    if refused is not None:
        return refused
    try:
        await dispatcher.handle_request_async(body, headers)
    except Exception as exc:
        return reply_for(exc)
    return reply(204)


def combine_header(headers: dict[str, str], name: str, value: str) -> None:
    """Add a header value, joining a repeated header with `", "` as HTTP does (RFC 9110)."""
    previous = headers.get(name)
    headers[name] = value if previous is None else f"{previous}, {value}"
