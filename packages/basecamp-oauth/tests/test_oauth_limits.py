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
