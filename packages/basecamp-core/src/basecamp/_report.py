"""Reporting an SDK operation to the hooks: the one place both shells do it.

Hooks are plain callables in both shells, so one context manager serves sync code, async code
(`with` or, beside other async context managers, `async with`) and lazy walks (a generator
that holds it open across its pages).
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hooks import BasecampHooks, OperationInfo

__all__ = ["NO_REPORT", "Report", "report"]


class Report:
    """`with report(hooks, info):` calls `on_operation_start`, then `on_operation_end` with the
    duration and the error, if any. A generator closed early (`break` out of a lazy walk) ends
    the operation without an error.
    """

    __slots__ = ("_hooks", "_info", "_started")

    def __init__(self, hooks: BasecampHooks, info: OperationInfo) -> None:
        self._hooks = hooks
        self._info = info
        self._started = 0.0

    def __enter__(self) -> None:
        # Imported here: `basecamp.hooks` loads with the first hook, not with the client (and
        # whoever set hooks has loaded it already).
        from .hooks import safe_call

        safe_call(self._hooks.on_operation_start, self._info)
        self._started = time.monotonic()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        from .hooks import OperationResult, safe_call

        duration = (time.monotonic() - self._started) * 1000
        error = None if isinstance(exc, GeneratorExit) else exc
        safe_call(self._hooks.on_operation_end, self._info, OperationResult(duration, error))

    # The same, for an `async with` beside other async context managers.
    async def __aenter__(self) -> None:
        self.__enter__()

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

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


NO_REPORT = _NoReport()


def report(hooks: BasecampHooks | None, info: OperationInfo | None) -> Report | _NoReport:
    """The report of one operation, or `NO_REPORT` without hooks (or without an operation)."""
    if hooks is None or info is None:
        return NO_REPORT
    return Report(hooks, info)
