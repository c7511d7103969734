"""Hardening of the transport: the 1 MiB streaming cap, the wall-clock deadline, socket timeouts."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from types import ModuleType

import httpx
import pytest

import basecamp.oauth as oauth
from basecamp import NetworkError
from basecamp.oauth import OAuthError

CHUNK = 64 * 1024
CAP = 1024 * 1024


class Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that never ends; counts what was pulled from it."""

    def __init__(self, pause: float = 0.0) -> None:
        self.sent = 0
        self.pause = pause

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.sent += CHUNK
            yield b"x" * CHUNK
            time.sleep(self.pause)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.sent += CHUNK
            yield b"x" * CHUNK
            await asyncio.sleep(self.pause)


class Untouchable(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        raise AssertionError("the body must not be read")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise AssertionError("the body must not be read")
        yield b""  # pragma: no cover


def _exchange(kind: str, kit: ModuleType, stream: httpx.SyncByteStream, **extra: object) -> None:
    headers = extra.pop("headers", {})
    transport_handler = lambda request: httpx.Response(200, stream=stream, headers=headers)  # noqa: E731
    args = {
        "token_endpoint": kit.TOKEN_URL,
        "code": kit.CODE,
        "redirect_uri": kit.REDIRECT_URI,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
        **extra,
    }
    transport = httpx.MockTransport(transport_handler)
    if kind == "sync":
        oauth.exchange_code(transport=transport, **args)  # type: ignore[arg-type]
    else:
        asyncio.run(oauth.aexchange_code(transport=transport, **args))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_body_is_never_buffered_past_the_cap(kind: str, kit: ModuleType) -> None:
    stream = Endless()
    with pytest.raises(OAuthError, match="larger than the 1048576-byte limit") as info:
        _exchange(kind, kit, stream)
    assert CAP < stream.sent <= CAP + 2 * CHUNK
    assert info.value.__context__ is None


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_declared_oversize_is_refused_unread(kind: str, kit: ModuleType) -> None:
    with pytest.raises(OAuthError, match="larger than"):
        _exchange(kind, kit, Untouchable(), headers={"Content-Length": str(CAP + 1)})


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_wall_clock_deadline_stops_a_dripping_body(kind: str, kit: ModuleType) -> None:
    stream = Endless(pause=0.05)
    started = time.monotonic()
    # Chunks are small enough in count that the cap is never reached before the deadline.
    with pytest.raises(NetworkError, match=r"did not answer within 0\.3 seconds") as info:
        _exchange(kind, kit, stream, timeout=0.3)
    assert time.monotonic() - started < 2
    assert stream.sent < CAP
    assert info.value.retryable
    assert info.value.__context__ is None


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/token"
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


def test_socket_timeouts_apply_to_a_silent_server(
    shell, kit: ModuleType, silent_server: str
) -> None:
    started = time.monotonic()
    with pytest.raises(NetworkError) as info:
        shell(
            "exchange_code",
            token_endpoint=silent_server,
            code=kit.CODE,
            redirect_uri=kit.REDIRECT_URI,
            client_id=kit.CLIENT_ID,
            client_secret=kit.CLIENT_SECRET,
            timeout=0.3,
        )
    assert time.monotonic() - started < 3
    assert info.value.retryable
    kit.assert_no_secrets(info.value)


def test_connection_refused_is_a_network_error(shell, kit: ModuleType) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError, match="ConnectError") as info:
        shell("discover", f"http://127.0.0.1:{port}", timeout=2)
    assert info.value.__context__ is None


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """A loopback server that answers with a status line, then one header line every 0.1 s
    for 5 s: each socket read succeeds, so only a wall-clock deadline can stop the client."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for _ in range(50):
                    if stop.wait(0.1):
                        return
                    conn.sendall(b"X-Drip: 1\r\n")
                conn.sendall(b"Content-Length: 2\r\n\r\n{}")
            except OSError:
                return  # the client gave up: that is the point

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    listener.close()


def test_deadline_bounds_trickled_headers(shell, trickling_server: str) -> None:
    # The sync shell has no cancellation: core's `http_transport` bounds each socket read by the
    # deadline instead. Without it the sync call would last the whole 5 s drip.
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"did not answer within 0\.5 seconds") as info:
        shell("discover", trickling_server, timeout=0.5)
    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 1.5
    assert info.value.retryable
    assert info.value.__context__ is None


# -- httpx.MockTransport: its responses arrive already read -------------------------------------


DOC = {
    "issuer": "https://auth.example.com",
    "authorization_endpoint": "https://auth.example.com/oauth/authorize",
    "token_endpoint": "https://auth.example.com/oauth/token",
}


def test_mock_transport_discovery_and_exchange(shell, kit: ModuleType) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/oauth-authorization-server":
            return httpx.Response(200, json=DOC)
        return httpx.Response(200, json=kit.token_body())

    transport = httpx.MockTransport(handler)
    config = shell("discover", kit.ISSUER, transport=transport)
    assert config.token_endpoint == kit.TOKEN_URL
    token = shell(
        "exchange_code",
        token_endpoint=config.token_endpoint,
        code=kit.CODE,
        redirect_uri=kit.REDIRECT_URI,
        client_id=kit.CLIENT_ID,
        transport=transport,
    )
    assert token.access_token == kit.ACCESS
    assert token.refresh_token == kit.REFRESH


def test_mock_transport_with_an_async_handler(kit: ModuleType) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "invalid_grant"})

    with pytest.raises(oauth.OAuthRejectedError, match="invalid_grant"):
        asyncio.run(
            oauth.arefresh_token(
                token_endpoint=kit.TOKEN_URL,
                refresh_tok=kit.REFRESH,
                client_id=kit.CLIENT_ID,
                transport=httpx.MockTransport(handler),
            )
        )


def test_pre_read_body_over_the_cap_is_refused(shell, kit: ModuleType) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, content=b"x" * (CAP + 1))
        del response.headers["content-length"]  # so only the in-memory size can tell
        return response

    with pytest.raises(OAuthError, match="larger than the 1048576-byte limit") as info:
        shell("discover", kit.ISSUER, transport=httpx.MockTransport(handler))
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    ("error", "expected", "retryable"),
    [
        (httpx.ReadError("reset"), NetworkError, True),
        (ConnectionResetError("reset"), NetworkError, True),
        (httpx.StreamConsumed(), OAuthError, False),
        (httpx.InvalidURL("bad"), OAuthError, False),
        (httpx.DecodingError("bad"), OAuthError, False),
        (RuntimeError("a broken transport"), OAuthError, False),
        (ValueError("a broken transport"), OAuthError, False),
    ],
)
def test_only_basecamp_errors_leave(
    shell, kit: ModuleType, error: Exception, expected: type[Exception], retryable: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # The form (with every secret) rides on the exception, as httpx's own errors do.
        error.args = (*error.args, request.content.decode())
        raise error

    with pytest.raises(expected, match=type(error).__name__) as info:
        shell(
            "exchange_code",
            token_endpoint=kit.TOKEN_URL,
            code=kit.CODE,
            redirect_uri=kit.REDIRECT_URI,
            client_id=kit.CLIENT_ID,
            client_secret=kit.CLIENT_SECRET,
            code_verifier=kit.VERIFIER,
            transport=httpx.MockTransport(handler),
        )
    assert info.value.retryable is retryable  # type: ignore[attr-defined]
    assert info.value.__context__ is None
    assert info.value.__cause__ is None
    kit.assert_no_secrets(info.value)


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_an_async_handler_in_the_sync_shell_is_an_oauth_error(kit: ModuleType) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover
        return httpx.Response(200, json=DOC)

    # httpx raises TypeError here; it must come out as one of ours.
    with pytest.raises(OAuthError, match="TypeError") as info:
        oauth.discover(kit.ISSUER, transport=httpx.MockTransport(handler))
    assert info.value.__context__ is None
