"""Discovery: RFC 8414 server metadata, RFC 9728 resource metadata, and the resource-first walk
from one to the other (async source of truth for `_sync/discovery.py`).

Each function sends GETs through `http.request` and hands the replies to the sans-I/O parsers
in `.._metadata`. Apart from `http`, nothing here loads token machinery: a program's first call
is usually a discovery, and it pays only for what discovery needs.
"""

# unasync: remove-start
# `timeout` is one knob for both shells (socket timeouts plus a wall-clock deadline that the
# sync twin cannot get from `asyncio.timeout`), so ASYNC109's advice does not apply here.
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

from collections.abc import Iterable

import httpx

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
from .._urls import LAUNCHPAD_BASE_URL, check_endpoint, well_known_url
from .http import request

__all__ = [
    "discover",
    "discover_from_resource",
    "discover_launchpad",
    "discover_protected_resource",
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
