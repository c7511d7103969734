"""`WebhookAsgiApp`: an ASGI 3 application over the sans-I/O layer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Final

from ._http import (
    DEFAULT_MAX_BODY_SIZE,
    AsyncDispatcher,
    WebhookResponse,
    check_max_body_size,
    combine_header,
    precheck,
    reply,
    reply_for,
)

__all__ = ["AsgiReceive", "AsgiScope", "AsgiSend", "WebhookAsgiApp"]

AsgiScope = Mapping[str, object]
AsgiReceive = Callable[[], Awaitable[Mapping[str, object]]]
AsgiSend = Callable[[dict[str, object]], Awaitable[None]]


class WebhookAsgiApp:
    """An ASGI 3 application that feeds POSTed bodies to a `WebhookReceiver`.

    It answers every path it is given (a route at the exact webhook path, or served on its
    own), with the statuses of the README table:

    - 204 when the event is handled or is a duplicate;
    - 400 for a malformed body or `Content-Length`;
    - 401 for a missing or wrong signature, or repeated signature headers that disagree;
    - 405 (with `Allow: POST`) for any other method;
    - 413 when the body exceeds `max_body_size`: rejected from `Content-Length` before reading,
      or while reading, never buffering more than one chunk past the cap;
    - 500 when a handler raises (the event id is released and the error is logged to the
      `basecamp.webhooks` logger), when the dedup store fails, or when
      `handle_request_async` refuses a plain middleware in front of `async def` code with
      `AsyncHandlerError` (logged too; nothing ran).

    `lifespan` scopes are acknowledged, and websocket connections are closed.

    Args:
        receiver: The receiver to dispatch to (via `WebhookReceiver.handle_request_async`).
        max_body_size: Largest accepted body, in bytes.
    """

    receiver: AsyncDispatcher
    """The receiver deliveries go to."""
    max_body_size: int
    """Largest accepted body, in bytes."""

    def __init__(
        self, receiver: AsyncDispatcher, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE
    ) -> None:
        self.receiver = receiver
        self.max_body_size = check_max_body_size(max_body_size)

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
        headers = _asgi_headers(scope.get("headers"))
        refused = precheck(scope.get("method"), headers.get("content-length"), self.max_body_size)
        if refused is not None:
            await _send(send, reply(refused))
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
                await _send(send, reply(413))
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))

        try:
            await self.receiver.handle_request_async(b"".join(chunks), headers)
        except Exception as exc:  # handler errors become 500s, never a dropped connection
            await _send(send, reply_for(exc))
            return
        await _send(send, _NO_CONTENT)


_NO_CONTENT: Final = reply(204)


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
            # ASGI servers already lowercase names. A repeated header is joined as WSGI servers
            # join it, so both adapters apply one rule to repeated signatures.
            combine_header(headers, name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


async def _send(send: AsgiSend, response: WebhookResponse) -> None:
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
