"""Concurrency primitives for the sync shell: the thread-based twins of `_primitives_async`."""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from threading import Lock
from time import sleep as sleep
from typing import Any

import httpcore
import httpx

try:  # the C queue `queue` wraps; `queue` itself would bring heapq and threading's Condition
    from _queue import Empty, SimpleQueue
except ImportError:  # an interpreter without it
    from queue import Empty, SimpleQueue

from ._config import environment_proxies
from ._cycle import no_free_slot
from ._errors import UsageError

__all__ = ["Gate", "Lock", "deadline", "http_transport", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once, across threads.

    A queue holding `limit` tokens: a request takes one and puts it back. `SimpleQueue` is
    written in C, so this costs a fraction of a `threading.Semaphore` (a Python-level condition
    variable) on every request.

    Args:
        limit: How many at once.
        timeout: Longest wait for a place, in seconds; `None` waits for ever.
    """

    __slots__ = ("_closed", "_limit", "_timeout", "_tokens")

    def __init__(self, limit: int, timeout: float | None = None) -> None:
        self._tokens: SimpleQueue[None] = SimpleQueue()
        for _ in range(limit):
            self._tokens.put(None)
        self._limit = limit
        self._timeout = timeout
        self._closed = False

    def acquire(self) -> None:
        """Take a place, waiting for one if all are taken.

        Raises:
            NetworkError: No place became free within the timeout.
            UsageError: The client was closed while waiting.
        """
        try:
            self._tokens.get(timeout=self._timeout)
        except Empty:
            raise no_free_slot(self._timeout or 0.0, self._limit) from None
        if self._closed:
            self._tokens.put(None)  # wakes the next waiter, which fails the same way
            raise UsageError("This client is closed.")

    def release(self) -> None:
        """Give a place back."""
        self._tokens.put(None)

    def close(self) -> None:
        """Fail every wait for a place, now and later."""
        self._closed = True
        self._tokens.put(None)


# When the current thread's request must be over (time.monotonic()), if it is under a deadline.
_ENDS_AT: ContextVar[float | None] = ContextVar("basecamp_request_deadline", default=None)


class _Deadline:
    """The context manager `deadline` returns (a class: cheaper than a generator per request)."""

    __slots__ = ("_seconds", "_token")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    def __enter__(self) -> None:
        self._token = _ENDS_AT.set(time.monotonic() + self._seconds)

    def __exit__(self, *exc_info: object) -> None:
        _ENDS_AT.reset(self._token)


def deadline(seconds: float) -> _Deadline:
    """Bound the enclosed request to `seconds` of wall time.

    A thread cannot be cancelled from outside, so the bound is enforced where the time is spent:
    every socket read of the default transport (see `http_transport`) waits at most until the
    deadline, and body chunks are checked against it too (`_read_capped`). A server that trickles
    its headers one byte at a time is therefore cut off, as in the async shell.
    """
    return _Deadline(seconds)


def _remaining(timeout: float | None) -> float | None:
    ends_at = _ENDS_AT.get()
    if ends_at is None:
        return timeout
    left = ends_at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("The request took longer than the request deadline.")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never wait past the thread's request deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, _remaining(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            super().connect_unix_socket(path, _remaining(timeout), socket_options)
        )


# httpcore's errors and the httpx errors callers see (the names match one to one).
_ERRORS: dict[type[Exception], type[httpx.HTTPError]] = {
    getattr(httpcore, name): getattr(httpx, name)
    for name in (
        "TimeoutException",
        "ConnectTimeout",
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "NetworkError",
        "ConnectError",
        "ReadError",
        "WriteError",
        "ProxyError",
        "UnsupportedProtocol",
        "ProtocolError",
        "LocalProtocolError",
        "RemoteProtocolError",
    )
}


def _httpx_error(exc: Exception) -> httpx.HTTPError | None:
    """The httpx error for an httpcore one (the most specific match), else `None`."""
    for cls in type(exc).__mro__:
        target = _ERRORS.get(cls)
        if target is not None:
            return target(str(exc))
    return None


class _Body(httpx.SyncByteStream):
    """An httpcore response body, its errors raised as httpx's."""

    __slots__ = ("_stream",)

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _DeadlineTransport(httpx.BaseTransport):
    """httpx's default transport (TLS verified, the environment's CA settings honoured), over an
    `httpcore.ConnectionPool` whose network backend bounds every socket wait by `deadline`."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        stream = request.stream
        assert isinstance(stream, httpx.SyncByteStream)
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=stream,
            extensions=request.extensions,
        )
        try:
            response = self._pool.handle_request(core_request)
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def http_transport(limits: httpx.Limits) -> httpx.BaseTransport | None:
    """A transport whose socket reads are bounded by `deadline`; `None` (httpx's default, which
    honours `HTTP(S)_PROXY`) when the environment configures a proxy, where the deadline falls
    back to the checks between body chunks.

    Built on httpcore's public API (`ConnectionPool(network_backend=...)`): httpx offers no way
    to choose the network backend of its own transport.
    """
    if environment_proxies():
        return None
    return _DeadlineTransport(limits)
