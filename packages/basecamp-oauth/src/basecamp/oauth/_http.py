"""Sans-I/O pieces of every OAuth request: limits, headers, reply checks and JSON decoding.

The async shell (`_async/http.py`) and its generated sync twin only move bytes; every decision
about what a response means is made here, once, for both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from basecamp import BasecampError, NetworkError, UsageError
from basecamp._auth import AUTH_ERROR_CODES, MAX_TOKEN_RESPONSE_BYTES, safe_error_code
from basecamp._version import __version__

from ._errors import OAuthError, OAuthRejectedError

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_BODY_BYTES",
    "REQUEST_HEADERS",
    "Reply",
    "check_timeout",
    "deadline_error",
    "finite_number",
    "grant_error",
    "json_object",
    "network_error",
    "precheck",
    "safe_error_code",
    "status_error",
    "too_large_error",
    "unexpected_error",
]

# Core caps token responses at 1 MiB; discovery and device documents are smaller still.
MAX_BODY_BYTES = MAX_TOKEN_RESPONSE_BYTES
DEFAULT_TIMEOUT = 30.0
# identity: we read raw bytes under the cap, so a small compressed body cannot inflate past it.
REQUEST_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "identity",
    "User-Agent": f"basecamp-python-oauth/{__version__}",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete, size-capped response: status and body."""

    status: int
    body: bytes

    def __repr__(self) -> str:
        # The body of a token response holds tokens: never show it.
        return f"Reply(status={self.status}, body=<{len(self.body)} bytes>)"


def finite_number(value: object) -> float | None:
    """`value` as a finite float, or `None` for anything else: a bool, a non-number, NaN, an
    infinity, or an int too large for a float (JSON allows `1e999` and 400-digit integers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    return number if math.isfinite(number) else None


def check_timeout(timeout: object) -> float:
    """Validate a per-request timeout in seconds."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise UsageError("timeout must be a number of seconds.")
    if not math.isfinite(timeout) or timeout <= 0:
        raise UsageError("timeout must be a positive, finite number of seconds.")
    return float(timeout)


def precheck(status: int, headers: Mapping[str, str], *, what: str) -> BasecampError | None:
    """Decide, from the status line and headers alone, whether to refuse a response unread.

    Args:
        status: The HTTP status.
        headers: The response headers (case-insensitive mapping).
        what: The endpoint's name for messages, e.g. `"token endpoint"`.

    Returns:
        The error to raise, or `None` when the body should be read.
    """
    if 300 <= status < 400:
        return OAuthError(
            f"The {what} answered with a redirect (HTTP {status}); redirects are refused.",
            http_status=status,
        )
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return OAuthError(
            f"The {what} sent a compressed body although we asked for identity; refused.",
            http_status=status,
        )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return too_large_error(what, status)
    return None


def too_large_error(what: str, status: int) -> OAuthError:
    """The error for a body past `MAX_BODY_BYTES`."""
    return OAuthError(
        f"The {what}'s response is larger than the {MAX_BODY_BYTES}-byte limit.",
        http_status=status,
    )


def deadline_error(what: str, timeout: float) -> NetworkError:
    """The error for a request that outlived its wall-clock deadline."""
    return NetworkError(f"The {what} did not answer within {timeout:g} seconds.")


def network_error(what: str, exc: BaseException) -> NetworkError:
    """The error for a failed connection. Only the exception's type name is kept: httpx errors
    carry the request, whose body holds the secrets."""
    return NetworkError(f"Could not reach the {what} ({type(exc).__name__}).")


def unexpected_error(what: str, exc: BaseException) -> OAuthError:
    """The error for any other failure while talking to an endpoint (an httpx usage or stream
    error, a misbehaving transport). As with `network_error`, only the type name is kept."""
    return OAuthError(f"The request to the {what} failed ({type(exc).__name__}).")


def json_object(body: bytes) -> dict[str, object] | None:
    """Decode a JSON object, or return `None` for anything else.

    The decoding error is swallowed here, inside this frame, so it can never become the
    `__context__` of an error raised later (a `JSONDecodeError` keeps the whole document).
    """
    if not body:
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def status_error(reply: Reply, *, what: str) -> OAuthError:
    """The error for a non-2xx answer from a discovery or device-authorization endpoint."""
    data = json_object(reply.body)
    code = safe_error_code(data.get("error")) if data else None
    label = f" ({code})" if code else ""
    return OAuthError(
        f"The {what} answered HTTP {reply.status}{label}.",
        error_code=code,
        http_status=reply.status,
        retryable=reply.status >= 500 or reply.status == 429,
    )


def grant_error(
    reply: Reply, *, what: str, action: str, secrets: Collection[str]
) -> OAuthError | OAuthRejectedError:
    """Classify an error answer from a token or device-authorization endpoint.

    401 and the credential codes core knows (`invalid_grant`, `invalid_client`,
    `unauthorized_client`, `access_denied`) become `OAuthRejectedError` (an `AuthError`);
    anything else is an `OAuthError` (an `ApiError`), retryable for 5xx and 429.

    Args:
        reply: The non-2xx reply.
        what: The endpoint's name, e.g. `"token endpoint"`.
        action: What was rejected, e.g. `"authorization code"`.
        secrets: The secret values we sent, so a reflected one is never named.
    """
    data = json_object(reply.body)
    code = safe_error_code(data.get("error"), secrets) if data else None
    label = f" ({code})" if code else ""
    if reply.status == 401 or code in AUTH_ERROR_CODES:
        return OAuthRejectedError(
            f"The {what} rejected the {action}{label}.", error_code=code, http_status=reply.status
        )
    return OAuthError(
        f"The {what} answered HTTP {reply.status}{label}.",
        error_code=code,
        http_status=reply.status,
        retryable=reply.status >= 500 or reply.status == 429,
    )
