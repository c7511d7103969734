"""Code exchange and refresh (async source of truth for `_sync/flows.py`).

Each function validates its input, sends one request through `http.request` and hands the reply
to core's token-endpoint rules (`basecamp._transport_api`). `basecamp.oauth` exports the sync
twins under these names and these async ones with an `a` prefix (`exchange_code` /
`aexchange_code`, ...). Discovery lives in `discovery.py`, the device flow in `device.py`.
"""

# unasync: remove-start
# `timeout` is one knob for both shells (socket timeouts plus a wall-clock deadline that the
# sync twin cannot get from `asyncio.timeout`), so ASYNC109's advice does not apply here.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

from collections.abc import Sequence

import httpx

from basecamp._transport_api import legacy_format, refresh_form, resource_values

from .._http import DEFAULT_TIMEOUT
from .._token import OAuthToken, code_form, parse_token_reply
from .._urls import check_endpoint, check_text
from .http import request

__all__ = ["exchange_code", "refresh_token"]


async def exchange_code(
    *,
    token_endpoint: str,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str | None = None,
    code_verifier: str | None = None,
    resource: str | Sequence[str] | None = None,
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
        resource: RFC 8707 resource indicator(s), as on the authorization URL.
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
        legacy=legacy_format(token_endpoint, use_legacy_format),
        resource=resource,
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
    resource: str | Sequence[str] | None = None,
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
        resource: RFC 8707 resource indicator(s): the API(s) the new token is for.
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
        legacy=legacy_format(token_endpoint, use_legacy_format),
        resource=resource_values(resource),
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
