"""The OAuth token endpoint, sans I/O: every token request is built and every answer read here.

Core's refreshing providers (`_async/auth.py` and its sync twin) and `basecamp.oauth` (through
`_transport_api`) both use this module, so an exchange, a refresh and a device-code poll follow
one set of rules:

- **Limits.** An answer is read raw, at most `MAX_TOKEN_RESPONSE_BYTES`. We ask for identity
  encoding and refuse a compressed body, a redirect, or a declared length over the cap before
  reading it (`refuse_unread`). An `expires_in` that is not a positive, finite number of at most
  `MAX_EXPIRES_IN` seconds counts as absent.
- **One error mapping.** A failure is a `TokenFailure` value: `rejected` (401 or a credential
  code: try again with the same input will not help), `denied` / `expired` (the device flow's
  user answers), or `failed` (anything else; retryable for 5xx and 429). Core raises it as
  `AuthError` / `ApiError` (`TokenFailure.to_error`); `basecamp.oauth` as its own subclasses of
  those. Messages name the OAuth `error` code only, and only when it is a plain lowercase word
  that is not one of the secrets we sent.
- **Tokens are checked.** A token that is not visible ASCII cannot go in a header: the answer is
  a `failed` failure (the server's fault), never a `UsageError` (the caller's).
- **One legacy-format rule** (`legacy_format`): Launchpad's `type=web_server` / `type=refresh`
  when asked, or, when not said, when no endpoint was named (Launchpad's by default).
"""

from __future__ import annotations

import enum
import json
import math
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from ._errors import ApiError, AuthError, UsageError

__all__ = [
    "AUTH_ERROR_CODES",
    "DEVICE_CODE_GRANT",
    "LAUNCHPAD_TOKEN_URL",
    "MAX_EXPIRES_IN",
    "MAX_TOKEN_RESPONSE_BYTES",
    "TOKEN_REQUEST_HEADERS",
    "Form",
    "PollSignal",
    "RefreshCallback",
    "RefreshReason",
    "Reply",
    "TokenFailure",
    "TokenGrant",
    "check_token",
    "code_form",
    "device_token_form",
    "error_answer",
    "finite_number",
    "is_header_safe",
    "json_object",
    "legacy_format",
    "lifetime",
    "parse_token_response",
    "read_device_poll",
    "read_token_response",
    "refresh_form",
    "refuse_unread",
    "resource_values",
    "safe_error_code",
    "too_large",
]

LAUNCHPAD_TOKEN_URL = "https://launchpad.37signals.com/authorization/token"  # noqa: S105
MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024
# The longest `expires_in` taken from a token response: 100 years of 365.25 days.
MAX_EXPIRES_IN = 100 * 365.25 * 24 * 3600
AUTH_ERROR_CODES = frozenset(
    {"invalid_grant", "invalid_client", "unauthorized_client", "access_denied"}
)
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# identity: the body is read raw under the cap, so a small compressed body cannot inflate past it.
TOKEN_REQUEST_HEADERS = {"Accept": "application/json", "Accept-Encoding": "identity"}

# RFC 6749 error codes are short lowercase words: anything else may be an echoed secret.
_ERROR_CODE = r"[a-z_]{1,64}"  # compiled on first use (`re` caches it): errors only

Form = dict[str, str | list[str]]
"""Form fields of a token request; a list value repeats the field (RFC 8707 `resource`)."""

RefreshCallback = Callable[[str, str | None, float | None], None]
"""`on_refresh(access_token, refresh_token, expires_at)`: persist the new tokens."""

RefreshReason = Literal["expiring", "rejected"]
"""Why a provider's `refresh` is called: the token is about to expire, or the API refused it."""


# -- small pure rules ---------------------------------------------------------------------------


def is_header_safe(token: object) -> bool:
    """Whether `token` can go in an `Authorization` header: non-empty visible ASCII (RFC 6750)."""
    return isinstance(token, str) and bool(token.strip()) and all("!" <= c <= "~" for c in token)


def check_token(token: object, what: str = "access_token") -> str:
    """Validate a token we were given (by the caller) without ever echoing it.

    Raises:
        UsageError: Not a non-empty string of visible ASCII characters.
    """
    if not isinstance(token, str) or not token.strip():
        raise UsageError(f"{what} must be a non-empty string.")
    # RFC 6750 tokens are visible ASCII: anything else cannot go in a header, or splits one.
    if not is_header_safe(token):
        raise UsageError(f"{what} must be visible ASCII characters (no spaces or controls).")
    return token


