"""One capped, deadline-bound HTTP exchange with an OAuth endpoint (async source of truth).

- Redirects are never followed: a 3xx is refused before its body is read.
- The body is read raw (we ask for identity encoding) and never buffered past 1 MiB.
- Socket timeouts bound each read; a wall-clock deadline bounds the whole exchange, so a server
  that drips bytes cannot hold us forever.
- Errors are raised outside every `except` block, so no httpx exception (whose request holds the
  form, and so the secrets) survives as `__context__`.
"""

# unasync: remove-start
# `timeout` is applied inside (`deadline()` plus socket timeouts) for both shells.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from basecamp import BasecampError
from basecamp._primitives_async import deadline

from .._http import (
    MAX_BODY_BYTES,
    REQUEST_HEADERS,
    Reply,
    check_timeout,
    deadline_error,
    network_error,
    precheck,
    too_large_error,
)

__all__ = ["request"]


async def request(
    method: str,
    url: str,
    *,
    what: str,
    form: Mapping[str, str] | None = None,
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
        transport: An httpx transport (tests), else httpx's default.

    Raises:
        NetworkError: The connection failed or the deadline passed (retryable).
        OAuthError: A redirect, a compressed or oversized body.
    """
    seconds = check_timeout(timeout)
    ends_at = time.monotonic() + seconds
    failure: BasecampError | None = None
    status = 0
    body = bytearray()
    try:
        async with (
            deadline(seconds),
            httpx.AsyncClient(timeout=seconds, follow_redirects=False, transport=transport) as http,
            http.stream(
                method, url, data=dict(form) if form else None, headers=REQUEST_HEADERS
            ) as response,
        ):
            status = response.status_code
            failure = precheck(status, response.headers, what=what)
            if failure is None:
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        failure = too_large_error(what, status)
                        break
                    # The sync shell cannot cancel a blocked read, so check between chunks too.
                    if time.monotonic() > ends_at:
                        failure = deadline_error(what, seconds)
                        break
    except httpx.HTTPError as exc:
        failure = network_error(what, exc)
    except TimeoutError:
        failure = deadline_error(what, seconds)
    if failure is not None:
        raise failure
    return Reply(status=status, body=bytes(body))
