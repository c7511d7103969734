"""The device authorization grant, RFC 8628 (async source of truth for `_sync/device.py`).

Every decision (how long to wait, when to stop, what an answer means) is made by the sans-I/O
`.._device.DevicePoll` and core's `read_device_poll`; this shell only sleeps and sends.
"""

# unasync: remove-start
# `timeout` bounds each request (socket timeouts plus a wall-clock deadline), for both shells.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TextIO

import httpx

from basecamp import UsageError
from basecamp._transport_api import AsyncShell

from .._device import (
    CANCEL_CHECK,
    AsyncPrompt,
    AsyncSleep,
    DeviceAuthorization,
    DevicePoll,
    OpenBrowser,
    ShouldCancel,
    device_authorization_form,
    parse_device_authorization,
)
from .._http import DEFAULT_TIMEOUT
from .._metadata import OAuthConfig
from .._token import OAuthToken, device_token_form
from .._urls import check_endpoint
from .http import request

__all__ = ["poll_device_token", "request_device_authorization", "run_device_flow"]


async def request_device_authorization(
    *,
    endpoint: str,
    client_id: str,
    scope: str | Sequence[str] | None = None,
    resource: str | Sequence[str] | None = None,
    client_secret: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DeviceAuthorization:
    """Start the device flow (RFC 8628 §3.1): get a user code to show.

    Args:
        endpoint: The device authorization endpoint, e.g.
            `OAuthConfig.device_authorization_endpoint`.
        client_id: Your app's client id.
        scope: A space-separated string or a list of scope tokens.
        resource: RFC 8707 resource indicator(s): the API(s) the token is for.
        client_secret: Your app's client secret, if it has one.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Raises:
        UsageError: An argument is missing or malformed.
        OAuthRejectedError: The client was rejected.
        OAuthError: Any other error, or a malformed response.
        NetworkError: The endpoint could not be reached in time (retryable).
    """
    check_endpoint(endpoint, "endpoint")
    form = device_authorization_form(
        client_id=client_id, scope=scope, client_secret=client_secret, resource=resource
    )
    reply = await request(
        "POST",
        endpoint,
        what="device authorization endpoint",
        form=form,
        timeout=timeout,
        transport=transport,
    )
    return parse_device_authorization(reply, secrets=(client_secret or "",))


async def _pause(seconds: float, sleep: AsyncSleep, should_cancel: ShouldCancel | None) -> None:
    if should_cancel is None:
        await sleep(seconds)
        return
    # Asked between short sleeps, so a cancel is noticed within about a second.
    while seconds > 0 and not should_cancel():
        step = min(seconds, CANCEL_CHECK)
        await sleep(step)
        seconds -= step


async def poll_device_token(
    *,
    token_endpoint: str,
    device: DeviceAuthorization,
    client_id: str,
    client_secret: str | None = None,
    should_cancel: ShouldCancel | None = None,
    deadline_at: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: AsyncSleep = AsyncShell.sleep,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Wait for the user to approve a device authorization (RFC 8628 §3.4-3.5).

    Sleeps `device.interval` seconds before each poll (at least 1 second, whatever the server
    said); `authorization_pending` polls again; `slow_down` and HTTP 429 add 5 seconds to the
    interval for good. Stops when the code expires, when `deadline_at` passes, or when
    `should_cancel()` says so; a 5xx answer ends it at once with an `OAuthError` carrying its
    status (not polled until the code expires).

    Args:
        token_endpoint: The token endpoint, e.g. `OAuthConfig.token_endpoint`.
        device: The `DeviceAuthorization` from `request_device_authorization()`.
        client_id: Your app's client id.
        client_secret: Your app's client secret, if it has one.
        should_cancel: Asked before each poll and about every second while waiting; `True`
            stops with `DeviceFlowError(reason="cancelled")`.
        deadline_at: A time on `clock` to stop at (`DeviceFlowError(reason="timed_out")`),
            e.g. `time.monotonic() + 120`.
        clock: Monotonic seconds; inject a fake with `sleep` to test without waiting.
        sleep: Waits the given seconds.
        timeout: Seconds allowed for each poll request.
        transport: An httpx transport (tests).

    Returns:
        The `OAuthToken` once the user approved.

    Raises:
        DeviceFlowError: The flow ended without a token; `reason` is `"denied"` (also an
            `OAuthRejectedError`), `"expired"` (also an `OAuthTimeoutError`), `"cancelled"` or
            `"timed_out"` (also an `OAuthTimeoutError`).
        OAuthRejectedError: The client or the device code was rejected.
        OAuthError: Any other error, at once (retryable for 5xx).
        NetworkError: A poll could not reach the endpoint (retryable: poll again if you like).
    """
    check_endpoint(token_endpoint, "token_endpoint")
    if not isinstance(device, DeviceAuthorization):
        raise UsageError("device must be a DeviceAuthorization.")
    if should_cancel is not None and not callable(should_cancel):
        raise UsageError("should_cancel must be a callable returning a bool.")
    form = device_token_form(
        device_code=device.device_code, client_id=client_id, client_secret=client_secret
    )
    secrets = (device.device_code, client_secret or "")
    poll = DevicePoll(device, now=clock(), deadline_at=deadline_at)
    while True:
        await _pause(poll.pause(clock()), sleep, should_cancel)
        stop = poll.stop_reason(clock(), cancelled=should_cancel is not None and should_cancel())
        if stop is not None:
            raise poll.stop(stop)
        reply = await request(
            "POST",
            token_endpoint,
            what="token endpoint",
            form=form,
            timeout=timeout,
            transport=transport,
        )
        token = poll.read(reply, secrets=secrets, now=time.time())
        if token is not None:
            return token


async def run_device_flow(
    *,
    client_id: str,
    config: OAuthConfig | None = None,
    device_authorization_endpoint: str | None = None,
    token_endpoint: str | None = None,
    client_secret: str | None = None,
    scope: str | Sequence[str] | None = None,
    resource: str | Sequence[str] | None = None,
    output: TextIO | None = None,
    open_browser: OpenBrowser | None = None,
    should_cancel: ShouldCancel | None = None,
    deadline_at: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: AsyncSleep = AsyncShell.sleep,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Sign a terminal user in with the device flow: show the code, wait, return the token.

    Requests a device authorization, prints the user code and verification URL to `output`
    (stderr by default), opens `open_browser` on the verification URL if given (e.g.
    `webbrowser.open`), then polls as `poll_device_token` does.

    Pass either `config` (from `discover()`), or both `device_authorization_endpoint` and
    `token_endpoint`.

    Args:
        client_id: Your app's client id.
        config: Discovered metadata with a `device_authorization_endpoint`.
        device_authorization_endpoint: The device endpoint, when you have no `config`.
        token_endpoint: The token endpoint, when you have no `config`.
        client_secret: Your app's client secret, if it has one.
        scope: A space-separated string or a list of scope tokens.
        resource: RFC 8707 resource indicator(s), sent with the device authorization request.
        output: Where to print the instructions; `sys.stderr` by default.
        open_browser: Called with the verification URL (the complete one when the server gave
            it); `None` only prints.
        should_cancel: See `poll_device_token`.
        deadline_at: See `poll_device_token`.
        clock: Monotonic seconds (tests).
        sleep: Waits the given seconds (tests).
        timeout: Seconds allowed for each request.
        transport: An httpx transport (tests).

    Raises:
        UsageError: Bad arguments, or a `config` without a device authorization endpoint.
        DeviceFlowError: Denied, expired, cancelled or timed out (see `poll_device_token`).
        OAuthRejectedError, OAuthError, NetworkError: As `poll_device_token`.
    """
    if config is not None:
        if device_authorization_endpoint is not None or token_endpoint is not None:
            raise UsageError("Pass config= or the two endpoints, not both.")
        if not isinstance(config, OAuthConfig):
            raise UsageError("config must be an OAuthConfig from discover().")
        if config.device_authorization_endpoint is None:
            raise UsageError("This authorization server offers no device authorization endpoint.")
        device_authorization_endpoint = config.device_authorization_endpoint
        token_endpoint = config.token_endpoint
    if device_authorization_endpoint is None or token_endpoint is None:
        raise UsageError(
            "Pass config=, or both device_authorization_endpoint= and token_endpoint=."
        )
    check_endpoint(token_endpoint, "token_endpoint")
    device = await request_device_authorization(
        endpoint=device_authorization_endpoint,
        client_id=client_id,
        scope=scope,
        resource=resource,
        client_secret=client_secret,
        timeout=timeout,
        transport=transport,
    )
    await AsyncPrompt.show(device, output=output, open_browser=open_browser)
    return await poll_device_token(
        token_endpoint=token_endpoint,
        device=device,
        client_id=client_id,
        client_secret=client_secret,
        should_cancel=should_cancel,
        deadline_at=deadline_at,
        clock=clock,
        sleep=sleep,
        timeout=timeout,
        transport=transport,
    )
