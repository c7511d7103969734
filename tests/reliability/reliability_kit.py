"""Helpers for the reliability suite (loaded by `conftest.py` as `reliability_kit`).

- `RawServer`: a TCP server on 127.0.0.1 that runs one scripted behaviour per request, written
  with bare sockets so that it can misbehave in ways a real HTTP server never would (resets,
  short bodies, trickles, silence).
- `CountingHooks` / `RecordingHooks`: count attempts and retries; keep every hook record.
- `run_call`: run one call on a fresh sync `Client` (in a worker thread) or `AsyncClient`.
- Secret markers: unique strings that must never show up in any output.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import basecamp.hooks
from basecamp import AsyncClient, Client, Config

ACCOUNT_ID = "999"
# Unique markers: no message, repr, hook record or log line may ever contain one of them.
TOKEN_MARKER = "tok-RELIABILITY-9f3a1c-NEVER-LOG"
REFRESH_MARKER = "refresh-RELIABILITY-4b7e22-NEVER-LOG"
CLIENT_SECRET_MARKER = "clientsecret-RELIABILITY-77d0e1-NEVER-LOG"
WEBHOOK_SECRET_MARKER = "whsecret-RELIABILITY-1a2b3c-NEVER-LOG"
SIGNED_QUERY_MARKER = "sig-RELIABILITY-0c0ffee-NEVER-LOG"
MARKERS = (
    TOKEN_MARKER,
    REFRESH_MARKER,
    CLIENT_SECRET_MARKER,
    WEBHOOK_SECRET_MARKER,
    SIGNED_QUERY_MARKER,
)

# Figures the soak tests publish; conftest prints them at the end of the session.
SOAK_FIGURES: dict[str, dict[str, object]] = {}
# Per hostile-server case: the error, the seconds to it and the peak traced memory.
HOSTILE_FIGURES: dict[str, dict[str, object]] = {}


# -- the scripted raw socket server -----------------------------------------------------------


@dataclass
class Request:
    """One request as the server read it off the socket."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    raw_head: bytes


Script = Callable[["Conn", Request], bool]
"""A behaviour: gets the connection and the request; returns True to keep the connection open
for another request (keep-alive), False to close it."""


class Conn:
    """A server-side connection with the misbehaviours the tests need."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.sent = 0

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.sent += len(data)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early if the server is closing. True when the server is closing."""
        return self.stop.wait(seconds)


def response_head(
    status: int = 200,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    *,
    content_length: int | None = None,
) -> bytes:
    reason = {200: "OK", 201: "Created", 204: "No Content"}.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}"]
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    for name, value in items:
        lines.append(f"{name}: {value}")
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    status: int = 200,
    body: bytes = b"{}",
    *,
    content_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
    keep_alive: bool = False,
) -> Script:
    """A well-formed response."""

    def script(conn: Conn, request: Request) -> bool:
        extra = dict(headers or {})
        if content_type is not None:
            extra.setdefault("Content-Type", content_type)
        if not keep_alive:
            extra["Connection"] = "close"
        conn.send(response_head(status, extra, content_length=len(body)) + body)
        return keep_alive

    return script


def reset_before_response() -> Script:
    def script(conn: Conn, request: Request) -> bool:
        conn.reset()
        return False

    return script


def reset_after_headers(declared: int = 100) -> Script:
    def script(conn: Conn, request: Request) -> bool:
        conn.send(response_head(200, {"Content-Type": "application/json"}, content_length=declared))
        time.sleep(0.05)
        conn.reset()
        return False

    return script


def reset_mid_body(declared: int = 1000, sent: int = 300) -> Script:
    def script(conn: Conn, request: Request) -> bool:
        head = response_head(200, {"Content-Type": "application/json"}, content_length=declared)
        conn.send(head + b"[" + b" " * (sent - 1))
        time.sleep(0.05)
        conn.reset()
        return False

    return script


def short_body(declared: int = 1000, body: bytes = b'{"id": 1}') -> Script:
    """Declares more bytes than it sends, then closes cleanly (FIN, no RST)."""

    def script(conn: Conn, request: Request) -> bool:
        head = response_head(200, {"Content-Type": "application/json"}, content_length=declared)
        conn.send(head + body)
        conn.sock.shutdown(socket.SHUT_WR)
        return False

    return script


def silent() -> Script:
    """Accepts the request and never answers (until the server closes)."""

    def script(conn: Conn, request: Request) -> bool:
        conn.wait(3600)
        return False

    return script


def trickle(data: bytes, interval: float) -> Script:
    """Sends `data` one byte every `interval` seconds."""

    def script(conn: Conn, request: Request) -> bool:
        for i in range(len(data)):
            if conn.wait(interval):
                return False
            try:
                conn.send(data[i : i + 1])
            except OSError:
                return False
        return False

    return script


def head_then_trickle(head: bytes, body: bytes, interval: float) -> Script:
    def script(conn: Conn, request: Request) -> bool:
        conn.send(head)
        return trickle(body, interval)(conn, request)

    return script


