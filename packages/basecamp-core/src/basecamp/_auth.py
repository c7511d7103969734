"""Authentication: header strategies and the token-provider protocols.

The providers themselves live in `_async/auth.py` (source of truth) and `_sync/auth.py` (its
generated twin), because refreshing needs I/O and a lock of the right kind.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Protocol, runtime_checkable

# Token requests are built and read in `_token_endpoint`; these names stay importable from here.
from ._token_endpoint import (
    AUTH_ERROR_CODES,
    LAUNCHPAD_TOKEN_URL,
    MAX_TOKEN_RESPONSE_BYTES,
    RefreshCallback,
    RefreshReason,
    TokenGrant,
    check_token,
    parse_token_response,
    refresh_form,
    safe_error_code,
)

__all__ = [
    "AUTH_ERROR_CODES",
    "LAUNCHPAD_TOKEN_URL",
    "MAX_TOKEN_RESPONSE_BYTES",
    "AsyncTokenProvider",
    "AuthStrategy",
    "BearerAuth",
    "RefreshCallback",
    "RefreshReason",
    "TokenGrant",
    "TokenProvider",
    "check_token",
    "expires_soon",
    "parse_token_response",
    "refresh_form",
    "safe_error_code",
]


@runtime_checkable
class AuthStrategy(Protocol):
    """Anything that can put credentials on a request's headers."""

    def authenticate(self, headers: MutableMapping[str, str]) -> None:
        """Add credentials to `headers` in place."""


class BearerAuth:
    """`Authorization: Bearer <token>` with a fixed token."""

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {check_token(token)}"

    def authenticate(self, headers: MutableMapping[str, str]) -> None:
        """Set the `Authorization` header."""
        headers["Authorization"] = self._header

    def __repr__(self) -> str:
        return "BearerAuth(token=<redacted>)"


@runtime_checkable
class TokenProvider(Protocol):
    """Supplies access tokens to the sync `Client`, refreshing them if it can."""

    @property
    def refreshable(self) -> bool:
        """Whether `refresh()` can obtain a new token."""

    def access_token(self) -> str:
        """Return a valid access token, refreshing first if it is about to expire."""

    def refresh(self, *, reason: RefreshReason = "expiring", rejected: str | None = None) -> bool:
        """Obtain a new token; return whether a new one is in place.

        Args:
            reason: Why: `"expiring"` (the token is about to expire, or you asked) or
                `"rejected"` (the API answered 401 to the token `rejected`).
            rejected: With `"rejected"`, the token the API refused. When the provider's current
                token is already a different one (someone refreshed first), return `True`
                without refreshing again.
        """


@runtime_checkable
class AsyncTokenProvider(Protocol):
    """Supplies access tokens to the `AsyncClient`, refreshing them if it can."""

    @property
    def refreshable(self) -> bool:
        """Whether `refresh()` can obtain a new token."""

    async def access_token(self) -> str:
        """Return a valid access token, refreshing first if it is about to expire."""

    async def refresh(
        self, *, reason: RefreshReason = "expiring", rejected: str | None = None
    ) -> bool:
        """Obtain a new token; return whether a new one is in place.

        Args:
            reason: Why: `"expiring"` (the token is about to expire, or you asked) or
                `"rejected"` (the API answered 401 to the token `rejected`).
            rejected: With `"rejected"`, the token the API refused. When the provider's current
                token is already a different one (someone refreshed first), return `True`
                without refreshing again.
        """


def expires_soon(expires_at: float | None, *, skew: float, now: float | None = None) -> bool:
    """Whether a token that expires at `expires_at` (Unix time) should be refreshed now."""
    if expires_at is None:
        return False
    return (time.time() if now is None else now) >= expires_at - skew
