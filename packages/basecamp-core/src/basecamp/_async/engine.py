"""`AsyncEngine`: what the account, its pager and its downloads need from a client.

This module is the source of truth for `basecamp/_sync/engine.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.

`AsyncClient` is the one implementation. The account-scoped modules depend on this protocol
rather than on the client, so the client can import them (to hand out accounts) without either
module importing the other back.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .._config import Config
    from .._reply import Reply
    from .._request import PreparedBody
    from ..hooks import BasecampHooks

__all__ = ["AsyncEngine"]


class AsyncEngine(Protocol):
    """The request engine of a client: its settings, its hooks and its two ways to send."""

    @property
    def config(self) -> Config:
        """Timeouts, retries and limits."""
        ...

    @property
    def hooks(self) -> BasecampHooks | None:
        """The hooks the client reports to."""
        ...

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: PreparedBody = ...,
        idempotent: bool,
        authenticated: bool = True,
        accept_redirect: bool = False,
        body_limit: int | None = None,
    ) -> Reply:
        """Send with the retry policy; return the buffered, capped reply."""
        ...

    def _open(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None,
        body: PreparedBody,
        idempotent: bool,
        authenticated: bool,
        accept_redirect: bool,
        stream: bool,
        body_limit: int | None = None,
    ) -> AbstractAsyncContextManager[Reply]:
        """`_request`, or with `stream` a reply whose 2xx response stays open until exit."""
        ...
