"""Reporting an SDK operation to the hooks: the one place both shells do it.

Hooks are plain callables in both shells, so one context manager serves sync code, async code
(`with` or, beside other async context managers, `async with`) and lazy walks (a generator
that holds it open across its pages).
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeAlias

if TYPE_CHECKING:
    from .hooks import BasecampHooks, OperationInfo

__all__ = ["NO_REPORT", "AnyReport", "Report", "report"]


class Report:
    """`with report(hooks, info):` calls `on_operation_start`, then `on_operation_end` with the
    duration and the error, if any. A generator closed early (`break` out of a lazy walk) ends
    the operation without an error.

    The code inside tells it, with `note(reply.from_cache)`, about each reply that went past a
    cache, so `OperationResult.from_cache` says whether all of them came from it.
    """

    __slots__ = ("_cached", "_fresh", "_hooks", "_info", "_started")

    def __init__(self, hooks: BasecampHooks, info: OperationInfo) -> None:
        self._hooks = hooks
        self._info = info
        self._started = 0.0
        self._cached = False
        self._fresh = False

    def __enter__(self) -> Self:
        # Imported here: `basecamp.hooks` loads with the first hook, not with the client (and
        # whoever set hooks has loaded it already).
        from .hooks import safe_call

        safe_call(self._hooks.on_operation_start, self._info)
        self._started = time.monotonic()
        return self

    def note(self, from_cache: bool | None) -> None:
        """One reply of the operation: from the cache (`True`) or not."""
        if from_cache:
            self._cached = True
        else:
            self._fresh = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        from .hooks import OperationResult, safe_call

        duration = (time.monotonic() - self._started) * 1000
        error = None if isinstance(exc, GeneratorExit) else exc
        result = OperationResult(duration, error, self._cached and not self._fresh)
        safe_call(self._hooks.on_operation_end, self._info, result)

    # The same, for an `async with` beside other async context managers.
    async def __aenter__(self) -> Self:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class _NoReport:
    """What `report` returns when nobody listens: entering and leaving it costs nothing."""

    __slots__ = ()

    def __enter__(self) -> Self:
        return self

    def note(self, from_cache: bool | None) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


NO_REPORT = _NoReport()
AnyReport: TypeAlias = Report | _NoReport


def report(hooks: BasecampHooks | None, info: OperationInfo | None) -> AnyReport:
    """The report of one operation, or `NO_REPORT` without hooks (or without an operation)."""
    if hooks is None or info is None:
        return NO_REPORT
    return Report(hooks, info)
