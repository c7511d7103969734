"""Discovery, code exchange and refresh (async source of truth for `_sync/flows.py`).

Each function validates its input, sends one request through `http.request` and hands the reply
to a sans-I/O parser (token requests: core's `_token_endpoint`, through `_transport_api`).
`basecamp.oauth` exports the sync twins under these names and these async ones with an `a`
prefix (`discover` / `adiscover`, ...). The device flow lives in `device.py`.
"""

# unasync: remove-start
# `timeout` is one knob for both shells (socket timeouts plus a wall-clock deadline that the
# sync twin cannot get from `asyncio.timeout`), so ASYNC109's advice does not apply here.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

from collections.abc import Iterable, Sequence

import httpx

from basecamp._transport_api import legacy_format, refresh_form, resource_values

from .._http import DEFAULT_TIMEOUT
from .._metadata import (
    Discovery,
    OAuthConfig,
    ProtectedResourceMetadata,
    check_origins,
    choose_authorization_server,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from .._token import OAuthToken, code_form, parse_token_reply
from .._urls import LAUNCHPAD_BASE_URL, check_endpoint, check_text, well_known_url
from .http import request

__all__ = [
    "discover",
    "discover_from_resource",
    "discover_launchpad",
    "discover_protected_resource",
    "exchange_code",
    "refresh_token",
]

# A resource that does not publish RFC 9728 metadata answers its well-known URL with these.
_NOT_PUBLISHED = frozenset({404, 410})


async def discover(
    base_url: str,
    *,
    allowed_origins: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthConfig:
    """Fetch an authorization server's metadata (RFC 8414).

    GETs `<origin>/.well-known/oauth-authorization-server[<path>]`, checks that the document's
    `issuer` equals `base_url` exactly, and that every endpoint that receives codes, secrets or
    tokens is on the issuer's origin (or one of `allowed_origins`), so a tampered document cannot
    send them elsewhere. A server without an authorization endpoint (device flow only) is fine.

    Args:
        base_url: The issuer identifier, e.g. `"https://launchpad.37signals.com"`.
        allowed_origins: Other origins (`"https://login.example.com"`) the server's endpoints
            may live on.
        timeout: Seconds allowed for the request, body included.
        transport: An httpx transport (tests).

    Returns:
        The validated `OAuthConfig`.

    Raises:
        UsageError: `base_url` is not an https (or loopback) URL without query or fragment, or
            an allowed origin is not an origin.
        OAuthError: A non-2xx answer, a redirect, or a malformed, mismatched or off-origin
            document.
        NetworkError: The server could not be reached in time.
    """
    url = well_known_url(base_url, "oauth-authorization-server", name="base_url")
    origins = check_origins(allowed_origins)
    reply = await request(
        "GET", url, what="discovery endpoint", timeout=timeout, transport=transport
    )
    return parse_authorization_server_metadata(reply, issuer=base_url, allowed_origins=origins)


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


async def discover_from_resource(
    *,
    resource: str = "https://3.basecampapi.com",
    authorization_server: str | None = None,
    allowed_origins: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Discovery:
    """Resource-first discovery: from the API to its authorization server's metadata.

    Reads the resource's RFC 9728 metadata, picks its authorization server (the only one, or
    `authorization_server`), then reads that server's RFC 8414 metadata (with `discover()`'s
    issuer and origin checks). When the resource publishes no metadata (HTTP 404 or 410) or
    names no authorization server, falls back to Launchpad; `Discovery.source` and
    `Discovery.fallback_reason` say which path was taken and why. Any other failure (a tampered
    document, a 5xx, the network) is raised, never papered over with a fallback.

    Args:
        resource: The API's resource identifier; Basecamp's by default.
        authorization_server: The issuer to use when the resource names several.
        allowed_origins: Other origins the server's endpoints may live on (see `discover()`).
        timeout: Seconds allowed for each request, body included.
        transport: An httpx transport (tests).

    Raises:
        UsageError: The resource names several authorization servers and none was chosen, or
            `authorization_server` is not one of them; or an argument is malformed.
        OAuthError: A non-2xx answer (other than "not published"), a redirect, or a malformed,
            mismatched or off-origin document.
        NetworkError: A server could not be reached in time.
    """
    url = well_known_url(resource, "oauth-protected-resource", name="resource")
    if authorization_server is not None:
        check_endpoint(authorization_server, "authorization_server", allow_query=False)
    reply = await request(
        "GET", url, what="protected-resource endpoint", timeout=timeout, transport=transport
    )
    metadata: ProtectedResourceMetadata | None = None
    issuer: str | None = None
    if reply.status in _NOT_PUBLISHED:
        reason = f"The resource publishes no protected-resource metadata (HTTP {reply.status})."
    else:
        metadata = parse_protected_resource_metadata(reply, resource=resource)
        issuer = choose_authorization_server(metadata, authorization_server)
        reason = "The resource's metadata names no authorization server."
    if issuer is None:
        config = await discover(
            LAUNCHPAD_BASE_URL,
            allowed_origins=allowed_origins,
            timeout=timeout,
            transport=transport,
        )
        return Discovery(
            config=config, source="launchpad", fallback_reason=reason, resource=metadata
        )
    config = await discover(
        issuer, allowed_origins=allowed_origins, timeout=timeout, transport=transport
    )
    return Discovery(config=config, source="protected_resource", resource=metadata)


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
