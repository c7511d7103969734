"""The ASGI and WSGI adapters, hand-driven and behind real loopback servers."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import io
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.validate import validator

import pytest

from basecamp.webhooks import (
    DEFAULT_MAX_BODY_SIZE,
    WebhookAsgiApp,
    WebhookConfigurationError,
    WebhookEvent,
    WebhookReceiver,
    WebhookWsgiApp,
)

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]
Response = tuple[int, dict[str, str], bytes]


def _post(
    port: int,
    body: bytes | Iterator[bytes] | None,
    headers: Mapping[str, str],
    *,
    method: str = "POST",
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, "/hooks/basecamp", body=body, headers=dict(headers))
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _declare_only(port: int, length: int, headers: Mapping[str, str]) -> Response:
    """Send headers announcing `length` bytes, but no body: early rejection must not wait."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("POST", "/hooks/basecamp")
        conn.putheader("Content-Length", str(length))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture
def calls(receiver: WebhookReceiver) -> list[WebhookEvent]:
    log: list[WebhookEvent] = []

    def handler(event: WebhookEvent) -> None:
        if event.kind == "todo_trashed":
            raise RuntimeError("handler failed")
        log.append(event)

    receiver.on_any(handler)
    return log


def test_adapter_options_validated(receiver: WebhookReceiver) -> None:
    assert receiver.asgi_app().max_body_size == DEFAULT_MAX_BODY_SIZE == 1024 * 1024
    assert isinstance(receiver.asgi_app(max_body_size=10), WebhookAsgiApp)
    assert isinstance(receiver.wsgi_app(max_body_size=10), WebhookWsgiApp)
    for bad in (0, -1, True, 1.5):
        with pytest.raises(WebhookConfigurationError):
            receiver.asgi_app(max_body_size=bad)  # type: ignore[arg-type]
        with pytest.raises(WebhookConfigurationError):
            receiver.wsgi_app(max_body_size=bad)  # type: ignore[arg-type]


# -- WSGI behind wsgiref ----------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _wsgi_server(app: WebhookWsgiApp) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, validator(app), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_wsgi_status_codes_over_loopback(
    receiver: WebhookReceiver,
    calls: list[WebhookEvent],
    make_body: BodyFactory,
    sign: HeaderFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _wsgi_server(receiver.wsgi_app(max_body_size=4096)) as port:
        body = make_body(id=1)
        status, headers, data = _post(port, body, sign(body))
        assert (status, data) == (204, b"")
        assert len(calls) == 1
        assert calls[0].id == 1

        assert _post(port, body, sign(body))[0] == 204  # duplicate
        assert len(calls) == 1

        assert _post(port, body, {})[0] == 401
        assert _post(port, body, {"X-Basecamp-Signature": "0" * 64})[0] == 401

        junk = b"{not json"
        assert _post(port, junk, sign(junk))[0] == 400

        status, headers, _ = _post(port, None, {}, method="GET")
        assert status == 405
        assert headers["allow"] == "POST"
        assert _post(port, body, sign(body), method="PUT")[0] == 405

        status, _, _ = _declare_only(port, 10_000_000, sign(body))
        assert status == 413
        big = make_body(id=2, details={"pad": "x" * 5000})
        assert _post(port, big, sign(big))[0] == 413

        failing = make_body(id=3, kind="todo_trashed")
        with caplog.at_level("ERROR", logger="basecamp.webhooks"):
            assert _post(port, failing, sign(failing))[0] == 500
        assert "responding 500" in caplog.text
        assert not receiver.has_seen(3)  # claim released: Basecamp's retry will run again


def test_wsgi_async_handler_is_a_500(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def handler(event: WebhookEvent) -> None:
        pass

    receiver.on_any(handler)
    with _wsgi_server(receiver.wsgi_app()) as port:
        body = make_body()
        assert _post(port, body, sign(body))[0] == 500


def _wsgi_call(app: WebhookWsgiApp, environ: dict[str, object]) -> tuple[str, list[bytes]]:
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> object:
        statuses.append(status)
        return lambda data: None

    body = app(environ, start_response)
    return statuses[0], body


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None, "the adapter must never read unbounded"
        assert size >= 0, "the adapter must never read unbounded"
        self.sizes.append(size)
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_wsgi_terminated_input_is_read_incrementally_and_capped(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    app = receiver.wsgi_app(max_body_size=100_000)
    stream = _CountingStream(b"x" * 1_000_000)
    status, _ = _wsgi_call(
        app, {"REQUEST_METHOD": "POST", "wsgi.input": stream, "wsgi.input_terminated": True}
    )
    assert status.startswith("413")
    assert stream.bytes_read == 100_001  # one byte past the cap, never more
    assert max(stream.sizes) <= 64 * 1024

    body = make_body()
    stream = _CountingStream(body)
    environ: dict[str, object] = {
        "REQUEST_METHOD": "POST",
        "wsgi.input": stream,
        "wsgi.input_terminated": True,
        "HTTP_X_BASECAMP_SIGNATURE": sign(body)["X-Basecamp-Signature"],
    }
    assert _wsgi_call(app, environ)[0].startswith("204")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "abc"}, "400"),
        ({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "-5"}, "400"),
        ({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "+5"}, "400"),
        ({"REQUEST_METHOD": "POST"}, "411"),
        ({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": ""}, "411"),
        ({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "0"}, "401"),
        ({"REQUEST_METHOD": "HEAD"}, "405"),
        ({}, "405"),
    ],
)
def test_wsgi_edge_cases(
    receiver: WebhookReceiver, environ: dict[str, object], expected: str
) -> None:
    environ = {"wsgi.input": io.BytesIO(b""), **environ}
    assert _wsgi_call(receiver.wsgi_app(), environ)[0].startswith(expected)


