"""Core token providers built from an `OAuthToken` (async source of truth for `_sync/`)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from basecamp import AsyncOAuthTokenProvider

from .._token import OAuthToken, refresh_notifier

__all__ = ["make_provider"]


def make_provider(
    token: OAuthToken,
    *,
    client_id: str,
    client_secret: str | None,
    token_endpoint: str,
    use_legacy_format: bool | None,
    on_refresh: Callable[[OAuthToken], None] | None,
    skew: float,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None,
) -> AsyncOAuthTokenProvider:
    """A core `AsyncOAuthTokenProvider` seeded with `token`; see `OAuthToken.async_provider`."""
    return AsyncOAuthTokenProvider(
        token.access_token,
        client_id,
        client_secret,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        on_refresh=None if on_refresh is None else refresh_notifier(token, on_refresh),
        token_endpoint=token_endpoint,
        use_legacy_format=use_legacy_format,
        skew=skew,
        timeout=timeout,
        transport=transport,
    )