def finite_number(value: object) -> float | None:
    """`value` as a finite float, or `None` for anything else: a bool, a non-number, NaN, an
    infinity, or an int too large for a float (JSON allows `1e999` and 400-digit integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def lifetime(value: object) -> float | None:
    """A token response's `expires_in` in seconds, or `None` when absent or unusable.

    RFC 6749 makes `expires_in` optional, so a value we cannot use (not a number, zero or
    negative, NaN, an infinity, or over `MAX_EXPIRES_IN`) is treated as if the server had not sent
    it, rather than failing a sign-in that otherwise succeeded.
    """
    number = finite_number(value)
    return number if number is not None and 0 < number <= MAX_EXPIRES_IN else None


def safe_error_code(value: object, secrets: Collection[str | None] = ()) -> str | None:
    """An OAuth `error` value that is safe to put in a message, else `None`.

    Args:
        value: The `error` member of a response.
        secrets: What we sent that must never be echoed (a server may reflect it back).
    """
    if not isinstance(value, str) or not re.fullmatch(_ERROR_CODE, value) or value in secrets:
        return None
    return value


def legacy_format(token_endpoint: str | None, use_legacy_format: bool | None) -> bool:
    """Whether to speak Launchpad's legacy parameters: the one rule for every token request.

    As asked when `use_legacy_format` is given. When it is not, legacy only when no token
    endpoint was named (`token_endpoint is None`), so the request goes to Launchpad's by default
    and in Launchpad's historical format; an endpoint you name, or one found by discovery (a
    server that publishes RFC 8414 metadata), gets RFC 6749.
    """
    if use_legacy_format is not None:
        return bool(use_legacy_format)
    return token_endpoint is None


def resource_values(resource: str | Sequence[str] | None) -> list[str]:
    """RFC 8707 resource indicators: absolute URIs without a fragment, in order.

    Raises:
        UsageError: A value is not an absolute URI, or has a fragment.
    """
    if resource is None:
        return []
    if not isinstance(resource, str | Sequence):
        raise UsageError("resource must be an absolute URI (or a list of them).")
    values = [resource] if isinstance(resource, str) else list(resource)
    for value in values:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise UsageError("resource must be an absolute URI (or a list of them).")
        parts = urlsplit(value)
        if not parts.scheme or not (parts.netloc or parts.path):
            raise UsageError("resource must be an absolute URI (RFC 8707).")
        if "#" in value:
            raise UsageError("resource must not have a fragment (RFC 8707).")
    return values


# -- request forms ------------------------------------------------------------------------------


def _client(form: Form, client_id: str, client_secret: str | None) -> None:
    form["client_id"] = client_id
    if client_secret:
        form["client_secret"] = client_secret


def _resource(form: Form, resource: Sequence[str]) -> Form:
    if len(resource) == 1:
        form["resource"] = resource[0]
    elif resource:
        form["resource"] = list(resource)
    return form


def refresh_form(
    *,
    refresh_token: str,
    client_id: str,
    client_secret: str | None,
    legacy: bool,
    resource: Sequence[str] = (),
) -> Form:
    """The form of a refresh request: RFC 6749 §6, or Launchpad's legacy `type=refresh`."""
    form: Form = {"refresh_token": refresh_token}
    _client(form, client_id, client_secret)
    if legacy:
        form["type"] = "refresh"
    else:
        form["grant_type"] = "refresh_token"
    return _resource(form, resource)


def code_form(
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str | None,
    code_verifier: str | None,
    legacy: bool,
    resource: Sequence[str] = (),
) -> Form:
    """The form of an authorization-code exchange: RFC 6749 §4.1.3 (with RFC 7636's verifier),
    or Launchpad's legacy `type=web_server`."""
    form: Form = {"type": "web_server"} if legacy else {"grant_type": "authorization_code"}
    form["code"] = code
    form["redirect_uri"] = redirect_uri
    _client(form, client_id, client_secret)
    if code_verifier is not None:
        form["code_verifier"] = code_verifier
    return _resource(form, resource)


def device_token_form(*, device_code: str, client_id: str, client_secret: str | None) -> Form:
    """The form of a device-code token request (RFC 8628 §3.4)."""
    form: Form = {"grant_type": DEVICE_CODE_GRANT, "device_code": device_code}
    _client(form, client_id, client_secret)
    return form


# -- answers ------------------------------------------------------------------------------------