def test_wsgi_short_body_reads_what_is_there(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    body = make_body()
    environ: dict[str, object] = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body) + 10),  # client lied: fewer bytes arrive
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_BASECAMP_SIGNATURE": sign(body)["X-Basecamp-Signature"],
    }
    assert _wsgi_call(receiver.wsgi_app(), environ)[0].startswith("204")


# -- ASGI, hand-driven ------------------------------------------------------------------------


class _AsgiCall:
    """Drives one ASGI http request and records what the app sends."""

    def __init__(self, chunks: list[bytes], *, disconnect: bool = False) -> None:
        self._chunks = list(chunks)
        self._disconnect = disconnect
        self.received_bytes = 0
        self.receive_calls = 0
        self.sent: list[dict[str, object]] = []

    async def receive(self) -> dict[str, object]:
        self.receive_calls += 1
        if not self._chunks:
            if self._disconnect:
                return {"type": "http.disconnect"}
            raise AssertionError("app read past the end of the body")
        chunk = self._chunks.pop(0)
        self.received_bytes += len(chunk)
        more = bool(self._chunks) or self._disconnect
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(self, message: dict[str, object]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        start = self.sent[0]
        assert start["type"] == "http.response.start"
        status = start["status"]
        assert isinstance(status, int)
        return status

    @property
    def headers(self) -> dict[bytes, bytes]:
        raw = self.sent[0]["headers"]
        assert isinstance(raw, list)
        return dict(raw)


def _scope(method: str = "POST", headers: Mapping[str, str] | None = None) -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": "/hooks/basecamp",
        "headers": [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()
        ],
    }


async def test_asgi_hand_driven_status_codes(
    receiver: WebhookReceiver,
    calls: list[WebhookEvent],
    make_body: BodyFactory,
    sign: HeaderFactory,
) -> None:
    app = receiver.asgi_app(max_body_size=4096)
    body = make_body(id=1)

    call = _AsgiCall([body[:10], body[10:]])  # a body split across messages
    await app(_scope(headers=sign(body)), call.receive, call.send)
    assert call.status == 204
    assert call.sent[1] == {"type": "http.response.body", "body": b""}
    assert [e.id for e in calls] == [1]

    call = _AsgiCall([body])
    await app(_scope(headers=sign(body)), call.receive, call.send)
    assert call.status == 204
    assert len(calls) == 1

    call = _AsgiCall([body])
    await app(_scope(headers={"X-Basecamp-Signature": "f" * 64}), call.receive, call.send)
    assert call.status == 401

    call = _AsgiCall([b"[]"])
    await app(_scope(headers=sign(b"[]")), call.receive, call.send)
    assert call.status == 400

    call = _AsgiCall([])
    await app(_scope("GET"), call.receive, call.send)
    assert call.status == 405
    assert call.headers[b"allow"] == b"POST"
    assert call.receive_calls == 0

    call = _AsgiCall([])
    await app(_scope(headers={"Content-Length": "999999"}), call.receive, call.send)
    assert call.status == 413
    assert call.receive_calls == 0

    call = _AsgiCall([])
    await app(_scope(headers={"Content-Length": "12x"}), call.receive, call.send)
    assert call.status == 400

    failing = make_body(id=9, kind="todo_trashed")
    call = _AsgiCall([failing])
    await app(_scope(headers=sign(failing)), call.receive, call.send)
    assert call.status == 500
    assert not receiver.has_seen(9)


async def test_asgi_reads_incrementally_and_stops_at_the_cap(receiver: WebhookReceiver) -> None:
    app = receiver.asgi_app(max_body_size=1000)
    call = _AsgiCall([b"x" * 300] * 100)  # 30 000 bytes, no Content-Length
    await app(_scope(), call.receive, call.send)
    assert call.status == 413
    assert call.received_bytes == 1200  # stopped at the first chunk past the cap
    assert call.receive_calls == 4


async def test_asgi_client_disconnect_sends_nothing(receiver: WebhookReceiver) -> None:
    app = receiver.asgi_app()
    call = _AsgiCall([b"{"], disconnect=True)
    await app(_scope(), call.receive, call.send)
    assert call.sent == []


async def test_asgi_lifespan_and_other_scopes(receiver: WebhookReceiver) -> None:
    app = receiver.asgi_app()
    inbox: list[dict[str, object]] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return inbox.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]

    sent.clear()
    await app({"type": "websocket"}, receive, send)
    assert sent[0]["type"] == "websocket.close"

    with pytest.raises(ValueError, match="unsupported ASGI scope"):
        await app({"type": "telepathy"}, receive, send)


