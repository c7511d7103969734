"""A fast fake Basecamp for the benchmarks: a minimal asyncio HTTP/1.1 keep-alive server.

It runs in its own process (`python -m benchmarks.server`, started by `FakeServer`), so the
client's CPU is measured without the server's. Every response body is rendered once and cached,
so the server spends its time on sockets, not on JSON.

Routes (the account id in the path is ignored):

- `GET /{account}/projects/{id}` and `/{id}.json`: a ~2 KB project.
- `POST /{account}/projects.json`: `201 Created` with the ~2 KB project (the body is read and
  ignored).
- `GET /{account}/projects.json[?page=N]`: page N (default 1) of the project list, with
  `X-Total-Count`, an `ETag` and, except on the last page, `Link: <...?page=N+1>; rel="next"`.
  A request whose `If-None-Match` is that `ETag` gets `304 Not Modified` with no body (the
  `Link` and `X-Total-Count` kept, as Basecamp does).
- `GET /{account}/.../download/{name}[?size=N]`: `302 Found` to `/storage/{name}?sig=...`
  (hop 1); `size` overrides the configured download size (for small warm-up downloads).
- `GET /storage/{name}`: the download's bytes, streamed in chunks with flow control (hop 2).
- `GET /{account}/events.json?since=0` or `?position=pN`: the event feed, `events` events
  (configurable) in pages of 100; each page carries `position` (`pN`: after event N) and, while
  more remain, an absolute `next` URL.
- `GET /__bench/config?pages=&per_page=&latency_ms=&download_bytes=&events=&bandwidth_mbps=`:
  change the shape of the data set (the benchmarks set it before each scenario); answers with the
  current config. `bandwidth_mbps` models a slower link for API answers: each waits as long as
  its bytes take at that rate (plus `latency_ms`), which loopback otherwise hides.
- `GET /__bench/bytes`: the bytes of API responses written since the last call (status line,
  headers and body: what a client received), as `{"sent": N}`; the count starts again at 0.

API routes answer 401 without `Authorization: Bearer ...`; the storage route answers 400 *with*
one, so both the SDK and the hand-written baseline must do the two hops the same, safe way.
A per-request latency, when set, delays every answer except the config route.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "DEFAULT_DOWNLOAD_BYTES",
    "FakeServer",
    "ServerConfig",
    "render_page",
    "render_project",
]

ACCOUNT_ID = 999
DEFAULT_DOWNLOAD_BYTES = 50 * 1024 * 1024
EVENT_PAGE = 100  # events per feed page, as the API serves at most
_CHUNK = 256 * 1024
_BLOB = (bytes(range(256)) * (_CHUNK // 256))[:_CHUNK]
_JSON = b"application/json; charset=utf-8"


def render_project(project_id: int, origin: str = "http://127.0.0.1") -> dict[str, Any]:
    """A project shaped like Basecamp's: about 2 KB of JSON with its dock of tools."""
    base = f"{origin}/{ACCOUNT_ID}/buckets/{project_id}"
    tools = [
        ("message_board", "Message Board", "message_boards"),
        ("todoset", "To-dos", "todosets"),
        ("vault", "Docs & Files", "vaults"),
        ("chat", "Chat", "chats"),
        ("schedule", "Schedule", "schedules"),
        ("questionnaire", "Automatic Check-ins", "questionnaires"),
        ("inbox", "Email Forwards", "inboxes"),
    ]
    dock = [
        {
            "id": project_id * 10 + position,
            "title": title,
            "name": name,
            "enabled": True,
            "position": position,
            "url": f"{base}/{route}/{project_id * 10 + position}.json",
            "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/buckets/{project_id}/{route}",
        }
        for position, (name, title, route) in enumerate(tools, start=1)
    ]
    return {
        "id": project_id,
        "status": "active",
        "created_at": "2024-01-15T09:30:00.000Z",
        "updated_at": "2024-06-01T17:45:12.345Z",
        "name": f"Project {project_id}: the quarterly launch plan",
        "description": "Everything about the launch: schedule, files, and the to-dos left.",
        "purpose": "topic",
        "clients_enabled": False,
        "bookmark_url": f"{origin}/{ACCOUNT_ID}/my/bookmarks/{project_id}.json",
        "url": f"{origin}/{ACCOUNT_ID}/projects/{project_id}.json",
        "app_url": f"https://3.basecamp.com/{ACCOUNT_ID}/projects/{project_id}",
        "dock": dock,
        "bookmarked": False,
    }


def render_page(page: int, per_page: int, origin: str = "http://127.0.0.1") -> bytes:
    """The JSON body of one page of the project list (ids are unique across pages)."""
    first = (page - 1) * per_page + 1
    items = [render_project(first + i, origin) for i in range(per_page)]
    return json.dumps(items, separators=(",", ":")).encode()


@dataclass
class ServerConfig:
    """The shape of the data set the server answers with."""

    pages: int = 200
    per_page: int = 15
    latency_ms: float = 0.0
    download_bytes: int = DEFAULT_DOWNLOAD_BYTES
    events: int = 10_000
    # A link of this many Mbit/s: an API answer waits as long as its bytes take to send.
    bandwidth_mbps: float = 0.0


