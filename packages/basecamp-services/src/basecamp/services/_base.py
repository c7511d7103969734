"""The base classes of the generated services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basecamp import AccountClient, AsyncAccountClient

__all__ = ["AsyncService", "Service"]


class Service:
    """A group of operations bound to one account (`account.projects`, ...).

    Services are created by the `AccountClient` accessors; you rarely construct one yourself.
    """

    __slots__ = ("_account",)

    def __init__(self, account: AccountClient) -> None:
        self._account = account

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account={self._account!r}>"


class AsyncService:
    """The async twin of `Service`, bound to an `AsyncAccountClient`."""

    __slots__ = ("_account",)

    def __init__(self, account: AsyncAccountClient) -> None:
        self._account = account

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account={self._account!r}>"
