"""The device authorization grant (RFC 8628), sans I/O: forms, responses and poll outcomes."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TextIO

from basecamp import UsageError
from basecamp._transport_api import PollSignal, TokenFailure, read_device_poll, resource_values

from ._errors import DeviceFlowError, DeviceFlowReason, OAuthError, device_flow_error
from ._http import Reply, finite_number, grant_error, json_object, oauth_error
from ._token import OAuthToken, token_from_grant
from ._urls import check_endpoint, check_text, join_scope

__all__ = [
    "DEFAULT_INTERVAL",
    "MIN_INTERVAL",
    "SLOW_DOWN_STEP",
    "AsyncPrompt",
    "AsyncSleep",
    "DeviceAuthorization",
    "DevicePoll",
    "OpenBrowser",
    "PollSignal",
    "Prompt",
    "ShouldCancel",
    "Sleep",
    "device_authorization_form",
    "parse_device_authorization",
    "parse_device_poll",
]

DEFAULT_INTERVAL = 5.0  # RFC 8628 §3.2: when the server gives no interval
MIN_INTERVAL = 1.0  # never poll faster, whatever the server says (an interval of 0 included)
SLOW_DOWN_STEP = 5.0  # RFC 8628 §3.5: add 5 seconds after each slow_down (and each 429)
CANCEL_CHECK = 1.0  # with `should_cancel`, sleep in steps of at most this, asking in between

Sleep = Callable[[float], None]
"""A sync sleep, `time.sleep` by default (inject a fake in tests)."""
AsyncSleep = Callable[[float], Awaitable[None]]
"""An async sleep, `asyncio.sleep` by default (inject a fake in tests)."""
ShouldCancel = Callable[[], bool]
"""Asked before each poll (and about every second while waiting): `True` stops the flow."""
OpenBrowser = Callable[[str], object]
"""Called with the verification URL; its return value is ignored."""


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
        interval: Seconds to wait between polls (5 unless the server said otherwise). Polling
            never runs faster than once a second, whatever this says.
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
    *,
    client_id: str,
    scope: str | Sequence[str] | None,
    client_secret: str | None,
    resource: str | Sequence[str] | None = None,
) -> dict[str, str | list[str]]:
    """The form of a device authorization request (RFC 8628 §3.1), with RFC 8707 resource
    indicators when given."""
    form: dict[str, str | list[str]] = {"client_id": check_text(client_id, "client_id")}
    joined = join_scope(scope)
    if joined:
        form["scope"] = joined
    if client_secret is not None:
        form["client_secret"] = check_text(client_secret, "client_secret")
    resources = resource_values(resource)
    if resources:
        form["resource"] = resources[0] if len(resources) == 1 else resources
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
    """Classify one poll of the token endpoint (RFC 8628 §3.5), by core's rules.

    Returns:
        The token once the user approved, else `PollSignal.PENDING` or `PollSignal.SLOW_DOWN`
        (a `slow_down` answer, or a 429).

    Raises:
        DeviceFlowError: The user declined (`reason="denied"`, also an `OAuthRejectedError`) or
            the code expired (`reason="expired"`, also an `OAuthTimeoutError`).
        OAuthRejectedError: The client or code was rejected.
        OAuthError: Any other error; a 5xx at once, with its status, whatever its body says.
    """
    outcome = read_device_poll(reply.status, reply.body, now=now, secrets=secrets)
    if isinstance(outcome, TokenFailure):
        raise oauth_error(outcome)
    if isinstance(outcome, PollSignal):
        return outcome
    return token_from_grant(outcome)


class DevicePoll:
    """The state of one wait for a device approval, sans I/O: when to poll, when to stop.

    The shell asks `pause()` how long to sleep, `stop_reason()` whether to stop, sends a poll,
    and hands the reply to `read()`.

    Args:
        device: The device authorization being waited for.
        now: The current time on the shell's clock.
        deadline_at: Stop (`reason="timed_out"`) at this time on the same clock, if earlier than
            the code's own expiry.
    """

    def __init__(self, device: DeviceAuthorization, *, now: float, deadline_at: float | None):
        if deadline_at is not None and finite_number(deadline_at) is None:
            raise UsageError("deadline_at must be a finite time on the clock.")
        self.interval = max(MIN_INTERVAL, float(device.interval))
        self.expires_at = now + device.expires_in
        self.deadline_at = deadline_at

    @property
    def ends_at(self) -> float:
        """When waiting stops, whichever comes first: the code's expiry or `deadline_at`."""
        if self.deadline_at is None:
            return self.expires_at
        return min(self.expires_at, self.deadline_at)

    def pause(self, now: float) -> float:
        """Seconds to sleep before the next poll; never past the end (a huge interval must not
        hang the caller)."""
        return max(0.0, min(self.interval, self.ends_at - now))

    def stop_reason(self, now: float, *, cancelled: bool) -> DeviceFlowReason | None:
        """Why to stop now, if at all."""
        if cancelled:
            return "cancelled"
        if now < self.ends_at:
            return None
        if self.deadline_at is not None and self.deadline_at < self.expires_at:
            return "timed_out"
        return "expired"

    def stop(self, reason: DeviceFlowReason) -> DeviceFlowError:
        """The error that ends the flow for `reason`."""
        messages = {
            "cancelled": "The device authorization was cancelled.",
            "timed_out": "The device authorization did not finish before the deadline.",
            "expired": "The device code expired before the user approved it.",
            "denied": "The user declined the authorization request.",
        }
        code = "expired_token" if reason == "expired" else None
        return device_flow_error(reason, messages[reason], error_code=code)

    def read(self, reply: Reply, *, secrets: Collection[str], now: float) -> OAuthToken | None:
        """The token once approved; `None` to keep polling (slower after `slow_down` or 429).

        Raises:
            DeviceFlowError, OAuthRejectedError, OAuthError: As `parse_device_poll`.
        """
        outcome = parse_device_poll(reply, secrets=secrets, now=now)
        if outcome is PollSignal.SLOW_DOWN:
            self.interval += SLOW_DOWN_STEP
            return None
        if outcome is PollSignal.PENDING:
            return None
        assert isinstance(outcome, OAuthToken)
        return outcome


def _instructions(device: DeviceAuthorization) -> str:
    lines = [f"To sign in, open {device.verification_uri} and enter the code: {device.user_code}"]
    if device.verification_uri_complete:
        lines.append(f"(or open {device.verification_uri_complete})")
    return "\n".join(lines) + "\n"


def _show(
    device: DeviceAuthorization, output: TextIO | None, open_browser: OpenBrowser | None
) -> None:
    stream = sys.stderr if output is None else output
    stream.write(_instructions(device))
    stream.flush()
    if open_browser is not None:
        open_browser(device.verification_uri_complete or device.verification_uri)


class Prompt:
    """Shows the user code and URL on a terminal, and opens the browser if asked."""

    @staticmethod
    def show(
        device: DeviceAuthorization, *, output: TextIO | None, open_browser: OpenBrowser | None
    ) -> None:
        """Print the instructions to `output` (stderr by default); open the browser."""
        _show(device, output, open_browser)


class AsyncPrompt:
    """`Prompt` for asyncio: the printing and the browser run in a worker thread."""

    @staticmethod
    async def show(
        device: DeviceAuthorization, *, output: TextIO | None, open_browser: OpenBrowser | None
    ) -> None:
        """Print the instructions to `output` (stderr by default); open the browser, off the
        event loop (opening one can block)."""
        import asyncio

        await asyncio.to_thread(_show, device, output, open_browser)
