"""Shared fixtures for the basecamp-webhooks tests (stdlib + pytest + hypothesis only)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from basecamp.webhooks import WebhookReceiver, compute_signature

SECRET = "whsec-test-\u00e9"  # non-ASCII on purpose: the key is the UTF-8 encoding

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]


def _payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "id": 9007199254740993,
        "kind": "todo_created",
        "created_at": "2026-01-01T00:00:00.000Z",
        "recording": {"id": 1, "type": "Todo", "bucket": {"id": 7, "type": "Project"}},
        "creator": {"id": 2, "name": "Ann"},
        "details": {},
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def make_body() -> BodyFactory:
    """`make_body(id=..., kind=...)`: a JSON body; pass `...` as a value to drop that key."""

    def make(**overrides: object) -> bytes:
        return json.dumps(_payload(**overrides)).encode()

    return make


@pytest.fixture
def sign() -> HeaderFactory:
    """`sign(body)`: headers carrying a valid signature for `body`."""

    def headers(body: bytes) -> dict[str, str]:
        return {"X-Basecamp-Signature": compute_signature(body, SECRET)}

    return headers


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver(secret=SECRET)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "redis: needs a redis-server binary and the redis client (the redis extra)"
    )


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Callable[[], RedisServer]]:
    """Starts throwaway `redis-server`s on 127.0.0.1 (free ports, no persistence)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("BASECAMP_SKIP_REDIS") == "1":
            pytest.skip("BASECAMP_SKIP_REDIS=1: the Redis store is not tested")
        pytest.fail(
            "redis-server is not installed: `apt-get install redis-server` (what .ci/run does), "
            "or set BASECAMP_SKIP_REDIS=1 to skip the Redis store tests knowingly"
        )
    started: list[RedisServer] = []

    def start() -> RedisServer:
        server = RedisServer(binary)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def redis_url(redis_server: Callable[[], RedisServer]) -> Iterator[str]:
    """A fresh, empty Redis on loopback for one test."""
    server = redis_server()
    yield server.url
    server.stop()


class RedisServer:
    """One `redis-server` process on a free loopback port."""

    def __init__(self, binary: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
