"""The OAuth network functions (async source of truth for `_sync/flows.py`).

Each function validates its input, sends one request through `http.request` and hands the reply
to a sans-I/O parser. `basecamp.oauth` exports the sync twins under these names and these async
ones with an `a` prefix (`discover` / `adiscover`, ...).
"""

# unasync: remove-start
# `timeout` is one knob for both shells (socket timeouts plus a wall-clock deadline that the
# sync twin cannot get from `asyncio.timeout`), so ASYNC109's advice does not apply here.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import httpx

from basecamp import UsageError
from basecamp._auth import refresh_form
from basecamp._primitives_async import sleep as _sleep

from .._device import (
    SLOW_DOWN_STEP,
    AsyncSleep,
    DeviceAuthorization,
    PollSignal,
    device_authorization_form,
    parse_device_authorization,
    parse_device_poll,
)
from .._errors import OAuthTimeoutError
from .._http import DEFAULT_TIMEOUT
from .._metadata import (
    OAuthConfig,
    ProtectedResourceMetadata,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from .._token import OAuthToken, code_form, device_token_form, parse_token_reply
from .._urls import LAUNCHPAD_BASE_URL, check_endpoint, check_text, well_known_url
from .http import request

__all__ = [
    "discover",
    "discover_launchpad",
    "discover_protected_resource",
    "exchange_code",
    "poll_device_token",
    "refresh_token",
    "request_device_authorization",
]


async def discover(
    base_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthConfig:
    """Fetch an authorization server's metadata (RFC 8414).

    GETs `<origin>/.well-known/oauth-authorization-server[<path>]` and checks that the document's
    `issuer` equals `base_url` exactly.

    Args:
        base_url: The issuer identifier, e.g. `"https://launchpad.37signals.com"`.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Returns:
        The validated `OAuthConfig`.

    Raises:
        UsageError: `base_url` is not an https (or loopback) URL without query or fragment.
        OAuthError: A non-2xx answer, a redirect, or a malformed or mismatched document.
        NetworkError: The server could not be reached in time.
    """
    url = well_known_url(base_url, "oauth-authorization-server", name="base_url")
    reply = await request(
        "GET", url, what="discovery endpoint", timeout=timeout, transport=transport
    )
    return parse_authorization_server_metadata(reply, issuer=base_url)


async def discover_launchpad(
    *,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthConfig:
    """Fetch Launchpad's metadata: `discover(LAUNCHPAD_BASE_URL)`.

    Raises:
        OAuthError: A non-2xx answer, a redirect, or a malformed document.
        NetworkError: Launchpad could not be reached in time.
    """
    return await discover(LAUNCHPAD_BASE_URL, timeout=timeout, transport=transport)


async def discover_protected_resource(
    origin: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ProtectedResourceMetadata:
    """Fetch a protected resource's metadata (RFC 9728).

    GETs `<origin>/.well-known/oauth-protected-resource[<path>]` and checks that the document's
    `resource` equals `origin` exactly.

    Args:
        origin: The resource identifier, e.g. `"https://3.basecampapi.com"`.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Raises:
        UsageError: `origin` is not an https (or loopback) URL without query or fragment.
        OAuthError: A non-2xx answer, a redirect, or a malformed or mismatched document.
        NetworkError: The server could not be reached in time.
    """
    url = well_known_url(origin, "oauth-protected-resource", name="origin")
    reply = await request(
        "GET", url, what="protected-resource endpoint", timeout=timeout, transport=transport
    )
    return parse_protected_resource_metadata(reply, resource=origin)


async def exchange_code(
    *,
    token_endpoint: str,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str | None = None,
    code_verifier: str | None = None,
    use_legacy_format: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Exchange an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).

    POSTs a form with `grant_type=authorization_code` (or Launchpad's legacy
    `type=web_server`). Credentials go in the body, never in the URL.

    Args:
        token_endpoint: The token endpoint, e.g. `OAuthConfig.token_endpoint`.
        code: The `code` from the redirect.
        redirect_uri: The same redirect URI as in the authorization URL.
        client_id: Your app's client id.
        client_secret: Your app's client secret; omit for public clients using PKCE.
        code_verifier: `PKCE.verifier`, when the authorization URL carried its challenge.
        use_legacy_format: Send Launchpad's legacy `type=web_server`.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Returns:
        The new `OAuthToken`.

    Raises:
        UsageError: An argument is missing or malformed (the message never echoes it).
        OAuthRejectedError: 401, `invalid_grant`, `invalid_client`, `unauthorized_client` or
            `access_denied`.
        OAuthError: Any other error, or a 2xx without an `access_token`.
        NetworkError: The endpoint could not be reached in time (retryable).
    """
    check_endpoint(token_endpoint, "token_endpoint")
    form = code_form(
        code=code,
        redirect_uri=redirect_uri,
        client_id=client_id,
        client_secret=client_secret,
        code_verifier=code_verifier,
        legacy=use_legacy_format,
    )
    reply = await request(
        "POST",
        token_endpoint,
        what="token endpoint",
        form=form,
        timeout=timeout,
        transport=transport,
    )
    secrets = (code, client_secret or "", code_verifier or "")
    return parse_token_reply(reply, action="authorization code", secrets=secrets)


async def refresh_token(
    *,
    token_endpoint: str,
    refresh_tok: str,
    client_id: str,
    client_secret: str | None = None,
    use_legacy_format: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Get a new access token with a refresh token (RFC 6749 §6).

    POSTs `grant_type=refresh_token` (or Launchpad's legacy `type=refresh`). When the response
    carries no new refresh token, the returned token keeps `refresh_tok`.

    Args:
        token_endpoint: The token endpoint, e.g. `OAuthConfig.token_endpoint`.
        refresh_tok: The refresh token (named so to not shadow this function).
        client_id: Your app's client id.
        client_secret: Your app's client secret, if it has one.
        use_legacy_format: Send Launchpad's legacy `type=refresh`.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Raises:
        UsageError: An argument is missing or malformed (the message never echoes it).
        OAuthRejectedError: The refresh token or client was rejected (`invalid_grant`, 401...).
        OAuthError: Any other error, or a 2xx without an `access_token`.
        NetworkError: The endpoint could not be reached in time (retryable).
    """
    check_endpoint(token_endpoint, "token_endpoint")
    form = refresh_form(
        refresh_token=check_text(refresh_tok, "refresh_tok"),
        client_id=check_text(client_id, "client_id"),
        client_secret=None if client_secret is None else check_text(client_secret, "client_secret"),
        legacy=use_legacy_format,
    )
    reply = await request(
        "POST",
        token_endpoint,
        what="token endpoint",
        form=form,
        timeout=timeout,
        transport=transport,
    )
    return parse_token_reply(
        reply,
        action="refresh token",
        secrets=(refresh_tok, client_secret or ""),
        previous_refresh_token=refresh_tok,
    )


async def request_device_authorization(
    *,
    endpoint: str,
    client_id: str,
    scope: str | Sequence[str] | None = None,
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
    form = device_authorization_form(client_id=client_id, scope=scope, client_secret=client_secret)
    reply = await request(
        "POST",
        endpoint,
        what="device authorization endpoint",
        form=form,
        timeout=timeout,
        transport=transport,
    )
    return parse_device_authorization(reply, secrets=(client_secret or "",))


async def poll_device_token(
    *,
    token_endpoint: str,
    device: DeviceAuthorization,
    client_id: str,
    client_secret: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: AsyncSleep = _sleep,
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Wait for the user to approve a device authorization (RFC 8628 §3.4-3.5).

    Sleeps `device.interval` seconds before each poll; `authorization_pending` polls again,
    `slow_down` adds 5 seconds to the interval for good. Gives up when `device.expires_in`
    seconds have passed on `clock`.

    Args:
        token_endpoint: The token endpoint, e.g. `OAuthConfig.token_endpoint`.
        device: The `DeviceAuthorization` from `request_device_authorization()`.
        client_id: Your app's client id.
        client_secret: Your app's client secret, if it has one.
        clock: Monotonic seconds; inject a fake with `sleep` to test without waiting.
        sleep: Waits the given seconds.
        timeout: Seconds allowed for each poll request.
        transport: An httpx transport (tests).

    Returns:
        The `OAuthToken` once the user approved.

    Raises:
        OAuthRejectedError: The user declined (`access_denied`), or the client was rejected.
        OAuthTimeoutError: The device code expired (`expired_token`, or `expires_in` passed).
        OAuthError: Any other error.
        NetworkError: A poll could not reach the endpoint (retryable: poll again if you like).
    """
    check_endpoint(token_endpoint, "token_endpoint")
    if not isinstance(device, DeviceAuthorization):
        raise UsageError("device must be a DeviceAuthorization.")
    form = device_token_form(
        device_code=device.device_code, client_id=client_id, client_secret=client_secret
    )
    secrets = (device.device_code, client_secret or "")
    interval = device.interval
    ends_at = clock() + device.expires_in
    while True:
        # Never sleep past the expiry: a huge interval must not hang the caller.
        await sleep(max(0.0, min(interval, ends_at - clock())))
        if clock() >= ends_at:
            raise OAuthTimeoutError(
                "The device code expired before the user approved it.", error_code="expired_token"
            )
        reply = await request(
            "POST",
            token_endpoint,
            what="token endpoint",
            form=form,
            timeout=timeout,
            transport=transport,
        )
        outcome = parse_device_poll(reply, secrets=secrets, now=time.time())
        if isinstance(outcome, OAuthToken):
            return outcome
        if outcome is PollSignal.SLOW_DOWN:
            interval += SLOW_DOWN_STEP
