"""`WebhookWsgiApp`: a WSGI application over the sans-I/O layer."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ._http import (
    DEFAULT_MAX_BODY_SIZE,
    READ_CHUNK,
    Dispatcher,
    WebhookResponse,
    check_max_body_size,
    precheck,
    reply,
    reply_for,
)

__all__ = ["StartResponse", "WebhookWsgiApp"]

StartResponse = Callable[[str, list[tuple[str, str]]], object]


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

    receiver: Dispatcher
    """The receiver deliveries go to."""
    max_body_size: int
    """Largest accepted body, in bytes."""

    def __init__(self, receiver: Dispatcher, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE) -> None:
        self.receiver = receiver
        self.max_body_size = check_max_body_size(max_body_size)

    def __repr__(self) -> str:
        return f"WebhookWsgiApp({self.receiver!r}, max_body_size={self.max_body_size})"

    def __call__(self, environ: Mapping[str, object], start_response: StartResponse) -> list[bytes]:
        """Serve one WSGI request."""
        declared = environ.get("CONTENT_LENGTH")
        refused = precheck(environ.get("REQUEST_METHOD"), declared, self.max_body_size)
        if refused is not None:
            return _respond(start_response, reply(refused))
        read = getattr(environ.get("wsgi.input"), "read", None)
        if isinstance(declared, str) and declared.strip():
            length = int(declared.strip())  # precheck accepted it: plain digits
            body = _read(read, length) if length else b""
        elif environ.get("wsgi.input_terminated"):
            # Read one byte past the cap: that is how an oversized chunked body shows itself.
            body = _read(read, self.max_body_size + 1)
            if len(body) > self.max_body_size:
                return _respond(start_response, reply(413))
        else:
            return _respond(start_response, reply(411))

        try:
            self.receiver.handle_request(body, _environ_headers(environ))
        except Exception as exc:  # handler errors become 500s, never a server traceback page
            return _respond(start_response, reply_for(exc))
        return _respond(start_response, reply(204))


def _read(read: object, limit: int) -> bytes:
    """Read up to `limit` bytes in chunks, stopping early at end of input."""
    if not callable(read):
        return b""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = read(min(READ_CHUNK, remaining))
        if not chunk or not isinstance(chunk, bytes):
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _environ_headers(environ: Mapping[str, object]) -> dict[str, str]:
    # WSGI servers join a repeated header with commas already (wsgiref, gunicorn, waitress).
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            headers[key[5:].replace("_", "-").lower()] = value
    return headers


def _respond(start_response: StartResponse, response: WebhookResponse) -> list[bytes]:
    start_response(response.status_line, list(response.headers.items()))
    return [response.body] if response.body else []
