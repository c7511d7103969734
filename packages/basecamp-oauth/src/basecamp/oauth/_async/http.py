"""One capped, deadline-bound HTTP exchange with an OAuth endpoint (async source of truth).

The exchange is core's `fetch` (through `basecamp._transport_api`): redirects refused, the body
read raw under 1 MiB, a wall-clock deadline over the whole exchange, and no httpx exception left
in `__context__`. This shell only validates the timeout and raises core's classified failures
as `basecamp.oauth`'s errors.
"""

# unasync: remove-start
# `timeout` is applied inside (`deadline()` plus socket timeouts) for both shells.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from basecamp._transport_api import AsyncShell, Reply

from .._http import REQUEST_HEADERS, check_timeout, oauth_error

if TYPE_CHECKING:
    import httpx

__all__ = ["request"]


async def request(
    method: str,
    url: str,
    *,
    what: str,
    form: Mapping[str, str | list[str]] | None = None,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None,
) -> Reply:
    """Send one request and return its complete, capped reply.

    Args:
        method: `"GET"` or `"POST"`.
        url: An endpoint already checked by `check_endpoint`.
        what: The endpoint's name for messages, e.g. `"token endpoint"`.
        form: Form fields to POST (`application/x-www-form-urlencoded`).
        timeout: Seconds for the whole exchange; also the socket timeout.
        transport: An httpx transport (tests), else core's default.

    Raises:
        NetworkError: The connection failed or the deadline passed (retryable).
        OAuthError: A redirect, a compressed or oversized body, or an unexpected failure of
            the transport.
    """
    outcome = await AsyncShell.fetch(
        method,
        url,
        what=what,
        form=dict(form) if form else None,
        headers=REQUEST_HEADERS,
        timeout=check_timeout(timeout),
        transport=transport,
    )
    if not isinstance(outcome, Reply):
        raise oauth_error(outcome)
    return outcome
