"""Tokens, sans I/O: the `OAuthToken` record, token-request forms and token-response parsing."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from basecamp import UsageError
from basecamp._transport_api import (
    DEVICE_CODE_GRANT,
    MAX_EXPIRES_IN,
    Form,
    RefreshCallback,
    TokenFailure,
    TokenGrant,
    check_token,
    lifetime,
    read_token_response,
    resource_values,
)
from basecamp._transport_api import code_form as _code_form
from basecamp._transport_api import device_token_form as _device_token_form

from ._http import Reply, finite_number, oauth_error
from ._metadata import OAuthConfig
from ._urls import check_endpoint, check_redirect_uri, check_text

if TYPE_CHECKING:
    import httpx

    from basecamp import AsyncOAuthTokenProvider, OAuthTokenProvider

__all__ = [
    "DEVICE_CODE_GRANT",
    "MAX_EXPIRES_IN",
    "OAuthToken",
    "code_form",
    "device_token_form",
    "parse_token_reply",
    "token_from_grant",
    "refresh_notifier",
    "response_lifetime",
    "resolve_token_endpoint",
]

# RFC 8628's grant type, and the longest `expires_in` taken from a token response (100 years of
# 365.25 days; longer, or not a positive finite number, counts as absent): core's rules, here
# under the names this package has always used.
response_lifetime = lifetime


def _number(value: object, name: str) -> float | None:
    if value is None:
        return None
    number = finite_number(value)
    if number is None:
        raise UsageError(f"{name} must be a finite number of seconds.")
    return number


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OAuthToken:
    """An access token and what came with it. Immutable; `repr()` never shows the tokens.

    Attributes:
        access_token: The bearer token for API requests.
        token_type: The server's `token_type`, `"Bearer"` when it did not say.
        refresh_token: The refresh token, if the server issued one.
        expires_in: The lifetime the server stated, in seconds, if it did.
        expires_at: When the token expires (Unix time). Computed as `time.time() + expires_in`
            when only `expires_in` is given; `None` when unknown.
        scope: The granted scope (space-separated), if the server stated it.

    Example:
        ```python
        from basecamp.oauth import OAuthToken

        token = OAuthToken(access_token="abc", refresh_token="def", expires_in=3600)
        assert not token.is_expired(buffer_seconds=60)
        assert "abc" not in repr(token)
        ```
    """

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (a token type, not a password)
    refresh_token: str | None = None
    expires_in: float | None = None
    expires_at: float | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        check_token(self.access_token)
        if self.refresh_token is not None:
            check_token(self.refresh_token, "refresh_token")
        if not isinstance(self.token_type, str) or not self.token_type:
            raise UsageError("token_type must be a non-empty string.")
        if self.scope is not None and not isinstance(self.scope, str):
            raise UsageError("scope must be a string or None.")
        expires_in = _number(self.expires_in, "expires_in")
        expires_at = _number(self.expires_at, "expires_at")
        if expires_at is None and expires_in is not None:
            expires_at = time.time() + expires_in
        object.__setattr__(self, "expires_in", expires_in)
        object.__setattr__(self, "expires_at", expires_at)

    def __repr__(self) -> str:
        refresh = "<redacted>" if self.refresh_token else "None"
        return (
            f"OAuthToken(access_token=<redacted>, token_type={self.token_type!r}, "
            f"refresh_token={refresh}, expires_at={self.expires_at!r}, scope={self.scope!r})"
        )

    def is_expired(self, buffer_seconds: float = 0, *, now: float | None = None) -> bool:
        """Whether the token has expired, or will within `buffer_seconds`.

        A token with unknown expiry is never considered expired.

        Args:
            buffer_seconds: Treat the token as expired this many seconds early.
            now: The current Unix time; `time.time()` by default.
        """
        if self.expires_at is None:
            return False
        current = time.time() if now is None else now
        return current >= self.expires_at - buffer_seconds

    def to_dict(self) -> dict[str, str | float | None]:
        """The token as a JSON-ready dict, for storage (it holds secrets: store it safely)."""
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
            "expires_at": self.expires_at,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> OAuthToken:
        """Rebuild a token saved with `to_dict()`.

        Raises:
            UsageError: A field is missing or has the wrong type.
        """
        access = data.get("access_token")
        refresh = data.get("refresh_token")
        token_type = data.get("token_type", "Bearer")
        scope = data.get("scope")
        if not isinstance(access, str):
            raise UsageError("access_token must be a non-empty string.")
        if refresh is not None and not isinstance(refresh, str):
            raise UsageError("refresh_token must be a string or None.")
        if not isinstance(token_type, str):
            raise UsageError("token_type must be a non-empty string.")
        if scope is not None and not isinstance(scope, str):
            raise UsageError("scope must be a string or None.")
        return cls(
            access_token=access,
            token_type=token_type,
            refresh_token=refresh,
            expires_in=_number(data.get("expires_in"), "expires_in"),
            expires_at=_number(data.get("expires_at"), "expires_at"),
            scope=scope,
        )

    def provider(
        self,
        *,
        client_id: str,
        client_secret: str | None = None,
        config: OAuthConfig | None = None,
        token_endpoint: str | None = None,
        use_legacy_format: bool | None = None,
        on_refresh: Callable[[OAuthToken], None] | None = None,
        resource: str | Sequence[str] | None = None,
        skew: float = 60.0,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> OAuthTokenProvider:
        """A core `basecamp.OAuthTokenProvider` that starts from this token and refreshes it.

        Pass it to `basecamp.Client(token_provider=...)`. Refresh goes to `config.token_endpoint`
        (or `token_endpoint`; Launchpad's when neither is given).

        Args:
            client_id: Your app's client id.
            client_secret: Your app's client secret, if it has one.
            config: Discovered metadata; refresh uses its `token_endpoint`.
            token_endpoint: The token endpoint, when you have no `config`.
            use_legacy_format: Refresh with Launchpad's legacy `type=refresh`. By default core's
                rule: legacy when neither `config` nor `token_endpoint` is given (Launchpad's
                endpoint by default), RFC 6749 for an endpoint you name or discovered.
            on_refresh: Called with the new `OAuthToken` after each refresh: persist it here.
            resource: RFC 8707 resource indicator(s) sent with each refresh.
            skew: Refresh when the token expires within this many seconds.
            timeout: Seconds allowed for a refresh request.
            transport: An httpx transport for the refresh requests (tests).

        Raises:
            UsageError: Both `config` and `token_endpoint` were given, or one is invalid.
        """
        from basecamp import OAuthTokenProvider

        return OAuthTokenProvider(
            self.access_token,
            client_id,
            client_secret,
            refresh_token=self.refresh_token,
            expires_at=self.expires_at,
            on_refresh=None if on_refresh is None else refresh_notifier(self, on_refresh),
            token_endpoint=resolve_token_endpoint(config, token_endpoint),
            use_legacy_format=use_legacy_format,
            resource=resource,
            skew=skew,
            timeout=timeout,
            transport=transport,
        )

    def async_provider(
        self,
        *,
        client_id: str,
        client_secret: str | None = None,
        config: OAuthConfig | None = None,
        token_endpoint: str | None = None,
        use_legacy_format: bool | None = None,
        on_refresh: Callable[[OAuthToken], None] | None = None,
        resource: str | Sequence[str] | None = None,
        skew: float = 60.0,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> AsyncOAuthTokenProvider:
        """Like `provider()`, for `basecamp.AsyncClient`: a `basecamp.AsyncOAuthTokenProvider`.

        Args:
            client_id: Your app's client id.
            client_secret: Your app's client secret, if it has one.
            config: Discovered metadata; refresh uses its `token_endpoint`.
            token_endpoint: The token endpoint, when you have no `config`.
            use_legacy_format: Refresh with Launchpad's legacy `type=refresh`. By default core's
                rule: legacy when neither `config` nor `token_endpoint` is given (Launchpad's
                endpoint by default), RFC 6749 for an endpoint you name or discovered.
            on_refresh: Called with the new `OAuthToken` after each refresh: persist it here.
            resource: RFC 8707 resource indicator(s) sent with each refresh.
            skew: Refresh when the token expires within this many seconds.
            timeout: Seconds allowed for a refresh request.
            transport: An async httpx transport for the refresh requests (tests).

        Raises:
            UsageError: Both `config` and `token_endpoint` were given, or one is invalid.
        """
        from basecamp import AsyncOAuthTokenProvider

        return AsyncOAuthTokenProvider(
            self.access_token,
            client_id,
            client_secret,
            refresh_token=self.refresh_token,
            expires_at=self.expires_at,
            on_refresh=None if on_refresh is None else refresh_notifier(self, on_refresh),
            token_endpoint=resolve_token_endpoint(config, token_endpoint),
            use_legacy_format=use_legacy_format,
            resource=resource,
            skew=skew,
            timeout=timeout,
            transport=transport,
        )


def resolve_token_endpoint(config: OAuthConfig | None, token_endpoint: str | None) -> str | None:
    """The token endpoint to refresh at: from `config`, or given, or `None` for core's default
    (Launchpad's, in its legacy format unless told otherwise)."""
    if config is not None and token_endpoint is not None:
        raise UsageError("Pass config= or token_endpoint=, not both.")
    if config is not None:
        if not isinstance(config, OAuthConfig):
            raise UsageError("config must be an OAuthConfig from discover().")
        return config.token_endpoint
    if token_endpoint is not None:
        return check_endpoint(token_endpoint, "token_endpoint")
    return None


def refresh_notifier(
    token: OAuthToken, on_refresh: Callable[[OAuthToken], None]
) -> RefreshCallback:
    """Adapt an `on_refresh(OAuthToken)` callback to core's `(access, refresh, expires_at)` one,
    so the app persists one record; `token_type` and `scope` carry over from `token`."""

    def callback(access: str, refresh: str | None, expires_at: float | None) -> None:
        on_refresh(
            OAuthToken(
                access_token=access,
                token_type=token.token_type,
                refresh_token=refresh,
                expires_at=expires_at,
                scope=token.scope,
            )
        )

    return callback


def code_form(
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str | None,
    code_verifier: str | None,
    legacy: bool,
    resource: str | Sequence[str] | None = None,
) -> Form:
    """Core's authorization-code form, built from checked arguments (never echoed)."""
    return _code_form(
        code=check_text(code, "code"),
        redirect_uri=check_redirect_uri(redirect_uri),
        client_id=check_text(client_id, "client_id"),
        client_secret=None if client_secret is None else check_text(client_secret, "client_secret"),
        code_verifier=None if code_verifier is None else check_text(code_verifier, "code_verifier"),
        legacy=legacy,
        resource=resource_values(resource),
    )


def device_token_form(*, device_code: str, client_id: str, client_secret: str | None) -> Form:
    """Core's device-code token form (RFC 8628 §3.4), built from checked arguments."""
    return _device_token_form(
        device_code=check_text(device_code, "device_code"),
        client_id=check_text(client_id, "client_id"),
        client_secret=None if client_secret is None else check_text(client_secret, "client_secret"),
    )


def token_from_grant(grant: TokenGrant) -> OAuthToken:
    """The `OAuthToken` for a grant core has read (its tokens are already checked)."""
    return OAuthToken(
        access_token=grant.access_token,
        token_type=grant.token_type,
        refresh_token=grant.refresh_token,
        expires_in=grant.expires_in,
        expires_at=grant.expires_at,
        scope=grant.scope,
    )


def parse_token_reply(
    reply: Reply,
    *,
    action: str,
    secrets: Collection[str],
    previous_refresh_token: str | None = None,
    now: float | None = None,
) -> OAuthToken:
    """Turn a token-endpoint reply into an `OAuthToken`, or raise a classified error.

    Core's `read_token_response` reads it (one set of rules for every token request: see
    `basecamp._token_endpoint`); an `expires_in` that is not a positive, finite number of at most
    `MAX_EXPIRES_IN` seconds (e.g. `Infinity`, `NaN`, `1e999`) counts as absent.

    Args:
        reply: The token endpoint's reply.
        action: What was exchanged, for messages (`"authorization code"`, `"refresh token"`).
        secrets: The secret values sent, never to be named in a message.
        previous_refresh_token: Kept when the response carries no new refresh token.
        now: The current Unix time, for `expires_at`.

    Raises:
        OAuthRejectedError: 401, or a credential error code (`invalid_grant`, ...).
        OAuthError: Any other error, or a 2xx without a usable `access_token`. The body is
            never echoed.
    """
    outcome = read_token_response(
        reply.status,
        reply.body,
        action=action,
        previous_refresh_token=previous_refresh_token,
        now=time.time() if now is None else now,
        secrets=secrets,
    )
    if isinstance(outcome, TokenFailure):
        raise oauth_error(outcome)
    return token_from_grant(outcome)
