"""Authentication: header strategies, token-provider protocols, and pure OAuth refresh helpers.

The providers themselves live in `_async/auth.py` (source of truth) and `_sync/auth.py` (its
generated twin), because refreshing needs I/O and a lock of the right kind.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ._errors import ApiError, AuthError, UsageError

__all__ = [
    "LAUNCHPAD_TOKEN_URL",
    "AsyncTokenProvider",
    "AuthStrategy",
    "BearerAuth",
    "RefreshCallback",
    "TokenGrant",
    "TokenProvider",
    "check_token",
    "expires_soon",
    "parse_token_response",
    "refresh_form",
    "safe_error_code",
]

LAUNCHPAD_TOKEN_URL = "https://launchpad.37signals.com/authorization/token"  # noqa: S105
MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024
AUTH_ERROR_CODES = frozenset(
    {"invalid_grant", "invalid_client", "unauthorized_client", "access_denied"}
)

# RFC 6749 error codes are short lowercase words: anything else may be an echoed secret.
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")

RefreshCallback = Callable[[str, str | None, float | None], None]
"""`on_refresh(access_token, refresh_token, expires_at)`: persist the new tokens."""


def check_token(token: object, what: str = "access_token") -> str:
    """Validate a token's type and characters without ever echoing it."""
    if not isinstance(token, str) or not token.strip():
        raise UsageError(f"{what} must be a non-empty string.")
    # RFC 6750 tokens are visible ASCII: anything else cannot go in a header, or splits one.
    if any(not "!" <= c <= "~" for c in token):
        raise UsageError(f"{what} must be visible ASCII characters (no spaces or controls).")
    return token


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

    def refresh(self) -> bool:
        """Obtain a new token; return whether it worked."""


@runtime_checkable
class AsyncTokenProvider(Protocol):
    """Supplies access tokens to the `AsyncClient`, refreshing them if it can."""

    @property
    def refreshable(self) -> bool:
        """Whether `refresh()` can obtain a new token."""

    async def access_token(self) -> str:
        """Return a valid access token, refreshing first if it is about to expire."""

    async def refresh(self) -> bool:
        """Obtain a new token; return whether it worked."""


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """The useful part of a token-endpoint response."""

    access_token: str
    refresh_token: str | None
    expires_at: float | None

    def __repr__(self) -> str:
        return f"TokenGrant(access_token=<redacted>, expires_at={self.expires_at!r})"


def expires_soon(expires_at: float | None, *, skew: float, now: float | None = None) -> bool:
    """Whether a token that expires at `expires_at` (Unix time) should be refreshed now."""
    if expires_at is None:
        return False
    return (time.time() if now is None else now) >= expires_at - skew


def refresh_form(
    *,
    refresh_token: str,
    client_id: str,
    client_secret: str | None,
    legacy: bool,
) -> dict[str, str]:
    """The form fields of a refresh request: RFC 6749, or Launchpad's legacy `type=refresh`."""
    form = {"refresh_token": refresh_token, "client_id": client_id}
    if client_secret:
        form["client_secret"] = client_secret
    if legacy:
        form["type"] = "refresh"
    else:
        form["grant_type"] = "refresh_token"
    return form


def safe_error_code(value: object, secrets: Collection[str | None] = ()) -> str | None:
    """An OAuth `error` value that is safe to put in a message, else `None`.

    RFC 6749 error codes are short lowercase words; anything else, or a value equal to something
    we sent (a server may reflect it back), could be a secret.

    Args:
        value: The `error` member of a response.
        secrets: What we sent that must never be echoed.
    """
    if not isinstance(value, str) or not _ERROR_CODE.fullmatch(value) or value in secrets:
        return None
    return value


MAX_EXPIRES_IN = 100 * 365 * 24 * 3600


def _lifetime(value: object) -> float | None:
    """`expires_in` in seconds when it is a real lifetime; anything else counts as absent."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return seconds if math.isfinite(seconds) and 0 < seconds <= MAX_EXPIRES_IN else None


def parse_token_response(
    status: int,
    body: bytes,
    *,
    previous_refresh_token: str | None = None,
    now: float | None = None,
    secrets: Collection[str] = (),
) -> TokenGrant:
    """Turn a token-endpoint response into a `TokenGrant`, or a typed error.

    A response without a new refresh token keeps `previous_refresh_token`. Error messages name
    the OAuth error code only, never the body, which may echo secrets; a code that is not a plain
    lowercase word, or that equals one of `secrets` (what we sent), is left out too.

    Raises:
        AuthError: The grant or client was rejected (401, `invalid_grant`, ...).
        ApiError: Any other failure, or a 2xx without a usable `access_token`.
    """
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if not 200 <= status < 300:
        raw = data.get("error") if isinstance(data, dict) else None
        code = safe_error_code(raw, (*secrets, previous_refresh_token))
        label = f" ({code})" if code else ""
        if status == 401 or code in AUTH_ERROR_CODES:
            return_error: Exception = AuthError(
                f"The token endpoint rejected the refresh{label}.", http_status=status
            )
        else:
            return_error = ApiError(
                f"The token endpoint answered HTTP {status}{label}.",
                http_status=status,
                retryable=status >= 500,
            )
        raise return_error
    if not isinstance(data, dict):
        raise ApiError("The token endpoint answered with a body that is not a JSON object.")
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise ApiError("The token endpoint answered without an access_token.")
    refresh = data.get("refresh_token")
    expires_in = data.get("expires_in")
    expires_at: float | None = None
    lifetime = _lifetime(expires_in)
    if lifetime is not None:
        expires_at = (time.time() if now is None else now) + lifetime
    return TokenGrant(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh_token,
        expires_at=expires_at,
    )
