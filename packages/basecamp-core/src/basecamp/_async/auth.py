"""Token providers for the async shell, and the one HTTP exchange every OAuth request goes through
(source of truth for `_sync/auth.py`).

`fetch` sends one request to an OAuth endpoint (core's refreshes, and every request of
`basecamp.oauth`, through `_transport_api`):

- Redirects are never followed, and a compressed or oversized answer is refused before its body
  is read (`_token_endpoint.refuse_unread`); the body is read raw and never buffered past 1 MiB.
- Socket timeouts bound each read; a wall-clock deadline bounds the whole exchange, so a server
  that drips bytes (headers included) cannot hold us forever. The async shell gets it from
  `asyncio.timeout`; the sync twin from core's `http_transport`, whose every socket read waits at
  most until `deadline()` ends.
- A failed connection or the deadline is a (retryable) `NetworkError`, raised outside every
  `except` block: no httpx exception (whose request holds the form, and so the secrets) survives
  as `__context__`. Anything else the server or transport does wrong is returned as a
  `TokenFailure`, for the caller to raise as its own error class.
"""

# unasync: remove-start
# `timeout` is one knob for both shells (socket timeouts plus a wall-clock deadline that the
# sync twin cannot get from `asyncio.timeout`), so ASYNC109's advice does not apply here.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence

import httpx

from .._auth import RefreshCallback, RefreshReason, check_token, expires_soon
from .._config import check_url
from .._errors import BasecampError, NetworkError, UsageError
from .._primitives_async import Lock, deadline, http_transport
from .._token_endpoint import (
    LAUNCHPAD_TOKEN_URL,
    MAX_TOKEN_RESPONSE_BYTES,
    TOKEN_REQUEST_HEADERS,
    Form,
    Reply,
    TokenFailure,
    TokenGrant,
    legacy_format,
    read_token_response,
    refresh_form,
    refuse_unread,
    resource_values,
    too_large,
)

__all__ = ["AsyncOAuthTokenProvider", "AsyncStaticTokenProvider", "fetch"]

# One request per exchange: one connection, not kept alive.
_LIMITS = httpx.Limits(max_connections=1, max_keepalive_connections=0)


