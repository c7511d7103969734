"""The errors `basecamp.oauth` adds to core's hierarchy.

Each one subclasses a core error, so `except basecamp.AuthError` or `except basecamp.ApiError`
keeps working; the subclasses add the OAuth `error` code. Messages name that code only: they never
carry a client secret, an authorization code, a code verifier or a token.
"""

from __future__ import annotations

from typing import Literal

from basecamp import ApiError, AuthError

__all__ = [
    "DeviceFlowError",
    "DeviceFlowReason",
    "OAuthError",
    "OAuthRejectedError",
    "OAuthTimeoutError",
    "device_flow_error",
]

DeviceFlowReason = Literal["denied", "expired", "cancelled", "timed_out"]


class OAuthError(ApiError):
    """An OAuth endpoint answered with an error or a document we cannot use.

    Raised for malformed discovery documents, unexpected statuses, refused redirects, oversized
    bodies and token-endpoint errors that are not about the credentials (e.g. `invalid_request`).

    Attributes:
        error_code: The OAuth `error` code the server sent (e.g. `"invalid_request"`), if any.
    """

    default_message = "The OAuth server answered with something we cannot use."

    def __init__(
        self,
        message: str | None = None,
        *,
        error_code: str | None = None,
        hint: str | None = None,
        http_status: int | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message, hint=hint, http_status=http_status, retryable=retryable)
        self.error_code = error_code


class OAuthRejectedError(AuthError):
    """The authorization server refused the grant, the client or the user's consent.

    Raised for 401 and for the `invalid_grant`, `invalid_client`, `unauthorized_client` and
    `access_denied` error codes. Trying again with the same input will not help: send the user
    through authorization again, or fix the client credentials.

    Attributes:
        error_code: The OAuth `error` code the server sent, if any.
    """

    default_message = "The authorization server rejected the request."

    def __init__(
        self,
        message: str | None = None,
        *,
        error_code: str | None = None,
        hint: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint, http_status=http_status)
        self.error_code = error_code


class OAuthTimeoutError(AuthError):
    """The user did not finish authorizing in time.

    Raised when a device code expires (`expired_token`, or its `expires_in` elapsed while
    polling) and when `run_local_flow` times out waiting for the browser's redirect.

    Attributes:
        error_code: `"expired_token"` when the server said so, else `None`.
    """

    default_message = "Authorization was not completed in time."

    def __init__(
        self,
        message: str | None = None,
        *,
        error_code: str | None = None,
        hint: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint, http_status=http_status)
        self.error_code = error_code


class DeviceFlowError(AuthError):
    """The device flow ended without a token; `reason` says how.

    - `"denied"`: the user declined (`access_denied`). Also an `OAuthRejectedError`.
    - `"expired"`: the device code expired (`expired_token`, or its `expires_in` passed). Also an
      `OAuthTimeoutError`.
    - `"cancelled"`: your `should_cancel()` returned `True`.
    - `"timed_out"`: your `deadline_at` passed first. Also an `OAuthTimeoutError`.

    Attributes:
        reason: One of the four above.
        error_code: The OAuth `error` code the server sent, if any.
    """

    default_message = "The device authorization did not complete."

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: DeviceFlowReason,
        error_code: str | None = None,
        hint: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, hint=hint, http_status=http_status)
        self.reason: DeviceFlowReason = reason
        self.error_code = error_code


# One class per reason, so `except OAuthRejectedError` and `except OAuthTimeoutError` written
# before `DeviceFlowError` existed still catch what they caught.
class _DeniedDeviceFlowError(DeviceFlowError, OAuthRejectedError):
    pass


class _ExpiredDeviceFlowError(DeviceFlowError, OAuthTimeoutError):
    pass


_CLASSES: dict[str, type[DeviceFlowError]] = {
    "denied": _DeniedDeviceFlowError,
    "expired": _ExpiredDeviceFlowError,
    "timed_out": _ExpiredDeviceFlowError,
    "cancelled": DeviceFlowError,
}


def device_flow_error(
    reason: DeviceFlowReason,
    message: str,
    *,
    error_code: str | None = None,
    http_status: int | None = None,
) -> DeviceFlowError:
    """The `DeviceFlowError` for `reason`, of the class that also matches the older errors."""
    return _CLASSES[reason](message, reason=reason, error_code=error_code, http_status=http_status)
