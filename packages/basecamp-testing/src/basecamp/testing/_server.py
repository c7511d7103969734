"""A real HTTP/1.1 server on loopback, in a thread, answering from a `FakeBasecamp`."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar

from ._http import Handles

__all__ = ["FakeServer"]

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# Idle keep-alive connections are closed after this many seconds.
_IDLE_TIMEOUT = 30


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Handles
    log: Callable[[str], None] | None
    connections: set[socket.socket]
    connections_lock: threading.Lock


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    server_version = "FakeBasecamp"
    sys_version = ""
    timeout = _IDLE_TIMEOUT
    server: _Server
    _ALLOWED: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate writes; without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        # After an injected reset the socket is already gone; flushing it can only fail.
        with contextlib.suppress(OSError, ValueError):
            super().finish()
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log(format % args)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return bytes(chunks)
                chunks += self.rfile.read(size)
                self.rfile.readline()
        length = self.headers.get("Content-Length", "0")
        return self.rfile.read(int(length)) if length.isdigit() and int(length) else b""

    def _serve(self) -> None:
        body = self._read_body()
        bound_host, bound_port = self.server.server_address[:2]
        host = self.headers.get("Host") or f"{bound_host!s}:{bound_port}"
        url = f"http://{host}{self.path}"
        answer = self.server.fake.handle(self.command, url, self.headers.items(), body)
        if answer.delay:
            time.sleep(answer.delay)
        if answer.reset:
            # SO_LINGER 0 makes close() send RST, which is what a crashed peer looks like.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(answer.status)
        names = {name.lower() for name, _ in answer.headers}
        for name, value in answer.headers:
            self.send_header(name, value)
        # A 304 has no body by definition; a length would describe the 200 it stands for.
        if "content-length" not in names and answer.status != 304:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.body and self.command != "HEAD":
            self.wfile.write(answer.body)

    # The stdlib dispatches on these names.
    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()


class FakeServer:
    """Serves a `FakeBasecamp` over HTTP/1.1 on a loopback address, from a background thread.

    Use it as a context manager (or `start()` / `stop()`). Port 0 picks a free port; `url` tells
    which. Only loopback addresses are accepted: the fake takes any token it is told to, so it
    must never listen where others can reach it.

    Args:
        fake: The fake that answers (a `FakeBasecamp`, or anything with its `handle()`).
        host: `127.0.0.1` (default), `localhost` or `::1`.
        port: The port, or 0 for an ephemeral one.
        log: Called with one line per request, if given (the CLI prints them).
    """

    def __init__(
        self,
        fake: Handles,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"FakeServer listens on loopback only, not {host!r}")
        self.fake = fake
        self._host = host
        self._port = port
        self._log = log
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._previous_origin: str | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321` (the server must be started)."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}"

    def start(self) -> str:
        """Bind, start serving in a daemon thread, and return `url`."""
        if self._server is not None:
            return self.url
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _Handler)
        server.fake = self.fake
        server.log = self._log
        server.connections = set()
        server.connections_lock = threading.Lock()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="basecamp-fake-server",
            daemon=True,
        )
        self._thread.start()
        # Inspection results now show URLs on this server (see `FakeBasecamp.origin`).
        self._previous_origin = self.fake.origin
        self.fake.origin = self.url
        return self.url

    def stop(self) -> None:
        """Stop serving, drop open keep-alive connections, and release the port."""
        if self._server is None:
            return
        if self.fake.origin == self.url and self._previous_origin is not None:
            self.fake.origin = self._previous_origin
        server, self._server = self._server, None
        server.shutdown()
        with server.connections_lock:
            open_connections = list(server.connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "stopped"
        return f"FakeServer({state})"
