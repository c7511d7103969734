"""Helpers shared by the basecamp-core tests (loaded by conftest as `core_testkit`).

- `Runner`: builds the sync or async flavour of each client object; `await runner.call(x)` awaits
  `x` only when it is awaitable, so one test body exercises both shells.
- `Loopback`: a real HTTP/1.1 server on 127.0.0.1 whose answers each test scripts.
- `RecordingHooks`: records every hook call.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

import basecamp.hooks
from basecamp import AsyncClient, AsyncOAuthTokenProvider, Client, OAuthTokenProvider

BASE_URL = "https://3.basecampapi.com"
ACCOUNT_ID = "999"
ACCOUNT_URL = f"{BASE_URL}/{ACCOUNT_ID}"
# A unique marker: no message, repr, hook record or log line may ever contain it.
TOKEN = "tok-MARKER-5ec2e7-do-not-leak"


# -- sync/async runner ------------------------------------------------------------------------


class Runner:
    """Builds the sync or async flavour of every client object, and runs calls on either."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.is_async = kind == "async"
        self._clients: list[Any] = []

    def __repr__(self) -> str:
        return self.kind

    @property
    def client_cls(self) -> type[Any]:
        return AsyncClient if self.is_async else Client

    def client(self, **kwargs: Any) -> Any:
        if not {"access_token", "token_provider", "auth"} & kwargs.keys():
            kwargs["access_token"] = TOKEN
        client = self.client_cls(**kwargs)
        self._clients.append(client)
        return client

    def account(self, account_id: str = ACCOUNT_ID, **kwargs: Any) -> Any:
        return self.client(**kwargs).for_account(account_id)

    def oauth(self, **kwargs: Any) -> Any:
        cls = AsyncOAuthTokenProvider if self.is_async else OAuthTokenProvider
        kwargs.setdefault("client_id", "cid")
        kwargs.setdefault("client_secret", "csecret")
        access = kwargs.pop("access_token", TOKEN)
        return cls(access, kwargs.pop("client_id"), kwargs.pop("client_secret"), **kwargs)

    async def call(self, value: Any) -> Any:
        """Await `value` if the async shell produced a coroutine; return it as-is otherwise."""
        if inspect.isawaitable(value):
            return await value
        return value

    async def collect(self, iterable: Any) -> list[Any]:
        """Drain a sync or async iterable into a list."""
        if hasattr(iterable, "__aiter__"):
            return [item async for item in iterable]
        return list(iterable)

    async def close(self, client: Any) -> None:
        await self.call(client.close())

    async def aclose_all(self) -> None:
        for client in self._clients:
            await self.close(client)


# -- hooks ------------------------------------------------------------------------------------


class RecordingHooks(basecamp.hooks.BasecampHooks):
    """Records every hook call as `(name, *args)`."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def _add(self, *args: Any) -> None:
        with self.lock:
            self.calls.append(args)

    def on_operation_start(self, info: Any) -> None:
        self._add("operation_start", info)

    def on_operation_end(self, info: Any, result: Any) -> None:
        self._add("operation_end", info, result)

    def on_request_start(self, info: Any) -> None:
        self._add("request_start", info)

    def on_request_end(self, info: Any, result: Any) -> None:
        self._add("request_end", info, result)

    def on_retry(self, info: Any, attempt: int, error: BaseException, delay: float) -> None:
        self._add("retry", info, attempt, error, delay)

    def on_paginate(self, url: str, page: int) -> None:
        self._add("paginate", url, page)

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [c[1:] for c in self.calls if c[0] == name]

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


# -- loopback server --------------------------------------------------------------------------


@dataclass
class Reply:
    """A scripted answer: status, JSON (or raw bytes) body and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Send this many bytes of the body, declare the full length, then drop the connection.
    truncate_at: int | None = None

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, bytes):
            return self.body, headers
        if self.body is None:
            return b"", headers
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode(), headers


@dataclass
class Drop:
    """Close the connection without answering (`reset=True`: with a TCP RST)."""

    reset: bool = False


@dataclass
class Seen:
    """A request the loopback server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out or hang up mid-answer are part of the tests


Action = Reply | Drop
Script = Callable[[Seen], Action]


class Loopback:
    """A real HTTP/1.1 server on 127.0.0.1 whose answers each test scripts.

    `route(path, *actions)` answers requests for `path` (matched with its query string first,
    then without) with the actions in order, repeating the last one. `route(path, fn)` answers
    with `fn(seen)`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, deque[Action] | Script] = {}
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                owner._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def route(self, path: str, *actions: Action | Script) -> None:
        if len(actions) == 1 and callable(actions[0]) and not isinstance(actions[0], Reply | Drop):
            self.routes[path] = actions[0]
        else:
            self.routes[path] = deque(actions)  # type: ignore[arg-type]

    def seen(self, path: str | None = None) -> list[Seen]:
        with self.lock:
            return [r for r in self.requests if path is None or r.path.split("?")[0] == path]

    def _next_action(self, seen: Seen) -> Action:
        route = self.routes.get(seen.path) or self.routes.get(seen.path.split("?")[0])
        if route is None:
            return Reply(404, {"error": "no such route"})
        if callable(route):
            return route(seen)
        with self.lock:
            return route.popleft() if len(route) > 1 else route[0]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        seen = Seen(handler.command, handler.path, dict(handler.headers.items()), body)
        with self.lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            action = self._next_action(seen)
            if isinstance(action, Drop):
                handler.close_connection = True
                sock = handler.connection
                if action.reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                return
            if action.delay:
                time.sleep(action.delay)
            payload, headers = action.encoded()
            handler.send_response(action.status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(payload)))
            if action.truncate_at is not None:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if action.truncate_at is not None:
                handler.wfile.write(payload[: action.truncate_at])
                handler.wfile.flush()
                with contextlib.suppress(OSError):
                    handler.connection.shutdown(socket.SHUT_RDWR)
                return
            handler.wfile.write(payload)
        finally:
            with self.lock:
                self.in_flight -= 1

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unused_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def json_response(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)
