"""Token providers for the async shell (source of truth for `_sync/auth.py`)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

import httpx

from .._auth import (
    LAUNCHPAD_TOKEN_URL,
    MAX_TOKEN_RESPONSE_BYTES,
    RefreshCallback,
    check_token,
    expires_soon,
    parse_token_response,
    refresh_form,
)
from .._config import check_url
from .._errors import BasecampError, NetworkError, UsageError
from .._primitives_async import Lock, deadline, http_transport
from .body import read_capped

__all__ = ["AsyncOAuthTokenProvider", "AsyncStaticTokenProvider"]


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

    async def refresh(self) -> bool:
        """A static token cannot be refreshed: always `False`."""
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token=<redacted>)"


class AsyncOAuthTokenProvider:
    """An OAuth access token that refreshes itself before it expires, and after a 401.

    Refresh is single-flight: however many requests find the token expired at once, exactly one
    refresh request is sent and the others wait for its result.

    Args:
        access_token: The current access token.
        client_id: The OAuth client id.
        client_secret: The OAuth client secret.
        refresh_token: The refresh token; without one the provider cannot refresh.
        expires_at: When the access token expires (Unix time), if known.
        on_refresh: Called as `on_refresh(access_token, refresh_token, expires_at)` after each
            refresh, so you can persist the new tokens.
        token_endpoint: Where to refresh; Launchpad by default.
        use_legacy_format: Send Launchpad's `type=refresh` instead of RFC 6749's
            `grant_type=refresh_token`. Defaults to `True` for Launchpad, else `False`.
        skew: Refresh when the token expires within this many seconds.
        timeout: Seconds allowed for the refresh request.
        clock: Returns the current Unix time (injectable for tests).
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
        token_endpoint: str = LAUNCHPAD_TOKEN_URL,
        use_legacy_format: bool | None = None,
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
        self._token_endpoint = check_url("token_endpoint", token_endpoint)
        self._legacy = (
            token_endpoint == LAUNCHPAD_TOKEN_URL
            if use_legacy_format is None
            else use_legacy_format
        )
        self._skew = skew
        self._timeout = timeout
        self._clock = clock
        self._transport = transport
        self._lock = Lock()
        self._generation = 0  # successful refreshes
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

    async def access_token(self) -> str:
        """Return a valid access token, refreshing first when it expires within the skew."""
        if self.refreshable and expires_soon(self._expires_at, skew=self._skew, now=self._clock()):
            attempts = self._attempts
            async with self._lock:
                self._share_outcome(attempts)
                if expires_soon(self._expires_at, skew=self._skew, now=self._clock()):
                    await self._refresh_locked()
        return self._access_token

    async def refresh(self, *, rejected: str | None = None) -> bool:
        """Refresh now. Concurrent callers share one refresh request.

        Args:
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
        )
        unreachable: str | None = None
        transport = self._transport or http_transport(httpx.Limits())
        ends_at = time.monotonic() + self._timeout
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self._timeout,
                    follow_redirects=False,
                    transport=transport,
                    headers={"Accept-Encoding": "gzip, deflate"},
                ) as http,
                deadline(self._timeout),
                http.stream("POST", self._token_endpoint, data=form) as response,
            ):
                body = await read_capped(response, MAX_TOKEN_RESPONSE_BYTES, ends_at)
                status = response.status_code
        except (httpx.HTTPError, TimeoutError) as exc:
            unreachable = type(exc).__name__
        if unreachable is not None:
            # Raised outside the `except`: the httpx error (whose `.request` holds the form with
            # the refresh token and client secret) must not ride along as `__context__`.
            raise NetworkError(f"Could not reach the token endpoint ({unreachable}).")
        grant = parse_token_response(
            status,
            body,
            previous_refresh_token=self._refresh_token,
            now=self._clock(),
            secrets=(self._client_secret or "", self._access_token),
        )
        self._access_token = grant.access_token
        self._refresh_token = grant.refresh_token
        self._expires_at = grant.expires_at
        self._generation += 1
        if self._on_refresh is not None:
            self._on_refresh(grant.access_token, grant.refresh_token, grant.expires_at)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self._client_id!r}, access_token=<redacted>, "
            f"refreshable={self.refreshable}, expires_at={self._expires_at!r})"
        )
