"""Downloads against a hostile server of our own, written on raw asyncio streams (127.0.0.1): an
API and a storage host that trickle their bodies or headers, echo the signed URL and the token
back into their errors and headers, serve decompression bombs, and are slow beside a healthy API.

Every case asserts a typed error within a generous bound (hang detection, not a speed claim),
peak memory (`tracemalloc`) under a bound, and that no secret marker reaches an exception (its
whole chain and its traceback), a hook record, a `console_hooks` line or any log record at DEBUG.
Each case publishes its time to the error and its peak memory; the run prints them at the end.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import logging
import threading
import time
import traceback
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from reliability_kit import (
    ACCOUNT_ID,
    HOSTILE_FIGURES,
    SIGNED_QUERY_MARKER,
    TOKEN_MARKER,
    RecordingHooks,
    assert_no_marker,
    exception_texts,
)

import basecamp.hooks
from basecamp import (
    ApiError,
    AsyncClient,
    BasecampError,
    Client,
    Config,
    ForbiddenError,
    NetworkError,
)

MiB = 1024 * 1024
FILE = "/blobs/k3y/download/report.bin"  # as a caller passes it: relative to the account
BLOB = f"/{ACCOUNT_ID}{FILE}"
STORED = "/bucket/report.bin"
PROJECT = f"/{ACCOUNT_ID}/projects/1"


# -- the hostile server -----------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    target: str
    headers: dict[str, str]


Handler = Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class HostileServer:
    """HTTP/1.1 on bare asyncio streams: each request goes to the handler of the longest path
    prefix it starts with, and every connection closes after one response. Handlers that never
    finish (trickles, silence) are cancelled when the server closes."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    url: str = ""
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _arrival: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            seen = Seen(method, target, headers)
            self.requests.append(seen)
            self._arrival.set()
            path = target.split("?", 1)[0]
            prefix = max((p for p in self.routes if path.startswith(p)), key=len, default=None)
            if prefix is None:
                await send(writer, 404, b'{"error": "no route"}')
            else:
                await self.routes[prefix](seen, writer)
        except (asyncio.IncompleteReadError, asyncio.CancelledError, ConnectionError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def wait_for(self, count: int) -> None:
        """Return once `count` requests have arrived."""
        while len(self.requests) < count:
            self._arrival.clear()
            await self._arrival.wait()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.sleep(0)


def head(status: int, headers: dict[str, str], length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} Status", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    writer.write(head(status, {"Content-Type": "application/json", **(headers or {})}, len(body)))
    writer.write(body)
    await writer.drain()


def json_reply(status: int, body: bytes = b'{"id": 1, "name": "P"}') -> Handler:
    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        await send(writer, status, body)

    return handler


def redirect_to(storage: HostileServer) -> Handler:
    """Hop 1: a 302 to the signed storage URL, echoing the token into its request id."""

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        location = f"{storage.url}{STORED}?sig={SIGNED_QUERY_MARKER}&expires=1"
        echo = seen.headers.get("authorization", "")
        await send(writer, 302, b"", {"Location": location, "X-Request-Id": echo})

    return handler


def trickle_body(interval: float = 0.05, size: int = 2000) -> Handler:
    """Headers at once, then one byte of the body every `interval` seconds."""

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Type": "application/octet-stream"}, size))
        await writer.drain()
        for _ in range(size):
            await asyncio.sleep(interval)
            writer.write(b"x")
            await writer.drain()

    return handler


def trickle_head(interval: float = 0.05) -> Handler:
    """The status line and headers one byte at a time, for ever."""

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"p" * 100_000:
            await asyncio.sleep(interval)
            writer.write(bytes([byte]))
            await writer.drain()

    return handler


def echo_error(status: int) -> Handler:
    """Storage refusing the signed URL, quoting it (and the request's headers) everywhere."""

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        quoted = f"{seen.target} {seen.headers}"
        body = (
            f'{{"error": "signature expired: {quoted}", '
            f'"errors": {{"{seen.target}": ["{quoted}"]}}}}'
        ).encode()
        echo = {"X-Request-Id": seen.target, "X-Amz-Signature": SIGNED_QUERY_MARKER}
        await send(writer, status, body, echo)

    return handler


def serve_bomb(bomb: bytes) -> Handler:
    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        headers = {"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}
        writer.write(head(200, headers, len(bomb)))
        writer.write(bomb)
        await writer.drain()

    return handler


def endless_body() -> Handler:
    """A body with no length that never ends, sent as fast as the client reads."""

    async def handler(seen: Seen, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Type": "application/octet-stream"}))
        chunk = b"z" * 65536
        while True:
            writer.write(chunk)
            await writer.drain()

    return handler


@pytest.fixture
async def api() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def storage() -> AsyncIterator[HostileServer]:
    server = HostileServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 64 KB of gzip that inflates to 64 MiB."""
    return gzip.compress(bytes(64 * MiB), compresslevel=9)


# -- running one case -------------------------------------------------------------------------


@dataclass
class Observed:
    error: BaseException | None
    seconds: float
    peak: int
    texts: list[str]


def config(url: str, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "base_url": url,
        "base_delay": 0,
        "max_jitter": 0,
        "max_retries": 0,
        "timeout": 2.0,
        "request_deadline": 5.0,
        "download_deadline": 0.5,
        "pool_timeout": 2.0,
    }
    values.update(overrides)
    return Config(**values)


def entry_point(name: str, target: Path) -> Callable[[Any], Any]:
    """One download entry point, drained without keeping the bytes."""
    if name == "download_to":
        return lambda account: account.download_to(FILE, target)
    if name == "download_url":
        return lambda account: account.download_url(FILE)

    def drain(account: Any) -> Any:
        chunks = account.iter_download(FILE)
        if hasattr(chunks, "__aiter__"):

            async def drain_async() -> int:
                total = 0
                async for chunk in chunks:
                    total += len(chunk)
                return total

            return drain_async()
        return sum(len(chunk) for chunk in chunks)

    return drain


async def observe(
    flavour: str, cfg: Config, fn: Callable[[Any], Any], caplog: pytest.LogCaptureFixture
) -> Observed:
    """Run `fn(account)` on a fresh client with recording and console hooks, under tracemalloc;
    collect every text a secret could leak into."""
    caplog.set_level(logging.DEBUG)
    console = io.StringIO()
    recording = RecordingHooks()
    hooks = basecamp.hooks.chain_hooks(basecamp.hooks.console_hooks(console), recording)
    error: BaseException | None = None
    tracemalloc.start()
    started = time.monotonic()
    try:
        if flavour == "sync":

            def work() -> None:
                with Client(access_token=TOKEN_MARKER, config=cfg, hooks=hooks) as client:
                    fn(client.for_account(ACCOUNT_ID))

            await asyncio.to_thread(work)
        else:
            async with AsyncClient(access_token=TOKEN_MARKER, config=cfg, hooks=hooks) as client:
                result = fn(client.for_account(ACCOUNT_ID))
                if asyncio.iscoroutine(result):
                    await result
    except BasecampError as exc:
        error = exc
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    texts = exception_texts(error)
    if error is not None:
        texts += traceback.format_exception(error)
        texts.append(repr(getattr(error, "errors", None)))
        texts.append(repr(error.request_id) if isinstance(error, BasecampError) else "")
    texts += recording.records
    texts += [t for e in recording.errors for t in exception_texts(e)]
    texts.append(console.getvalue())
    texts += [record.getMessage() for record in caplog.records]
    return Observed(error, seconds, peak, texts)


def publish(case: str, flavour: str, seen: Observed) -> None:
    HOSTILE_FIGURES[f"{case} ({flavour})"] = {
        "error": type(seen.error).__name__,
        "seconds": f"{seen.seconds:.2f}",
        "peak_mib": f"{seen.peak / MiB:.2f}",
    }


def files_in(folder: Path) -> list[str]:
    """What a download left in `folder` (a partial or temporary file is a failure)."""
    return sorted(p.name for p in folder.iterdir())


def check(seen: Observed, error: type[BaseException], within: float, peak_mib: float) -> None:
    assert isinstance(seen.error, error), repr(seen.error)
    assert seen.seconds < within, seen.seconds  # finished: no hang
    assert seen.peak < peak_mib * MiB, seen.peak / MiB
    assert_no_marker(seen.texts, "a download under a hostile server")


# -- the cases --------------------------------------------------------------------------------

ENTRY_POINTS = ["iter_download", "download_to"]


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_trickled_body_on_hop_one(
    flavour: str,
    name: str,
    api: HostileServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.routes[BLOB] = trickle_body()
    seen = await observe(flavour, config(api.url), entry_point(name, tmp_path / "f"), caplog)
    publish(f"trickled body, hop 1, {name}", flavour, seen)
    check(seen, NetworkError, within=5.0, peak_mib=8)
    assert "download deadline" in str(seen.error)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_trickled_body_on_hop_two(
    flavour: str,
    name: str,
    api: HostileServer,
    storage: HostileServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.routes[BLOB] = redirect_to(storage)
    storage.routes[STORED] = trickle_body()
    seen = await observe(flavour, config(api.url), entry_point(name, tmp_path / "f"), caplog)
    publish(f"trickled body, hop 2, {name}", flavour, seen)
    check(seen, NetworkError, within=5.0, peak_mib=8)
    assert "download deadline" in str(seen.error)
    assert files_in(tmp_path) == []
    assert len(storage.requests) == 1  # a streamed body is never fetched again


@pytest.mark.parametrize("name", ["iter_download", "download_url"])
async def test_trickled_headers_on_hop_two(
    flavour: str,
    name: str,
    api: HostileServer,
    storage: HostileServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.routes[BLOB] = redirect_to(storage)
    storage.routes[STORED] = trickle_head()
    cfg = config(api.url, request_deadline=1.0)
    seen = await observe(flavour, cfg, entry_point(name, tmp_path / "f"), caplog)
    publish(f"trickled headers, hop 2, {name}", flavour, seen)
    check(seen, NetworkError, within=6.0, peak_mib=8)


@pytest.mark.parametrize("name", ["iter_download", "download_to", "download_url"])
@pytest.mark.parametrize(("status", "error"), [(403, ForbiddenError), (500, ApiError)])
async def test_echoing_storage_errors_hold_no_secret(
    flavour: str,
    name: str,
    status: int,
    error: type[BasecampError],
    api: HostileServer,
    storage: HostileServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.routes[BLOB] = redirect_to(storage)
    storage.routes[STORED] = echo_error(status)
    seen = await observe(flavour, config(api.url), entry_point(name, tmp_path / "f"), caplog)
    publish(f"echoing storage {status}, {name}", flavour, seen)
    check(seen, error, within=5.0, peak_mib=8)
    assert seen.error is not None and "signature expired" in str(seen.error)
    assert SIGNED_QUERY_MARKER in storage.requests[0].target  # it was sent, never shown
    assert seen.error.__context__ is None
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("hop", [1, 2])
@pytest.mark.parametrize("name", ENTRY_POINTS)
async def test_bombs_are_refused_with_memory_bounded(
    flavour: str,
    hop: int,
    name: str,
    api: HostileServer,
    storage: HostileServer,
    bomb: bytes,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if hop == 1:
        api.routes[BLOB] = serve_bomb(bomb)
    else:
        api.routes[BLOB] = redirect_to(storage)
        storage.routes[STORED] = serve_bomb(bomb)
    cfg = config(api.url, download_deadline=60)
    seen = await observe(flavour, cfg, entry_point(name, tmp_path / "f"), caplog)
    publish(f"gzip bomb, hop {hop}, {name}", flavour, seen)
    # Refused after the 8 MiB allowance; nothing like the 64 MiB the bomb holds stays in memory.
    check(seen, ApiError, within=10.0, peak_mib=16)
    assert "decompression limit" in str(seen.error)
    assert files_in(tmp_path) == []


async def test_an_endless_storage_body_ends_at_the_download_deadline(
    flavour: str,
    api: HostileServer,
    storage: HostileServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.routes[BLOB] = redirect_to(storage)
    storage.routes[STORED] = endless_body()
    seen = await observe(flavour, config(api.url), entry_point("iter_download", tmp_path), caplog)
    publish("endless body, hop 2, iter_download", flavour, seen)
    check(seen, NetworkError, within=5.0, peak_mib=8)


# -- slow storage beside a healthy API -------------------------------------------------------


async def test_slow_storage_never_starves_the_api(
    flavour: str, api: HostileServer, storage: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Eight downloads trickle from storage (filling every storage slot) while `projects.get`
    against the healthy API completes; eight `iter_download` generators left open do not hang
    the client: another download fails with a typed error at `pool_timeout`, and closing the
    client ends them all."""
    api.routes[BLOB] = redirect_to(storage)
    api.routes[PROJECT] = json_reply(200)
    storage.routes[STORED] = trickle_body(interval=0.2, size=10_000)
    cfg = config(api.url, download_deadline=3600, timeout=30, pool_timeout=1.0)
    figures: dict[str, object] = {}

    async def scenario(account: Any, run: Callable[[Any], Awaitable[Any]]) -> BaseException:
        assert account.projects is not None  # the services are imported before the clock starts
        streams = [account.iter_download(FILE) for _ in range(8)]
        for stream in streams:
            await run(lambda s=stream: next_chunk(s))  # each holds a storage slot from now on
        assert len(storage.requests) == 8
        started = time.monotonic()
        project = await run(lambda: account.projects.get(project_id=1))
        figures["projects_get_seconds"] = f"{time.monotonic() - started:.2f}"
        assert project["id"] == 1
        started = time.monotonic()
        try:
            await run(lambda: next_chunk(account.iter_download(FILE)))
        except NetworkError as exc:
            figures["ninth_download_seconds"] = f"{time.monotonic() - started:.2f}"
            failure: BaseException = exc
        else:
            raise AssertionError("a ninth download found a free storage slot")
        # The eight are abandoned, never closed: the client's close must still end them.
        return failure

    tracemalloc.start()
    started = time.monotonic()
    if flavour == "sync":

        def work() -> BaseException:
            client = Client(access_token=TOKEN_MARKER, config=cfg)
            failure = asyncio.run(scenario(client.for_account(ACCOUNT_ID), run_sync))
            closing = time.monotonic()
            client.close()
            figures["close_seconds"] = f"{time.monotonic() - closing:.2f}"
            return failure

        failure = await asyncio.wait_for(asyncio.to_thread(work), timeout=60)
    else:
        client = AsyncClient(access_token=TOKEN_MARKER, config=cfg)
        failure = await asyncio.wait_for(scenario(client.for_account(ACCOUNT_ID), run_async), 60)
        closing = time.monotonic()
        await asyncio.wait_for(client.close(), timeout=10)
        figures["close_seconds"] = f"{time.monotonic() - closing:.2f}"
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures.update(error=type(failure).__name__, seconds=f"{elapsed:.2f}")
    figures["peak_mib"] = f"{peak / MiB:.2f}"
    HOSTILE_FIGURES[f"slot starvation ({flavour})"] = figures
    assert float(str(figures["projects_get_seconds"])) < 5.0  # prompt, not behind storage
    assert "pool_timeout" in str(failure)
    assert float(str(figures["close_seconds"])) < 5.0
    assert elapsed < 30.0
    assert peak < 16 * MiB
    assert len(api.requests) == 9 + 1  # eight hop-1 redirects, the ninth, one projects.get
    texts = exception_texts(failure) + [r.getMessage() for r in caplog.records]
    assert_no_marker(texts, "slot starvation")


async def next_chunk(stream: Any) -> bytes:
    if hasattr(stream, "__anext__"):
        chunk: bytes = await stream.__anext__()
    else:
        chunk = next(stream)
    assert chunk
    return chunk


async def run_async(fn: Callable[[], Any]) -> Any:
    value = fn()
    return await value if asyncio.iscoroutine(value) else value


async def run_sync(fn: Callable[[], Any]) -> Any:
    """In the sync flavour `scenario` runs on a private loop in the worker thread: the sync
    client's calls are made there directly (the test's own loop keeps serving)."""
    value = fn()
    if asyncio.iscoroutine(value):  # `next_chunk` is a coroutine wrapping a plain `next`
        return await value
    return value


async def test_buffered_downloads_from_slow_storage_never_delay_the_api(
    flavour: str, api: HostileServer, storage: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Eight buffered `download_url` calls wait on trickling storage (each cut off by
    `request_deadline`) while `projects.get` against the healthy API answers at once."""
    api.routes[BLOB] = redirect_to(storage)
    api.routes[PROJECT] = json_reply(200)
    storage.routes[STORED] = trickle_body(interval=0.1, size=10_000)
    cfg = config(api.url, request_deadline=3.0, timeout=30)
    figures: dict[str, object] = {}
    tracemalloc.start()
    started = time.monotonic()
    if flavour == "sync":

        def work() -> list[BaseException | object]:
            with Client(access_token=TOKEN_MARKER, config=cfg) as client:
                account = client.for_account(ACCOUNT_ID)
                assert account.projects is not None  # imported before the clock starts
                outcomes: list[BaseException | object] = []

                def download() -> None:
                    try:
                        outcomes.append(account.download_url(FILE))
                    except BasecampError as exc:
                        outcomes.append(exc)

                threads = [threading.Thread(target=download) for _ in range(8)]
                for thread in threads:
                    thread.start()
                while len(storage.requests) < 8:
                    time.sleep(0.01)
                asked = time.monotonic()
                assert account.projects.get(project_id=1)["id"] == 1
                figures["projects_get_seconds"] = f"{time.monotonic() - asked:.2f}"
                for thread in threads:
                    thread.join(timeout=30)
                return outcomes

        outcomes = await asyncio.wait_for(asyncio.to_thread(work), timeout=60)
    else:
        async with AsyncClient(access_token=TOKEN_MARKER, config=cfg) as client:
            account = client.for_account(ACCOUNT_ID)
            assert account.projects is not None  # imported before the clock starts
            downloads = [asyncio.create_task(account.download_url(FILE)) for _ in range(8)]
            await asyncio.wait_for(storage.wait_for(8), timeout=10)
            asked = time.monotonic()
            assert (await account.projects.get(project_id=1))["id"] == 1
            figures["projects_get_seconds"] = f"{time.monotonic() - asked:.2f}"
            outcomes = list(
                await asyncio.wait_for(asyncio.gather(*downloads, return_exceptions=True), 30)
            )
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures.update(
        error=type(outcomes[0]).__name__, seconds=f"{elapsed:.2f}", peak_mib=f"{peak / MiB:.2f}"
    )
    HOSTILE_FIGURES[f"buffered downloads beside the API ({flavour})"] = figures
    assert len(outcomes) == 8
    assert all(isinstance(o, NetworkError) for o in outcomes), outcomes
    assert float(str(figures["projects_get_seconds"])) < 2.0  # not behind the storage hops
    assert elapsed < 30.0
    assert peak < 16 * MiB
    texts = [t for o in outcomes if isinstance(o, BaseException) for t in exception_texts(o)]
    assert_no_marker(texts + [r.getMessage() for r in caplog.records], "buffered downloads")