def render_event_page(after: int, total: int, origin: str) -> bytes:
    """The JSON body of the event-feed page after event `after` (at most 100 events)."""
    last = min(after + EVENT_PAGE, total)
    events = [
        {
            "id": n,
            "event_type": "todo.created",
            "kind": "todo",
            "action": "created",
            "bucket_id": 1,
            "recording_id": 1000 + n,
            "creator_id": 7,
            "performed_by_id": 7,
            "created_at": "2026-01-01T00:00:00.000Z",
            "details": {},
        }
        for n in range(after + 1, last + 1)
    ]
    body: dict[str, Any] = {"events": events, "position": f"p{last}"}
    if last < total:
        body["next"] = f"{origin}/{ACCOUNT_ID}/events.json?position=p{last}"
    return json.dumps(body, separators=(",", ":")).encode()


def _response(status: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    lines = [b"HTTP/1.1 " + status.encode()]
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _content_length(headers: bytes) -> int:
    for line in headers.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


class _State:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.config = ServerConfig()
        self._pages: dict[tuple[int, int, int], tuple[bytes, bytes, bytes]] = {}
        self._event_pages: dict[tuple[int, int], bytes] = {}
        self.sent = 0
        self.project = _response(
            "200 OK",
            json.dumps(render_project(1, origin), separators=(",", ":")).encode(),
            [(b"Content-Type", _JSON), (b"X-Request-Id", b"bench-1")],
        )
        self.created = _response(
            "201 Created",
            json.dumps(render_project(1, origin), separators=(",", ":")).encode(),
            [(b"Content-Type", _JSON), (b"X-Request-Id", b"bench-2")],
        )
        self.unauthorized = _response(
            "401 Unauthorized", b'{"error":"unauthorized"}', [(b"Content-Type", _JSON)]
        )
        self.not_found = _response("404 Not Found", b'{"error":"not found"}', [])
        self.bad_request = _response("400 Bad Request", b"credentials sent to storage", [])

    def page(self, number: int, if_none_match: bytes | None = None) -> bytes:
        """Page `number`, or its 304 when `if_none_match` is the page's `ETag`."""
        config = self.config
        key = (number, config.per_page, config.pages)
        cached = self._pages.get(key)
        if cached is None:
            etag = f'W/"{number}-{config.per_page}-{config.pages}"'.encode()
            body = (
                render_page(number, config.per_page, self.origin)
                if number <= config.pages
                else b"[]"
            )
            headers = [
                (b"Content-Type", _JSON),
                (b"X-Total-Count", str(config.pages * config.per_page).encode()),
            ]
            if number < config.pages:
                link = f'<{self.origin}/{ACCOUNT_ID}/projects.json?page={number + 1}>; rel="next"'
                headers.append((b"Link", link.encode()))
            headers.append((b"ETag", etag))
            cached = self._pages[key] = (
                _response("200 OK", body, headers),
                _response("304 Not Modified", b"", headers[1:]),
                etag,
            )
        full, not_modified, etag = cached
        return not_modified if if_none_match == etag else full

    def sent_bytes(self) -> bytes:
        sent, self.sent = self.sent, 0
        return _response("200 OK", json.dumps({"sent": sent}).encode(), [(b"Content-Type", _JSON)])

    def events(self, query: str) -> bytes:
        after = 0
        for name, value in parse_qsl(query):
            if name == "position" and value.startswith("p") and value[1:].isdigit():
                after = int(value[1:])
            elif name == "since" and value.isdigit():
                after = int(value)
        key = (after, self.config.events)
        cached = self._event_pages.get(key)
        if cached is None:
            body = render_event_page(after, self.config.events, self.origin)
            cached = self._event_pages[key] = _response("200 OK", body, [(b"Content-Type", _JSON)])
        return cached

    def configure(self, query: str) -> bytes:
        config = self.config
        for name, value in parse_qsl(query):
            if name in ("latency_ms", "bandwidth_mbps"):
                setattr(config, name, float(value))
            elif name in ("pages", "per_page", "download_bytes", "events"):
                setattr(config, name, int(value))
        body = json.dumps(config.__dict__).encode()
        return _response("200 OK", body, [(b"Content-Type", _JSON)])


class _Connection(asyncio.Protocol):
    """One keep-alive connection; requests are answered in order, one at a time."""

    def __init__(self, state: _State) -> None:
        self._state = state
        self._buffer = bytearray()
        self._busy = False
        self._transport: asyncio.Transport | None = None
        self._writable: asyncio.Event | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._writable = asyncio.Event()
        self._writable.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        if self._writable is not None:
            self._writable.set()

    def pause_writing(self) -> None:
        if self._writable is not None:
            self._writable.clear()

    def resume_writing(self) -> None:
        if self._writable is not None:
            self._writable.set()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._busy:
            self._serve()

    def _serve(self) -> None:
        while not self._busy and self._transport is not None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end])
            request_line, _, headers = head.partition(b"\r\n")
            length = _content_length(headers)
            if len(self._buffer) < end + 4 + length:
                return  # the body is still on its way
            # The body is read and dropped: the POST route answers the same for every body.
            del self._buffer[: end + 4 + length]
            try:
                method, target, _version = request_line.decode("latin-1").split(" ", 2)
            except ValueError:
                self._transport.close()
                return
            self._dispatch(method, target, headers)

    def _dispatch(self, method: str, target: str, headers: bytes) -> None:
        state = self._state
        path, _, query = target.partition("?")
        if path == "/__bench/config":
            assert self._transport is not None
            self._transport.write(state.configure(query))
            return
        if path == "/__bench/bytes":
            assert self._transport is not None
            self._transport.write(state.sent_bytes())
            return
        authorized = b"uthorization: Bearer " in headers
        if path.startswith("/storage/"):
            if authorized:
                self._send(state.bad_request)
            else:
                self._busy = True
                size = dict(parse_qsl(query)).get("size", "")
                length = int(size) if size else state.config.download_bytes
                self._delayed(lambda: asyncio.ensure_future(self._stream(path, length)))
            return
        if not authorized:
            response = state.unauthorized
        elif method == "POST" and path.endswith("/projects.json"):
            response = state.created
        elif path.endswith("/projects.json"):
            number = 1
            for name, value in parse_qsl(query):
                if name == "page":
                    number = int(value)
            etag = None
            at = headers.lower().find(b"if-none-match:")
            if at >= 0:
                etag = headers[at + 14 :].split(b"\r\n", 1)[0].strip()
            response = state.page(number, etag)
        elif path.endswith("/events.json"):
            response = state.events(query)
        elif "/projects/" in path:
            response = state.project
        elif "/download/" in path:
            name = path.rsplit("/", 1)[-1]
            # `?size=N` on hop 1 overrides the download's size (small warm-up downloads).
            size = dict(parse_qsl(query)).get("size", "")
            extra = f"&size={int(size)}" if size else ""
            location = f"{state.origin}/storage/{name}?sig=s3cr3t&expires=1999999999{extra}"
            response = _response("302 Found", b"", [(b"Location", location.encode())])
        else:
            response = state.not_found
        self._send(response)

    def _delayed(self, action: Any) -> None:
        latency = self._state.config.latency_ms
        if latency > 0:
            asyncio.get_running_loop().call_later(latency / 1000, action)
        else:
            action()

    def _send(self, response: bytes) -> None:
        state = self._state
        state.sent += len(response)
        if state.config.bandwidth_mbps > 0:
            delay = state.config.latency_ms / 1000
            delay += len(response) * 8 / (state.config.bandwidth_mbps * 1e6)
            self._busy = True
            asyncio.get_running_loop().call_later(delay, lambda: self._finish(response))
        elif state.config.latency_ms > 0:
            self._busy = True
            self._delayed(lambda: self._finish(response))
        else:
            assert self._transport is not None
            self._transport.write(response)

    def _finish(self, response: bytes) -> None:
        if self._transport is not None:
            self._transport.write(response)
        self._busy = False
        if self._buffer:
            self._serve()

    async def _stream(self, path: str, size: int) -> None:
        name = path.rsplit("/", 1)[-1]
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            f"Content-Length: {size}\r\n\r\n"
        ).encode()
        blob = memoryview(_BLOB)
        assert self._writable is not None
        transport = self._transport
        if transport is None:
            return
        transport.write(head)
        remaining = size
        while remaining > 0:
            await self._writable.wait()
            if transport.is_closing():
                return
            step = min(remaining, _CHUNK)
            transport.write(blob[:step])
            remaining -= step
        self._busy = False
        if self._buffer:
            self._serve()


