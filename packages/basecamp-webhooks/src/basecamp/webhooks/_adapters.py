"""Framework-free ASGI 3 and WSGI applications around a `WebhookReceiver`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final

from ._errors import WebhookConfigurationError, WebhookSignatureError, WebhookVerificationError

if TYPE_CHECKING:
    from ._receiver import WebhookReceiver

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "AsgiReceive",
    "AsgiScope",
    "AsgiSend",
    "StartResponse",
    "WebhookAsgiApp",
    "WebhookWsgiApp",
]

DEFAULT_MAX_BODY_SIZE: Final = 1024 * 1024
"""The default body-size cap of the adapters: 1 MiB."""

AsgiScope = Mapping[str, object]
AsgiReceive = Callable[[], Awaitable[Mapping[str, object]]]
AsgiSend = Callable[[dict[str, object]], Awaitable[None]]
StartResponse = Callable[[str, list[tuple[str, str]]], object]

_READ_CHUNK: Final = 64 * 1024

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


def _check_max_body_size(max_body_size: int) -> int:
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
        raise WebhookConfigurationError("max_body_size must be an int")
    if max_body_size < 1:
        raise WebhookConfigurationError("max_body_size must be >= 1")
    return max_body_size


def _parse_length(value: str) -> int | None:
    value = value.strip()
    # int() would also accept "+5", " 5 " and "5_000"; Content-Length is plain digits.
    if not value.isascii() or not value.isdigit():
        return None
    return int(value)


def _status_for(exc: Exception) -> int:
    if isinstance(exc, WebhookSignatureError):
        return 401
    if isinstance(exc, WebhookVerificationError):
        return 400
    # Imported only on this path: logging is comparatively expensive to import.
    import logging

    logging.getLogger("basecamp.webhooks").error(
        "webhook handler raised; responding 500", exc_info=exc
    )
    return 500


class WebhookAsgiApp:
    """An ASGI 3 application that feeds POSTed bodies to a `WebhookReceiver`.

    Mount it at any path (Starlette `Mount`, FastAPI `app.mount`, or serve it directly). It
    answers:

    - 204 when the event is handled or is a duplicate;
    - 400 for a malformed body or `Content-Length`;
    - 401 for a missing or wrong signature;
    - 405 (with `Allow: POST`) for any other method;
    - 413 when the body exceeds `max_body_size`: rejected from `Content-Length` before reading,
      or while reading, never buffering more than one chunk past the cap;
    - 500 when a handler raises (the event id is released and the error is logged to the
      `basecamp.webhooks` logger), or when `handle_request_async` refuses a plain middleware
      in front of `async def` code with `AsyncHandlerError` (logged too; nothing ran).

    `lifespan` scopes are acknowledged, and websocket connections are closed.

    Args:
        receiver: The receiver to dispatch to (via `WebhookReceiver.handle_request_async`).
        max_body_size: Largest accepted body, in bytes.
    """

    def __init__(
        self, receiver: WebhookReceiver, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE
    ) -> None:
        self.receiver = receiver
        self.max_body_size = _check_max_body_size(max_body_size)

    def __repr__(self) -> str:
        return f"WebhookAsgiApp({self.receiver!r}, max_body_size={self.max_body_size})"

    async def __call__(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        """Serve one ASGI connection scope."""
        scope_type = scope.get("type")
        if scope_type == "http":
            await self._http(scope, receive, send)
        elif scope_type == "lifespan":
            await _lifespan(receive, send)
        elif scope_type == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            raise ValueError(f"unsupported ASGI scope type: {scope_type!r}")

    async def _http(self, scope: AsgiScope, receive: AsgiReceive, send: AsgiSend) -> None:
        if scope.get("method") != "POST":
            await _asgi_respond(send, 405, allow=True)
            return
        headers = _asgi_headers(scope.get("headers"))
        declared = headers.get("content-length")
        if declared is not None:
            length = _parse_length(declared)
            if length is None:
                await _asgi_respond(send, 400)
                return
            if length > self.max_body_size:
                await _asgi_respond(send, 413)
                return

        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            message_type = message.get("type")
            if message_type == "http.disconnect":
                return
            if message_type != "http.request":
                continue
            chunk = message.get("body", b"")
            if not isinstance(chunk, bytes):
                chunk = b""
            total += len(chunk)
            if total > self.max_body_size:
                await _asgi_respond(send, 413)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))

        try:
            await self.receiver.handle_request_async(b"".join(chunks), headers)
        except Exception as exc:  # handler errors become 500s, never a dropped connection
            await _asgi_respond(send, _status_for(exc))
            return
        await _asgi_respond(send, 204)


async def _lifespan(receive: AsgiReceive, send: AsgiSend) -> None:
    while True:
        message = await receive()
        message_type = message.get("type")
        if message_type == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message_type == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _asgi_headers(raw: object) -> dict[str, str]:
    headers: dict[str, str] = {}
    if not isinstance(raw, Iterable):
        return headers
    for item in raw:
        if not isinstance(item, tuple | list) or len(item) != 2:
            continue
        name, value = item
        if isinstance(name, bytes) and isinstance(value, bytes):
            # The first occurrence wins; ASGI servers already lowercase names.
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


async def _asgi_respond(send: AsgiSend, status: int, *, allow: bool = False) -> None:
    body = _BODIES.get(status, b"")
    headers: list[tuple[bytes, bytes]] = []
    if body:
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
        headers.append((b"content-length", str(len(body)).encode()))
    if allow:
        headers.append((b"allow", b"POST"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WebhookWsgiApp:
    """A WSGI application that feeds POSTed bodies to a `WebhookReceiver`.

    Mount it anywhere a WSGI app goes (Flask/Django dispatch middleware, `wsgiref`, gunicorn).
    Status codes are those of `WebhookAsgiApp`, plus 411 when the request has neither a
    `Content-Length` nor a server-terminated input stream (reading it could block forever).
    The body is read in chunks and never past `max_body_size`.

    Handlers run through the synchronous `WebhookReceiver.handle_request`, so `async def`
    handlers make requests fail with 500 (`AsyncHandlerError` is logged).

    Args:
        receiver: The receiver to dispatch to.
        max_body_size: Largest accepted body, in bytes.
    """

    def __init__(
        self, receiver: WebhookReceiver, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE
    ) -> None:
        self.receiver = receiver
        self.max_body_size = _check_max_body_size(max_body_size)

    def __repr__(self) -> str:
        return f"WebhookWsgiApp({self.receiver!r}, max_body_size={self.max_body_size})"

    def __call__(self, environ: Mapping[str, object], start_response: StartResponse) -> list[bytes]:
        """Serve one WSGI request."""
        if environ.get("REQUEST_METHOD") != "POST":
            return _wsgi_respond(start_response, 405, allow=True)
        read = getattr(environ.get("wsgi.input"), "read", None)
        declared = environ.get("CONTENT_LENGTH")
        if isinstance(declared, str) and declared.strip():
            length = _parse_length(declared)
            if length is None:
                return _wsgi_respond(start_response, 400)
            if length > self.max_body_size:
                return _wsgi_respond(start_response, 413)
            body = _read(read, length) if length else b""
        elif environ.get("wsgi.input_terminated"):
            # Read one byte past the cap: that is how an oversized chunked body shows itself.
            body = _read(read, self.max_body_size + 1)
            if len(body) > self.max_body_size:
                return _wsgi_respond(start_response, 413)
        else:
            return _wsgi_respond(start_response, 411)

        try:
            self.receiver.handle_request(body, _environ_headers(environ))
        except Exception as exc:  # handler errors become 500s, never a server traceback page
            return _wsgi_respond(start_response, _status_for(exc))
        return _wsgi_respond(start_response, 204)


def _read(read: object, limit: int) -> bytes:
    """Read up to `limit` bytes in chunks, stopping early at end of input."""
    if not callable(read):
        return b""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = read(min(_READ_CHUNK, remaining))
        if not chunk or not isinstance(chunk, bytes):
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _environ_headers(environ: Mapping[str, object]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            headers[key[5:].replace("_", "-").lower()] = value
    return headers


def _wsgi_respond(
    start_response: StartResponse, status: int, *, allow: bool = False
) -> list[bytes]:
    body = _BODIES.get(status, b"")
    headers: list[tuple[str, str]] = []
    if body:
        headers.append(("Content-Type", "text/plain; charset=utf-8"))
        headers.append(("Content-Length", str(len(body))))
    if allow:
        headers.append(("Allow", "POST"))
    start_response(f"{status} {_REASONS[status]}", headers)
    return [body] if body else []