# The records below are NamedTuples, not dataclasses: as cheap to use, and several times cheaper
# to define, which every `import basecamp.oauth` user pays on the first call.
class Reply(NamedTuple):
    """A complete, size-capped answer: status and body."""

    status: int
    body: bytes

    def __repr__(self) -> str:
        # The body of a token response holds tokens: never show it.
        return f"Reply(status={self.status}, body=<{len(self.body)} bytes>)"


class TokenGrant(NamedTuple):
    """The useful part of a token-endpoint answer. `repr()` never shows the tokens.

    Attributes:
        access_token: The new access token (visible ASCII).
        refresh_token: The new refresh token, or the previous one when none came back.
        expires_at: When the access token expires (Unix time), if the server said.
        expires_in: The lifetime the server stated, in seconds, if usable.
        token_type: The server's `token_type`, `"Bearer"` when it did not say.
        scope: The granted scope, if the server stated it.
    """

    access_token: str
    refresh_token: str | None
    expires_at: float | None
    expires_in: float | None = None
    token_type: str = "Bearer"  # noqa: S105 (a token type, not a password)
    scope: str | None = None

    def __repr__(self) -> str:
        return f"TokenGrant(access_token=<redacted>, expires_at={self.expires_at!r})"


FailureKind = Literal["rejected", "denied", "expired", "failed"]


class TokenFailure(NamedTuple):
    """Why a token request failed, classified once for every caller (see the module docstring).

    Attributes:
        kind: `rejected` (credentials refused), `denied` (the user declined a device request),
            `expired` (the device code expired) or `failed` (anything else).
        message: A message that names no secret.
        error_code: The OAuth `error` code, when safe to show.
        http_status: The HTTP status, if there was an answer.
        retryable: Whether the same request may work later (5xx, 429).
    """

    kind: FailureKind
    message: str
    error_code: str | None = None
    http_status: int | None = None
    retryable: bool = False

    def to_error(self) -> AuthError | ApiError:
        """Core's error for this failure: `AuthError` unless it `failed`, then `ApiError`."""
        if self.kind == "failed":
            return ApiError(self.message, http_status=self.http_status, retryable=self.retryable)
        return AuthError(self.message, http_status=self.http_status)


class PollSignal(enum.Enum):
    """A device-code poll that did not end the flow: keep polling, at this or a slower pace."""

    PENDING = "authorization_pending"
    SLOW_DOWN = "slow_down"


def refuse_unread(
    status: int, headers: Mapping[str, str], *, what: str = "token endpoint"
) -> TokenFailure | None:
    """Decide from the status line and headers alone whether to refuse an answer unread.

    A redirect is never followed (it would carry the form elsewhere); a compressed body could
    inflate past the cap; a declared length over the cap is not worth reading.

    Args:
        status: The HTTP status.
        headers: The response headers (a case-insensitive mapping, e.g. httpx's).
        what: The endpoint's name for messages.
    """
    if 300 <= status < 400:
        return TokenFailure(
            "failed",
            f"The {what} answered with a redirect (HTTP {status}); redirects are refused.",
            http_status=status,
        )
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return TokenFailure(
            "failed",
            f"The {what} sent a compressed body although we asked for identity; refused.",
            http_status=status,
        )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_TOKEN_RESPONSE_BYTES:
        return too_large(status, what=what)
    return None


def too_large(status: int, *, what: str = "token endpoint") -> TokenFailure:
    """The failure for a body past `MAX_TOKEN_RESPONSE_BYTES`."""
    return TokenFailure(
        "failed",
        f"The {what}'s response is larger than the {MAX_TOKEN_RESPONSE_BYTES}-byte limit.",
        http_status=status,
    )


def json_object(body: bytes) -> dict[str, object] | None:
    """Decode a JSON object, or `None` for anything else.

    The decoding error is swallowed in this frame, so it never becomes the `__context__` of an
    error raised later (a `JSONDecodeError` keeps the whole document).
    """
    if not body:
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def error_answer(
    status: int,
    data: dict[str, object] | None,
    *,
    what: str = "token endpoint",
    action: str = "refresh token",
    secrets: Collection[str | None] = (),
) -> TokenFailure:
    """Classify a non-2xx answer: 401 and credential codes are `rejected`, the rest `failed`."""
    code = safe_error_code(data.get("error"), secrets) if data else None
    label = f" ({code})" if code else ""
    if status == 401 or code in AUTH_ERROR_CODES:
        return TokenFailure(
            "rejected", f"The {what} rejected the {action}{label}.", code, status, False
        )
    return TokenFailure(
        "failed",
        f"The {what} answered HTTP {status}{label}.",
        code,
        status,
        status >= 500 or status == 429,
    )


