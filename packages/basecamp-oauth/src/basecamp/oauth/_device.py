"""The device authorization grant (RFC 8628), sans I/O: forms, responses and poll outcomes."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

from basecamp import UsageError

from ._errors import OAuthError, OAuthRejectedError, OAuthTimeoutError
from ._http import Reply, finite_number, grant_error, json_object, safe_error_code
from ._token import OAuthToken, parse_token_reply
from ._urls import check_endpoint, check_text, join_scope

__all__ = [
    "DEFAULT_INTERVAL",
    "SLOW_DOWN_STEP",
    "AsyncSleep",
    "DeviceAuthorization",
    "PollSignal",
    "Sleep",
    "device_authorization_form",
    "parse_device_authorization",
    "parse_device_poll",
]

DEFAULT_INTERVAL = 5.0  # RFC 8628 §3.2: when the server gives no interval
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: add 5 seconds after each slow_down

Sleep = Callable[[float], None]
"""A sync sleep, `time.sleep` by default (inject a fake in tests)."""
AsyncSleep = Callable[[float], Awaitable[None]]
"""An async sleep, `asyncio.sleep` by default (inject a fake in tests)."""


class PollSignal(enum.Enum):
    """A poll that did not end the flow: keep polling, at the same or a slower pace."""

    PENDING = "authorization_pending"
    SLOW_DOWN = "slow_down"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DeviceAuthorization:
    """The device authorization response (RFC 8628 §3.2): what to show the user.

    Show `user_code` and `verification_uri` (or `verification_uri_complete`, e.g. as a QR code),
    then call `poll_device_token(device=...)`.

    Attributes:
        device_code: The secret the app polls with; never shown to the user (nor in `repr`).
        user_code: The short code the user types at `verification_uri`.
        verification_uri: Where the user goes to approve.
        verification_uri_complete: The same URL with the code filled in, if the server gave one.
        expires_in: Seconds until `device_code` expires.
        interval: Seconds to wait between polls (5 unless the server said otherwise).
    """

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None = None
    expires_in: float
    interval: float = DEFAULT_INTERVAL

    def __post_init__(self) -> None:
        check_text(self.device_code, "device_code")
        if not isinstance(self.user_code, str) or not self.user_code:
            raise UsageError("user_code must be a non-empty string.")
        for name in ("expires_in", "interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UsageError(f"{name} must be a number of seconds.")
            number = finite_number(value)
            if number is None or number < 0:
                raise UsageError(f"{name} must be a finite, non-negative number of seconds.")

    def __repr__(self) -> str:
        return (
            f"DeviceAuthorization(device_code=<redacted>, user_code={self.user_code!r}, "
            f"verification_uri={self.verification_uri!r}, expires_in={self.expires_in!r}, "
            f"interval={self.interval!r})"
        )


def device_authorization_form(
    *, client_id: str, scope: str | Sequence[str] | None, client_secret: str | None
) -> dict[str, str]:
    """The form of a device authorization request (RFC 8628 §3.1)."""
    form = {"client_id": check_text(client_id, "client_id")}
    joined = join_scope(scope)
    if joined:
        form["scope"] = joined
    if client_secret is not None:
        form["client_secret"] = check_text(client_secret, "client_secret")
    return form


def _seconds(value: object, *, default: float | None) -> float | None:
    if value is None:
        return default
    number = finite_number(value)
    return number if number is not None and number >= 0 else None


def parse_device_authorization(reply: Reply, *, secrets: Collection[str]) -> DeviceAuthorization:
    """Validate a device authorization response.

    Raises:
        OAuthRejectedError: The client was rejected (401, `invalid_client`, ...).
        OAuthError: Any other error status, or a malformed response.
    """
    what = "device authorization endpoint"
    if not 200 <= reply.status < 300:
        raise grant_error(reply, what=what, action="client", secrets=secrets)
    data = json_object(reply.body)
    if data is None:
        raise OAuthError(f"The {what} answered with a body that is not a JSON object.")
    device_code, user_code = data.get("device_code"), data.get("user_code")
    # Some servers (Google among them) spell it verification_url.
    uri = data.get("verification_uri", data.get("verification_url"))
    complete = data.get("verification_uri_complete")
    expires_in = _seconds(data.get("expires_in"), default=None)
    interval = _seconds(data.get("interval"), default=DEFAULT_INTERVAL)
    if not isinstance(device_code, str) or not isinstance(user_code, str):
        raise OAuthError(f"The {what} answered without a device_code and user_code.")
    if not isinstance(uri, str) or (complete is not None and not isinstance(complete, str)):
        raise OAuthError(f"The {what} answered without a usable verification_uri.")
    if expires_in is None or interval is None:
        raise OAuthError(f"The {what} answered without a usable expires_in or interval.")
    ok = True
    try:
        for name, url in (("verification_uri", uri), ("verification_uri_complete", complete)):
            if url is not None:
                check_endpoint(url, name)
        result = DeviceAuthorization(
            device_code=device_code,
            user_code=user_code,
            verification_uri=uri,
            verification_uri_complete=complete,
            expires_in=expires_in,
            interval=interval,
        )
    except UsageError:
        ok = False
    if not ok:
        raise OAuthError(f"The {what} answered with an invalid code or verification URI.")
    return result


def parse_device_poll(
    reply: Reply, *, secrets: Collection[str], now: float | None = None
) -> OAuthToken | PollSignal:
    """Classify one poll of the token endpoint (RFC 8628 §3.5).

    Returns:
        The token once the user approved, else `PollSignal.PENDING` or `PollSignal.SLOW_DOWN`.

    Raises:
        OAuthRejectedError: The user declined (`access_denied`), or the client or code was
            rejected.
        OAuthTimeoutError: The device code expired (`expired_token`).
        OAuthError: Any other error.
    """
    if not 200 <= reply.status < 300:
        data = json_object(reply.body)
        code = safe_error_code(data.get("error"), secrets) if data else None
        if code == PollSignal.PENDING.value:
            return PollSignal.PENDING
        if code == PollSignal.SLOW_DOWN.value:
            return PollSignal.SLOW_DOWN
        if code == "expired_token":
            raise OAuthTimeoutError(
                "The device code expired before the user approved it (expired_token).",
                error_code=code,
                http_status=reply.status,
            )
        if code == "access_denied":
            raise OAuthRejectedError(
                "The user declined the authorization request (access_denied).",
                error_code=code,
                http_status=reply.status,
            )
    return parse_token_reply(reply, action="device code", secrets=secrets, now=now)
