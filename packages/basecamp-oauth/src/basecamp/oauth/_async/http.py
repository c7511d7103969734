"""One capped, deadline-bound HTTP exchange with an OAuth endpoint (async source of truth).

- Redirects are never followed: a 3xx is refused before its body is read.
- The body is read raw (we ask for identity encoding) and never buffered past 1 MiB.
- Socket timeouts bound each read; a wall-clock deadline bounds the whole exchange, so a server
  that drips bytes (headers included) cannot hold us forever. The async shell gets it from
  `asyncio.timeout`; the sync twin from core's `http_transport`, whose every socket read waits
  at most until `deadline()` ends, so the default client is always built on that transport.
- A response already read by its transport (`httpx.MockTransport`'s are) is taken as is, still
  under the cap; any other is read raw, chunk by chunk.
- Only `BasecampError`s leave: a failed connection becomes a (retryable) `NetworkError`, any
  other failure an `OAuthError` naming only the exception's type. Errors are raised outside
  every `except` block, so no httpx exception (whose request holds the form, and so the secrets)
  survives as `__context__`.
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
from basecamp._primitives_async import deadline, http_transport

from .._http import (
    MAX_BODY_BYTES,
    REQUEST_HEADERS,
    Reply,
    check_timeout,
    deadline_error,
    network_error,
    precheck,
    too_large_error,
    unexpected_error,
)

__all__ = ["request"]

# One request per client: one connection, not kept alive.
_LIMITS = httpx.Limits(max_connections=1, max_keepalive_connections=0)


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
        transport: An httpx transport (tests), else core's `http_transport` (httpx's own,
            with socket reads bounded by the deadline in the sync shell).

    Raises:
        NetworkError: The connection failed or the deadline passed (retryable).
        OAuthError: A redirect, a compressed or oversized body, or an unexpected failure of
            the transport.
    """
    seconds = check_timeout(timeout)
    ends_at = time.monotonic() + seconds
    failure: BasecampError | None = None
    status = 0
    body = bytearray()
    try:
        async with (
            deadline(seconds),
            httpx.AsyncClient(
                timeout=seconds,
                follow_redirects=False,
                transport=http_transport(_LIMITS) if transport is None else transport,
                limits=_LIMITS,  # used when httpx builds the transport (a proxy from the env)
            ) as http,
            http.stream(
                method, url, data=dict(form) if form else None, headers=REQUEST_HEADERS
            ) as response,
        ):
            status = response.status_code
            failure = precheck(status, response.headers, what=what)
            if failure is None and response.is_stream_consumed:
                # Read by the transport already (a mock's): in memory, so only its size is left.
                body += response.content
                if len(body) > MAX_BODY_BYTES:
                    failure = too_large_error(what, status)
            elif failure is None:
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > MAX_BODY_BYTES:
                        failure = too_large_error(what, status)
                        break
                    # The sync shell cannot cancel a blocked read, so check between chunks too.
                    if time.monotonic() > ends_at:
                        failure = deadline_error(what, seconds)
                        break
    except TimeoutError:
        failure = deadline_error(what, seconds)
    except httpx.TimeoutException as exc:
        # In the sync shell the deadline surfaces as a socket timeout: name it for what it is.
        late = time.monotonic() >= ends_at
        failure = deadline_error(what, seconds) if late else network_error(what, exc)
    except (httpx.TransportError, OSError) as exc:
        failure = network_error(what, exc)
    except Exception as exc:  # only BasecampErrors may leave (see the module docstring)
        failure = unexpected_error(what, exc)
    if failure is not None:
        raise failure
    return Reply(status=status, body=bytes(body))
