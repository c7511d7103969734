"""Concurrency primitives for the sync shell: the thread-based twins of `_primitives_async`."""

from __future__ import annotations

import queue
import ssl
import time
from collections.abc import Iterable
from contextvars import ContextVar
from threading import Lock
from time import sleep as sleep
from typing import Any

import httpcore
import httpx

from ._config import environment_proxies

__all__ = ["Gate", "Lock", "deadline", "http_transport", "sleep"]


class Gate:
    """Bounds how many requests are in flight at once, across threads.

    A queue holding `limit` tokens: a request takes one and puts it back. `queue.SimpleQueue` is
    written in C, so this costs a fraction of a `threading.Semaphore` (a Python-level condition
    variable) on every request.
    """

    __slots__ = ("_tokens",)

    def __init__(self, limit: int) -> None:
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(limit):
            self._tokens.put(None)

    def acquire(self) -> None:
        """Take a place, waiting for one if all are taken."""
        self._tokens.get()

    def release(self) -> None:
        """Give a place back."""
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


def http_transport(limits: httpx.Limits) -> httpx.BaseTransport | None:
    """httpx's own transport, with socket reads bounded by `deadline`; `None` (httpx's default,
    which honours `HTTP(S)_PROXY`) when the environment configures a proxy.

    httpx has no public hook for the network backend, so the pool's backend is swapped before
    any connection exists. Should a future httpx lay its pool out differently, or a proxy be in
    use, the deadline falls back to the checks between body chunks.
    """
    if environment_proxies():
        return None
    transport = httpx.HTTPTransport(limits=limits)
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = _DeadlineBackend()
    return transport