async def test_asgi_async_handlers(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[object] = []

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        log.append(event.id)

    receiver.on_any(handler)
    body = make_body(id=77)
    call = _AsgiCall([body])
    await receiver.asgi_app()(_scope(headers=sign(body)), call.receive, call.send)
    assert call.status == 204
    assert log == [77]


# -- ASGI behind a minimal asyncio HTTP/1.1 server --------------------------------------------


class _MiniAsgiServer:
    """Just enough HTTP/1.1 (Content-Length or chunked bodies, one request per connection)."""

    def __init__(self, app: WebhookAsgiApp, *, chunk_size: int = 16 * 1024) -> None:
        self.app = app
        self.chunk_size = chunk_size
        self.bytes_given_to_app: list[int] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._handle(reader, writer)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        method, target, _ = (await reader.readline()).decode("latin-1").split(" ", 2)
        headers: list[tuple[bytes, bytes]] = []
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower().encode(), value.strip().encode("latin-1")))
        lookup = dict(headers)
        chunked = lookup.get(b"transfer-encoding", b"").lower() == b"chunked"
        remaining = int(lookup.get(b"content-length", b"0") or 0)
        given = 0
        finished = False

        async def read_chunk() -> bytes:
            nonlocal remaining, finished
            if chunked:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    finished = True
                    return b""
                data = await reader.readexactly(size)
                await reader.readline()
                return data
            data = await reader.read(min(remaining, self.chunk_size)) if remaining else b""
            remaining -= len(data)
            finished = remaining == 0 or not data
            return data

        async def receive() -> dict[str, object]:
            nonlocal given
            data = b"" if finished else await read_chunk()
            given += len(data)
            return {"type": "http.request", "body": data, "more_body": not finished}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                lines = [f"HTTP/1.1 {status} X".encode()]
                raw_headers = message.get("headers", [])
                assert isinstance(raw_headers, list)
                lines += [name + b": " + value for name, value in raw_headers]
                lines.append(b"connection: close")
                if status != 204 and not any(n == b"content-length" for n, _ in raw_headers):
                    lines.append(b"content-length: 0")
                writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                assert isinstance(body, bytes)
                writer.write(body)
                await writer.drain()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "path": target,
            "raw_path": target.encode(),
            "query_string": b"",
            "headers": headers,
            "client": writer.get_extra_info("peername"),
            "server": writer.get_extra_info("sockname"),
        }
        await self.app(scope, receive, send)
        self.bytes_given_to_app.append(given)
        # Drain what the client still sends so closing does not reset the connection before
        # it has read the response.
        with contextlib.suppress(Exception):
            while not finished and await asyncio.wait_for(read_chunk(), 2) != b"":
                pass


@contextlib.asynccontextmanager
async def _asgi_server(app: WebhookAsgiApp) -> AsyncIterator[tuple[int, _MiniAsgiServer]]:
    mini = _MiniAsgiServer(app)
    server = await asyncio.start_server(mini.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, mini
    finally:
        server.close()
        await server.wait_closed()


async def test_asgi_status_codes_over_loopback(
    receiver: WebhookReceiver,
    calls: list[WebhookEvent],
    make_body: BodyFactory,
    sign: HeaderFactory,
) -> None:
    async with _asgi_server(receiver.asgi_app(max_body_size=50_000)) as (port, mini):

        async def post(*args: object, **kwargs: object) -> Response:
            return await asyncio.to_thread(_post, port, *args, **kwargs)  # type: ignore[arg-type]

        body = make_body(id=1, details={"pad": "y" * 40_000})  # spans several receive() calls
        status, _, data = await post(body, sign(body))
        assert (status, data) == (204, b"")
        assert [e.id for e in calls] == [1]
        assert (await post(body, sign(body)))[0] == 204  # duplicate
        assert len(calls) == 1

        assert (await post(body, {}))[0] == 401
        junk = b"\xff\xfe"
        assert (await post(junk, sign(junk)))[0] == 400
        status, headers, _ = await post(None, {}, method="DELETE")
        assert status == 405
        assert headers["allow"] == "POST"

        status, _, _ = await asyncio.to_thread(_declare_only, port, 5_000_000, {})
        assert status == 413

        # Chunked upload without Content-Length: rejected while reading, at the cap.
        mini.bytes_given_to_app.clear()
        status, _, _ = await post(iter([b"z" * 10_000] * 20), {})
        assert status == 413
        assert mini.bytes_given_to_app == [60_000]  # first chunk past the 50 000-byte cap

        # Chunked upload under the cap is accepted.
        small = make_body(id=2)
        status, _, _ = await post(iter([small[:5], small[5:]]), sign(small))
        assert status == 204
        assert [e.id for e in calls] == [1, 2]

        failing = make_body(id=3, kind="todo_trashed")
        assert (await post(failing, sign(failing)))[0] == 500
        assert not receiver.has_seen(3)