def stream_forever(head: bytes, chunk: bytes) -> Script:
    """Sends `head`, then `chunk` again and again until the client hangs up."""

    def script(conn: Conn, request: Request) -> bool:
        conn.send(head)
        try:
            while not conn.stop.is_set():
                conn.send(chunk)
        except OSError:
            pass
        return False

    return script


class RawServer:
    """A scripted HTTP/1.1 server on bare sockets, bound to 127.0.0.1.

    Each request takes the next script from the queue; when one script is left, it is reused for
    every further request. Requests are recorded in `requests`.
    """

    def __init__(self, *scripts: Script) -> None:
        self._scripts: deque[Script] = deque(scripts or (respond(),))
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.connections = 0
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def script(self, *scripts: Script) -> None:
        with self._lock:
            self._scripts = deque(scripts)

    def _next_script(self) -> Script:
        with self._lock:
            if len(self._scripts) > 1:
                return self._scripts.popleft()
            return self._scripts[0]

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._socks.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = Conn(sock, self._stop)
        reader = sock.makefile("rb")
        try:
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                if not self._next_script()(conn, request):
                    return
        except OSError:
            return
        finally:
            try:
                reader.close()
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _read_request(reader: io.BufferedReader) -> Request | None:
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline(65536)
        if not line:
            return None
        head += line
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for text in lines[1:]:
        if text:
            name, _, value = text.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = reader.read(length) if length else b""
    return Request(method, target, headers, body, head)


def refused_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


# -- hooks ------------------------------------------------------------------------------------


class CountingHooks(basecamp.hooks.BasecampHooks):
    """Counts attempts and retries; thread-safe (the sync soak shares one across threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.attempts = 0
        self.retries = 0
        self.retry_delays: list[float] = []

    def on_request_start(self, info: basecamp.hooks.RequestInfo) -> None:
        with self._lock:
            self.attempts += 1

    def on_retry(
        self, info: basecamp.hooks.RequestInfo, attempt: int, error: BaseException, delay: float
    ) -> None:
        with self._lock:
            self.retries += 1
            self.retry_delays.append(delay)


@dataclass
class RecordingHooks(basecamp.hooks.BasecampHooks):
    """Keeps the repr of every argument of every hook call."""

    records: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def _keep(self, *args: object) -> None:
        for arg in args:
            self.records.append(repr(arg))
            for name in ("error",):
                value = getattr(arg, name, None)
                if isinstance(value, BaseException):
                    self.errors.append(value)

    def on_operation_start(self, info: Any) -> None:
        self._keep(info)

    def on_operation_end(self, info: Any, result: Any) -> None:
        self._keep(info, result)

    def on_request_start(self, info: Any) -> None:
        self._keep(info)

    def on_request_end(self, info: Any, result: Any) -> None:
        self._keep(info, result)

    def on_retry(self, info: Any, attempt: int, error: BaseException, delay: float) -> None:
        self._keep(info, attempt, error, delay)
        self.errors.append(error)

    def on_paginate(self, url: str, page: int) -> None:
        self._keep(url, page)


# -- running one call on either shell ---------------------------------------------------------


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None
    elapsed: float = 0.0


async def run_call(
    flavour: str,
    config: Config,
    fn: Callable[[Any], Any],
    *,
    access_token: str = TOKEN_MARKER,
    **client_kwargs: Any,
) -> Outcome:
    """Run `fn(account)` on a fresh client of the given flavour; never raises, returns `Outcome`.

    The sync client runs in a worker thread so that the event loop (and any in-process server)
    stays free.
    """
    if flavour == "sync":

        def work() -> Outcome:
            started = time.monotonic()
            with Client(access_token=access_token, config=config, **client_kwargs) as client:
                try:
                    value = fn(client.for_account(ACCOUNT_ID))
                except Exception as exc:
                    return Outcome(error=exc, elapsed=time.monotonic() - started)
                return Outcome(value=value, elapsed=time.monotonic() - started)

        return await asyncio.to_thread(work)
    started = time.monotonic()
    async with AsyncClient(access_token=access_token, config=config, **client_kwargs) as client:
        try:
            value = fn(client.for_account(ACCOUNT_ID))
            if inspect.isawaitable(value):
                value = await value
        except Exception as exc:
            return Outcome(error=exc, elapsed=time.monotonic() - started)
        return Outcome(value=value, elapsed=time.monotonic() - started)


def exception_texts(exc: BaseException | None) -> list[str]:
    """str and repr of an exception and of its whole `__cause__`/`__context__` chain."""
    texts: list[str] = []
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        for attr in ("hint", "message"):
            value = getattr(current, attr, None)
            if value is not None:
                texts.append(str(value))
        stack += [current.__cause__, current.__context__]
    return texts


def assert_no_marker(texts: list[str] | str, where: str) -> None:
    items = [texts] if isinstance(texts, str) else texts
    for text in items:
        for marker in MARKERS:
            assert marker not in text, f"{where} leaked a secret marker: {text[:300]!r}"