def _grant(
    status: int,
    data: dict[str, object] | None,
    *,
    what: str,
    previous_refresh_token: str | None,
    now: float | None,
) -> TokenGrant | TokenFailure:
    if data is None:
        return TokenFailure(
            "failed", f"The {what} answered with a body that is not a JSON object.", None, status
        )
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        return TokenFailure("failed", f"The {what} answered without an access_token.", None, status)
    refresh = data.get("refresh_token")
    refresh = refresh if isinstance(refresh, str) and refresh else previous_refresh_token
    if not is_header_safe(access) or (refresh is not None and not is_header_safe(refresh)):
        # The server's fault, not the caller's: never a UsageError.
        return TokenFailure(
            "failed",
            f"The {what} answered with a token that is not a valid header value.",
            None,
            status,
        )
    seconds = lifetime(data.get("expires_in"))
    current = time.time() if now is None else now
    token_type = data.get("token_type")
    scope = data.get("scope")
    return TokenGrant(
        access_token=access,
        refresh_token=refresh,
        expires_at=None if seconds is None else current + seconds,
        expires_in=seconds,
        token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
        scope=scope if isinstance(scope, str) else None,
    )


def read_token_response(
    status: int,
    body: bytes,
    *,
    what: str = "token endpoint",
    action: str = "refresh token",
    previous_refresh_token: str | None = None,
    now: float | None = None,
    secrets: Collection[str | None] = (),
) -> TokenGrant | TokenFailure:
    """Read a token-endpoint answer (exchange or refresh): a grant, or why it failed.

    Args:
        status: The HTTP status.
        body: The complete, capped body.
        what: The endpoint's name for messages.
        action: What was exchanged, for messages (`"authorization code"`, `"refresh token"`).
        previous_refresh_token: Kept when the answer carries no new refresh token.
        now: The current Unix time, for `expires_at`.
        secrets: What we sent, never to be named in a message.
    """
    data = json_object(body)
    if not 200 <= status < 300:
        return error_answer(
            status, data, what=what, action=action, secrets=(*secrets, previous_refresh_token)
        )
    return _grant(status, data, what=what, previous_refresh_token=previous_refresh_token, now=now)


def read_device_poll(
    status: int,
    body: bytes,
    *,
    what: str = "token endpoint",
    now: float | None = None,
    secrets: Collection[str | None] = (),
) -> TokenGrant | TokenFailure | PollSignal:
    """Read one device-code poll (RFC 8628 §3.5).

    `authorization_pending` and `slow_down` keep the flow going only on a 4xx answer (the RFC's
    400); a 429 is a `SLOW_DOWN` too. A 5xx is a failure at once, with its status, whatever error
    code its body names: a server that is down does not become "pending" until the code expires.
    """
    data = json_object(body)
    if 200 <= status < 300:
        return _grant(status, data, what=what, previous_refresh_token=None, now=now)
    code = safe_error_code(data.get("error"), secrets) if data else None
    if status == 429:
        return PollSignal.SLOW_DOWN
    if 400 <= status < 500:
        if code == PollSignal.PENDING.value:
            return PollSignal.PENDING
        if code == PollSignal.SLOW_DOWN.value:
            return PollSignal.SLOW_DOWN
        if code == "expired_token":
            return TokenFailure(
                "expired",
                "The device code expired before the user approved it (expired_token).",
                code,
                status,
            )
        if code == "access_denied":
            return TokenFailure(
                "denied",
                "The user declined the authorization request (access_denied).",
                code,
                status,
            )
    return error_answer(status, data, what=what, action="device code", secrets=secrets)


def parse_token_response(
    status: int,
    body: bytes,
    *,
    previous_refresh_token: str | None = None,
    now: float | None = None,
    secrets: Collection[str] = (),
) -> TokenGrant:
    """`read_token_response` for core's providers: the grant, or the failure raised.

    Raises:
        AuthError: The grant or client was rejected (401, `invalid_grant`, ...).
        ApiError: Any other failure, or a 2xx without a usable `access_token`.
    """
    outcome = read_token_response(
        status, body, previous_refresh_token=previous_refresh_token, now=now, secrets=secrets
    )
    if isinstance(outcome, TokenFailure):
        raise outcome.to_error()
    return outcome