async def _serve_forever(port: int) -> None:
    loop = asyncio.get_running_loop()
    holder: dict[str, _State] = {}
    server = await loop.create_server(
        lambda: _Connection(holder["state"]), "127.0.0.1", port, backlog=1024
    )
    bound = server.sockets[0].getsockname()[1]
    holder["state"] = _State(f"http://127.0.0.1:{bound}")
    print(f"PORT {bound}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


class FakeServer:
    """The fake Basecamp in a child process. Use as a context manager.

    Attributes:
        origin: `http://127.0.0.1:PORT`.
        base: The account URL prefix, `origin/ACCOUNT_ID`.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeServer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the fake server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *exc_info: object) -> None:
        process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self._process = None

    def configure(self, **values: float) -> None:
        """Set the data set's shape (`pages`, `per_page`, `latency_ms`, `download_bytes`)."""
        import http.client

        query = "&".join(f"{name}={value}" for name, value in values.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", f"/__bench/config?{query}")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"configuring the fake server failed: {response.status}")
        finally:
            connection.close()

    def sent_bytes(self) -> int:
        """Bytes of API responses written since the last call (then the count restarts)."""
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", "/__bench/bytes")
            response = connection.getresponse()
            sent: int = json.loads(response.read())["sent"]
            return sent
        finally:
            connection.close()


def main() -> None:
    """Serve on `127.0.0.1` (port from argv, else a free one) until SIGTERM."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(port))


if __name__ == "__main__":
    main()
