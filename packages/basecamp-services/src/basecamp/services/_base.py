"""The base classes of the generated services, and what they need from their account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from basecamp import AsyncPager, DownloadResult, ListResult, Operation, Pager

__all__ = ["AccountCalls", "AsyncAccountCalls", "AsyncService", "Service"]


class AccountCalls(Protocol):
    """What a service calls on its `AccountClient`.

    A protocol rather than the class itself, so that core's typed accessors (which name the
    services) and the services (which name what they call) do not import each other.
    `basecamp.AccountClient` implements it.
    """

    def _call(
        self,
        op: Operation,
        args: Mapping[str, object] = ...,
        /,
        *,
        json: Mapping[str, object] | None = None,
    ) -> Any: ...

    def _list(
        self,
        op: Operation,
        args: Mapping[str, object] = ...,
        /,
        *,
        max_items: int | None = None,
        page: int | None = None,
    ) -> ListResult[Any]: ...

    def _pager(
        self, op: Operation, args: Mapping[str, object] = ..., /, *, max_items: int | None = None
    ) -> Pager[Any]: ...

    def download_url(self, url: str) -> DownloadResult: ...


class AsyncAccountCalls(Protocol):
    """What an async service calls on its `AsyncAccountClient` (see `AccountCalls`)."""

    async def _call(
        self,
        op: Operation,
        args: Mapping[str, object] = ...,
        /,
        *,
        json: Mapping[str, object] | None = None,
    ) -> Any: ...

    async def _list(
        self,
        op: Operation,
        args: Mapping[str, object] = ...,
        /,
        *,
        max_items: int | None = None,
        page: int | None = None,
    ) -> ListResult[Any]: ...

    def _pager(
        self, op: Operation, args: Mapping[str, object] = ..., /, *, max_items: int | None = None
    ) -> AsyncPager[Any]: ...

    async def download_url(self, url: str) -> DownloadResult: ...


class Service:
    """A group of operations bound to one account (`account.projects`, ...).

    Services are created by the `AccountClient` accessors; you rarely construct one yourself.
    """

    __slots__ = ("_account",)

    def __init__(self, account: AccountCalls) -> None:
        self._account = account

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account={self._account!r}>"


class AsyncService:
    """The async twin of `Service`, bound to an `AsyncAccountClient`."""

    __slots__ = ("_account",)

    def __init__(self, account: AsyncAccountCalls) -> None:
        self._account = account

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account={self._account!r}>"