async def fetch(
    method: str,
    url: str,
    *,
    what: str,
    form: Form | None = None,
    headers: Mapping[str, str] = TOKEN_REQUEST_HEADERS,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Reply | TokenFailure:
    """Send one request to an OAuth endpoint and return its complete, capped reply.

    Args:
        method: `"GET"` or `"POST"`.
        url: An endpoint already checked to be https (or loopback http).
        what: The endpoint's name for messages, e.g. `"token endpoint"`.
        form: Form fields to POST (`application/x-www-form-urlencoded`).
        headers: Request headers; they must ask for identity encoding.
        timeout: Seconds for the whole exchange; also the socket timeout.
        transport: An httpx transport (tests), else core's `http_transport`.

    Returns:
        The reply, or a `TokenFailure` for a redirect, a compressed or oversized body, or an
        unexpected failure of the transport.

    Raises:
        NetworkError: The connection failed or the deadline passed (retryable).
    """
    ends_at = time.monotonic() + timeout
    failure: TokenFailure | None = None
    unreachable: NetworkError | None = None
    late = NetworkError(f"The {what} did not answer within {timeout:g} seconds.")
    status = 0
    body = bytearray()
    try:
        async with (
            deadline(timeout),
            httpx.AsyncClient(
                timeout=timeout,
                follow_redirects=False,
                transport=http_transport(_LIMITS) if transport is None else transport,
                limits=_LIMITS,  # used when httpx builds the transport (a proxy from the env)
            ) as http,
            http.stream(method, url, data=form or None, headers=dict(headers)) as response,
        ):
            status = response.status_code
            failure = refuse_unread(status, response.headers, what=what)
            if failure is None and response.is_stream_consumed:
                # Read by the transport already (a mock's): in memory, so only its size is left.
                body += response.content
                if len(body) > MAX_TOKEN_RESPONSE_BYTES:
                    failure = too_large(status, what=what)
            elif failure is None:
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > MAX_TOKEN_RESPONSE_BYTES:
                        failure = too_large(status, what=what)
                        break
                    # The sync shell cannot cancel a blocked read, so check between chunks too.
                    if time.monotonic() > ends_at:
                        unreachable = late
                        break
    except TimeoutError:
        unreachable = late
    except httpx.TimeoutException as exc:
        # In the sync shell the deadline surfaces as a socket timeout: name it for what it is.
        unreachable = late if time.monotonic() >= ends_at else _unreachable(what, exc)
    except (httpx.TransportError, OSError) as exc:
        unreachable = _unreachable(what, exc)
    except Exception as exc:  # only typed outcomes may leave (see the module docstring)
        failure = TokenFailure(
            "failed", f"The request to the {what} failed ({type(exc).__name__})."
        )
    if unreachable is not None:
        raise unreachable
    return failure if failure is not None else Reply(status, bytes(body))


def _unreachable(what: str, exc: BaseException) -> NetworkError:
    # Only the type name: httpx errors carry the request, whose body holds the secrets.
    return NetworkError(f"Could not reach the {what} ({type(exc).__name__}).")


class AsyncStaticTokenProvider:
    """A fixed access token that cannot be refreshed."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = check_token(token)

    @property
    def refreshable(self) -> bool:
        """Always `False`."""
        return False

    async def access_token(self) -> str:
        """Return the token."""
        return self._token

    async def refresh(
        self, *, reason: RefreshReason = "expiring", rejected: str | None = None
    ) -> bool:
        """A static token cannot be refreshed: always `False`."""
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token=<redacted>)"


class AsyncOAuthTokenProvider:
    """An OAuth access token that refreshes itself before it expires, and after a 401.

    Refresh is single-flight: however many requests find the token expired at once, exactly one
    refresh request is sent and the others wait for its result. A grant whose lifetime is
    shorter than `skew` is refreshed when half of its lifetime has passed, not at once again.

    Args:
        access_token: The current access token.
        client_id: The OAuth client id.
        client_secret: The OAuth client secret.
        refresh_token: The refresh token; without one the provider cannot refresh.
        expires_at: When the access token expires (Unix time), if known.
        on_refresh: Called as `on_refresh(access_token, refresh_token, expires_at)` after each
            refresh, so you can persist the new tokens.
        token_endpoint: Where to refresh; Launchpad's when not given.
        use_legacy_format: Send Launchpad's `type=refresh` instead of RFC 6749's
            `grant_type=refresh_token`. When not said: `True` when no `token_endpoint` is given
            (Launchpad's, in its historical format), else `False`.
        resource: RFC 8707 resource indicator(s) to send with each refresh.
        skew: Refresh when the token expires within this many seconds.
        timeout: Seconds allowed for the refresh request.
        clock: Returns the current Unix time (injectable for tests).
        transport: An httpx transport for the refresh requests (tests).
    """

    def __init__(
        self,
        access_token: str,
        client_id: str,
        client_secret: str | None,
        *,
        refresh_token: str | None = None,
        expires_at: float | None = None,
        on_refresh: RefreshCallback | None = None,
        token_endpoint: str | None = None,
        use_legacy_format: bool | None = None,
        resource: str | Sequence[str] | None = None,
        skew: float = 60.0,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._access_token = check_token(access_token)
        if not isinstance(client_id, str) or not client_id:
            raise UsageError("client_id must be a non-empty string.")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._expires_at = expires_at
        self._on_refresh = on_refresh
        # The form carries the refresh token and client secret: https only (loopback aside).
        self._token_endpoint = check_url("token_endpoint", token_endpoint or LAUNCHPAD_TOKEN_URL)
        self._legacy = legacy_format(token_endpoint, use_legacy_format)
        self._resource = resource_values(resource)
        self._skew = skew
        # The margin for the current token: `skew`, or less for a grant that lives shorter.
        self._margin = skew
        self._timeout = timeout
        self._clock = clock
        self._transport = transport
        self._lock = Lock()
        self._attempts = 0  # refresh attempts finished, failed or not
        self._failure: BasecampError | None = None  # how the last attempt failed, if it did

    @property
    def refreshable(self) -> bool:
        """Whether a refresh token is available."""
        return bool(self._refresh_token)

    @property
    def expires_at(self) -> float | None:
        """When the current access token expires (Unix time), if known."""
        return self._expires_at

    def _expiring(self) -> bool:
        return expires_soon(self._expires_at, skew=self._margin, now=self._clock())

    async def access_token(self) -> str:
        """Return a valid access token, refreshing first when it expires within the skew."""
        if self.refreshable and self._expiring():
            attempts = self._attempts
            async with self._lock:
                self._share_outcome(attempts)
                if self._expiring():
                    await self._refresh_locked()
        return self._access_token

    async def refresh(
        self, *, reason: RefreshReason = "expiring", rejected: str | None = None
    ) -> bool:
        """Refresh now. Concurrent callers share one refresh request.

        Args:
            reason: `"rejected"` when the API refused `rejected`; `"expiring"` (the default)
                when you simply want a new token.
            rejected: The token the server just refused. When the current token is already a
                different one (another caller refreshed first), no new refresh is sent.

        Returns:
            `True` when a new token is in place (by this call or one it waited for).

        Raises:
            AuthError: The token endpoint rejected the refresh token or client.
            NetworkError: The token endpoint could not be reached.
            ApiError: The token endpoint answered with something unusable.
        """
        if not self.refreshable:
            return False
        attempts = self._attempts
        async with self._lock:
            if self._share_outcome(attempts):
                return True  # another caller refreshed while we waited
            if rejected is not None and rejected != self._access_token:
                return True  # refreshed before we got here: the rejected token is already gone
            await self._refresh_locked()
        return True

    def _share_outcome(self, attempts_seen: int) -> bool:
        """With the lock held: whether a refresh ran while the caller waited for the lock.

        A success is shared (`True`); a failure is re-raised to every caller that waited for it,
        so N callers and a failing endpoint still cost one request, not N in a row.
        """
        if self._attempts == attempts_seen:
            return False
        if self._failure is not None:
            raise copy.copy(self._failure) from None
        return True

    async def _refresh_locked(self) -> None:
        try:
            await self._exchange()
        except BasecampError as exc:
            self._failure = exc
            raise
        else:
            self._failure = None
        finally:
            # Counted when the attempt ends: everyone who arrived while it ran shares its outcome.
            self._attempts += 1

    async def _exchange(self) -> None:
        assert self._refresh_token is not None
        form = refresh_form(
            refresh_token=self._refresh_token,
            client_id=self._client_id,
            client_secret=self._client_secret,
            legacy=self._legacy,
            resource=self._resource,
        )
        reply = await fetch(
            "POST",
            self._token_endpoint,
            what="token endpoint",
            form=form,
            timeout=self._timeout,
            transport=self._transport,
        )
        outcome: TokenGrant | TokenFailure = (
            read_token_response(
                reply.status,
                reply.body,
                previous_refresh_token=self._refresh_token,
                now=self._clock(),
                secrets=(self._client_secret, self._access_token),
            )
            if isinstance(reply, Reply)
            else reply
        )
        if isinstance(outcome, TokenFailure):
            raise outcome.to_error()
        self._access_token = outcome.access_token
        self._refresh_token = outcome.refresh_token
        self._expires_at = outcome.expires_at
        # A grant shorter-lived than the skew would be "expiring" at once, and every request
        # of the call would refresh it again (burning a rotating refresh token each time).
        lifetime = outcome.expires_in
        self._margin = self._skew if lifetime is None else min(self._skew, lifetime / 2)
        if self._on_refresh is not None:
            self._on_refresh(outcome.access_token, outcome.refresh_token, outcome.expires_at)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self._client_id!r}, access_token=<redacted>, "
            f"refreshable={self.refreshable}, expires_at={self._expires_at!r})"
        )
