"""Sans-I/O pieces of every OAuth request: headers, timeouts and the mapping to our errors.

The exchange itself (limits, redirects, deadlines) is core's `fetch`, reached through
`basecamp._transport_api`; its rules for reading a token endpoint's answer are core's too. This
module turns core's classified `TokenFailure` into `basecamp.oauth`'s error classes.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from basecamp import UsageError, __version__
from basecamp._transport_api import (
    MAX_TOKEN_RESPONSE_BYTES,
    TOKEN_REQUEST_HEADERS,
    Reply,
    TokenFailure,
    error_answer,
    finite_number,
    json_object,
    safe_error_code,
)

from ._errors import DeviceFlowError, OAuthError, OAuthRejectedError, device_flow_error

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_BODY_BYTES",
    "REQUEST_HEADERS",
    "Reply",
    "check_timeout",
    "finite_number",
    "grant_error",
    "json_object",
    "oauth_error",
    "safe_error_code",
    "status_error",
]

# Core caps token responses at 1 MiB; discovery and device documents are smaller still.
MAX_BODY_BYTES = MAX_TOKEN_RESPONSE_BYTES
DEFAULT_TIMEOUT = 30.0
REQUEST_HEADERS = {**TOKEN_REQUEST_HEADERS, "User-Agent": f"basecamp-python-oauth/{__version__}"}


def check_timeout(timeout: object) -> float:
    """Validate a per-request timeout in seconds."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise UsageError("timeout must be a number of seconds.")
    if not math.isfinite(timeout) or timeout <= 0:
        raise UsageError("timeout must be a positive, finite number of seconds.")
    return float(timeout)


def oauth_error(failure: TokenFailure) -> OAuthError | OAuthRejectedError | DeviceFlowError:
    """Our error class for one of core's classified failures.

    `rejected` is an `OAuthRejectedError`; the device flow's `denied` and `expired` are
    `DeviceFlowError`s (also an `OAuthRejectedError` and an `OAuthTimeoutError`); the rest an
    `OAuthError`, retryable when core says so (5xx, 429).
    """
    if failure.kind == "rejected":
        return OAuthRejectedError(
            failure.message, error_code=failure.error_code, http_status=failure.http_status
        )
    if failure.kind in ("denied", "expired"):
        return device_flow_error(
            "denied" if failure.kind == "denied" else "expired",
            failure.message,
            error_code=failure.error_code,
            http_status=failure.http_status,
        )
    return OAuthError(
        failure.message,
        error_code=failure.error_code,
        http_status=failure.http_status,
        retryable=failure.retryable,
    )


def status_error(reply: Reply, *, what: str) -> OAuthError:
    """The error for a non-2xx answer from a discovery endpoint."""
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
) -> OAuthError | OAuthRejectedError | DeviceFlowError:
    """Classify an error answer from a token or device-authorization endpoint (core's mapping:
    401 and the credential codes are rejections, anything else an `OAuthError`)."""
    failure = error_answer(
        reply.status, json_object(reply.body), what=what, action=action, secrets=secrets
    )
    return oauth_error(failure)
