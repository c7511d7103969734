"""Observability hooks: see every operation, request, retry and page without patching the client.

Subclass `BasecampHooks` and override what you need, or use `console_hooks()`. Combine several
with `chain_hooks(...)`. A hook that raises never breaks the call: the failure is logged as a
warning on the `basecamp.hooks` logger (the hook's name and the exception's type, never its
message, which could hold anything the hook saw). No record carries an `Authorization` header
or a token, and URLs outside the API origin (such as signed download links) are shown without
their query string.

Example:
    ```python
    from basecamp import Client
    from basecamp.hooks import BasecampHooks, RequestInfo, RequestResult

    class Timing(BasecampHooks):
        def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
            print(info.method, info.url, result.status_code, f"{result.duration:.3f}s")

    client = Client(access_token="...", hooks=Timing())
    ```
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

__all__ = [
    "BasecampHooks",
    "OperationInfo",
    "OperationResult",
    "RequestInfo",
    "RequestResult",
    "chain_hooks",
    "console_hooks",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One SDK call, such as `account.todos.create(...)`.

    Attributes:
        service: The accessor name, e.g. `projects`, or `raw` for `account.get(...)`.
        operation: The method name, e.g. `list`.
        operation_id: The API operation id, e.g. `ListProjects`.
        is_mutation: Whether it changes data.
        resource_id: The id of the resource addressed, if any (the last path id).
        project_id: The project (bucket) id, if the path has one.
    """

    service: str
    operation: str
    operation_id: str
    is_mutation: bool
    resource_id: str | None = None
    project_id: str | None = None


@dataclass(frozen=True, slots=True)
class OperationResult:
    """How an SDK call ended.

    Attributes:
        duration_ms: Wall time of the whole call, retries and pages included.
        error: The exception it raised, or `None` on success.
        from_cache: Whether the result came from the client's cache: every response the call
            used (each page of a list) was a `304 Not Modified` served from it.
    """

    duration_ms: float
    error: BaseException | None = None
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """One HTTP attempt.

    Attributes:
        method: The HTTP method.
        url: The URL; outside the API origin the query string is removed.
        attempt: 1 for the first attempt, 2 for the first retry, and so on.
    """

    method: str
    url: str
    attempt: int


@dataclass(frozen=True, slots=True)
class RequestResult:
    """How one HTTP attempt ended.

    Attributes:
        status_code: The HTTP status, error responses included; `None` when none arrived.
        duration: Seconds from send to the end of the body.
        error: The exception the attempt produced, if any.
        retry_after: The server's `Retry-After` in seconds, if it sent a usable one.
        from_cache: Whether the client's cache served this attempt's answer: the server said
            `304 Not Modified` (that is `status_code`) and the stored body was used.
    """

    status_code: int | None
    duration: float
    error: BaseException | None = None
    retry_after: float | None = None
    from_cache: bool = False


class BasecampHooks:
    """Base class for hooks. Every method is a no-op; override the ones you need."""

    def on_operation_start(self, info: OperationInfo) -> None:
        """Called when an SDK call starts."""

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        """Called when an SDK call ends, successfully or not."""

    def on_request_start(self, info: RequestInfo) -> None:
        """Called before each HTTP attempt."""

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        """Called after each HTTP attempt."""

    def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, delay: float) -> None:
        """Called before sleeping `delay` seconds and sending retry number `attempt`."""

    def on_paginate(self, url: str, page: int) -> None:
        """Called before fetching page `page` (2 and up) of a list."""


class _ChainedHooks(BasecampHooks):
    def __init__(self, hooks: tuple[BasecampHooks, ...]) -> None:
        self._hooks = hooks
        self._reversed = tuple(reversed(hooks))

    def on_operation_start(self, info: OperationInfo) -> None:
        for hook in self._hooks:
            safe_call(hook.on_operation_start, info)

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        for hook in self._reversed:
            safe_call(hook.on_operation_end, info, result)

    def on_request_start(self, info: RequestInfo) -> None:
        for hook in self._hooks:
            safe_call(hook.on_request_start, info)

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        for hook in self._reversed:
            safe_call(hook.on_request_end, info, result)

    def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, delay: float) -> None:
        for hook in self._hooks:
            safe_call(hook.on_retry, info, attempt, error, delay)

    def on_paginate(self, url: str, page: int) -> None:
        for hook in self._hooks:
            safe_call(hook.on_paginate, url, page)


def chain_hooks(*hooks: BasecampHooks) -> BasecampHooks:
    """Combine hooks: start hooks run in the order given, end hooks in reverse (like nesting)."""
    return _ChainedHooks(hooks)


class _ConsoleHooks(BasecampHooks):
    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def _write(self, line: str) -> None:
        stream = self._stream or sys.stderr
        stream.write(f"[basecamp] {line}\n")

    def on_operation_start(self, info: OperationInfo) -> None:
        self._write(f"-> {info.service}.{info.operation} ({info.operation_id})")

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        outcome = "ok" if result.error is None else type(result.error).__name__
        self._write(f"<- {info.service}.{info.operation} {outcome} in {result.duration_ms:.1f} ms")

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        status = result.status_code if result.status_code is not None else "-"
        cached = ", cached" if result.from_cache else ""
        self._write(
            f"{info.method} {info.url} -> {status} ({result.duration * 1000:.1f} ms, "
            f"attempt {info.attempt}{cached})"
        )

    def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, delay: float) -> None:
        self._write(
            f"retry {attempt} of {info.method} {info.url} in {delay:.2f}s after "
            f"{type(error).__name__}"
        )

    def on_paginate(self, url: str, page: int) -> None:
        self._write(f"page {page}: {url}")


def console_hooks(stream: TextIO | None = None) -> BasecampHooks:
    """Hooks that log each operation, request, retry and page to stderr (or `stream`)."""
    return _ConsoleHooks(stream)


def safe_call(function: Callable[..., object], *args: object) -> None:
    """Call a hook; log an exception instead of letting it break the request."""
    try:
        function(*args)
    except Exception as exc:  # a broken hook must never break the caller's request
        name = getattr(function, "__qualname__", None) or type(function).__name__
        # The type only, and no traceback: the exception's text may echo a token or signed URL.
        _log.warning("hook %s raised %s; ignored", name, type(exc).__name__)
