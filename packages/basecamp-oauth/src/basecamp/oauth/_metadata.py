"""Discovery documents, sans I/O: RFC 8414 server metadata and RFC 9728 resource metadata."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from basecamp import UsageError

from ._errors import OAuthError
from ._http import Reply, json_object, status_error
from ._urls import check_endpoint

__all__ = [
    "Discovery",
    "OAuthConfig",
    "ProtectedResourceMetadata",
    "check_origins",
    "choose_authorization_server",
    "origin_of",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
]

# The endpoints that receive codes, secrets or tokens: each must be on the issuer's origin (or
# an origin the caller allowed), so a tampered document cannot send them elsewhere.
SECRET_ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "device_authorization_endpoint",
    "registration_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthConfig:
    """An authorization server's metadata (RFC 8414), as returned by `discover()`.

    Every endpoint has been checked to be https (or loopback http), and each one that receives
    codes, secrets or tokens to be on the issuer's origin (or one you allowed). List fields are
    empty when the server did not state them.

    Attributes:
        issuer: The server's issuer identifier; equal to the URL you discovered.
        authorization_endpoint: Where to send the user's browser; `None` for a server that
            offers only the device flow.
        token_endpoint: Where codes, refresh tokens and device codes are exchanged for tokens.
        device_authorization_endpoint: The RFC 8628 device endpoint, if supported.
        registration_endpoint: The RFC 7591 dynamic client registration endpoint, if any.
        revocation_endpoint: The RFC 7009 revocation endpoint, if any.
        introspection_endpoint: The RFC 7662 introspection endpoint, if any.
        jwks_uri: The server's JSON Web Key Set, if any.
        scopes_supported: Scope values the server advertises.
        response_types_supported: e.g. `("code",)`.
        grant_types_supported: e.g. `("authorization_code", "refresh_token")`.
        code_challenge_methods_supported: PKCE methods, e.g. `("S256",)`.
        token_endpoint_auth_methods_supported: e.g. `("client_secret_post",)`.
        authorization_response_iss_parameter_supported: Whether redirects carry `iss` (RFC 9207).
    """

    issuer: str
    authorization_endpoint: str | None = None
    token_endpoint: str
    device_authorization_endpoint: str | None = None
    registration_endpoint: str | None = None
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    jwks_uri: str | None = None
    scopes_supported: tuple[str, ...] = ()
    response_types_supported: tuple[str, ...] = ()
    grant_types_supported: tuple[str, ...] = ()
    code_challenge_methods_supported: tuple[str, ...] = ()
    token_endpoint_auth_methods_supported: tuple[str, ...] = ()
    authorization_response_iss_parameter_supported: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedResourceMetadata:
    """A protected resource's metadata (RFC 9728), as returned by `discover_protected_resource()`.

    Attributes:
        resource: The resource identifier; equal to the URL you discovered.
        authorization_servers: Issuer identifiers of the servers that grant tokens for it; pass
            one to `discover()`.
        scopes_supported: Scope values the resource understands.
        bearer_methods_supported: How it accepts tokens, e.g. `("header",)`.
        resource_name: A human-readable name, if given.
        resource_documentation: A URL of developer documentation, if given.
    """

    resource: str
    authorization_servers: tuple[str, ...] = ()
    scopes_supported: tuple[str, ...] = ()
    bearer_methods_supported: tuple[str, ...] = ()
    resource_name: str | None = None
    resource_documentation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovery:
    """What `discover_from_resource()` found, and how.

    Attributes:
        config: The chosen authorization server's metadata.
        source: `"protected_resource"` when the resource's RFC 9728 metadata named the server,
            `"launchpad"` when discovery fell back to Launchpad.
        fallback_reason: Why it fell back (`None` when it did not).
        resource: The resource's metadata, when it published some.
    """

    config: OAuthConfig
    source: Literal["protected_resource", "launchpad"]
    fallback_reason: str | None = None
    resource: ProtectedResourceMetadata | None = None


_WHAT = "discovery document"


def origin_of(url: str) -> str:
    """`scheme://host[:port]`, lowercased, with the default port dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def check_origins(allowed_origins: Iterable[str]) -> frozenset[str]:
    """Validate `allowed_origins`: each an https (or loopback) origin, without path or query.

    Raises:
        UsageError: One is not an origin.
    """
    if isinstance(allowed_origins, str):
        raise UsageError("allowed_origins must be a list of origins, not a string.")
    origins = set()
    for value in allowed_origins:
        check_endpoint(value, "allowed_origins", allow_query=False)
        if urlsplit(value).path not in ("", "/"):
            raise UsageError("allowed_origins must hold origins (scheme://host[:port]) only.")
        origins.add(origin_of(value))
    return frozenset(origins)


def choose_authorization_server(
    metadata: ProtectedResourceMetadata, chosen: str | None
) -> str | None:
    """The issuer to discover from a resource's metadata: the only one, or `chosen`.

    Returns:
        The issuer, or `None` when the resource names none.

    Raises:
        UsageError: `chosen` is not among the resource's servers, or the resource names several
            and none was chosen.
    """
    servers = metadata.authorization_servers
    if chosen is not None:
        if chosen not in servers:
            raise UsageError(
                f"authorization_server {chosen!r} is not one of the resource's authorization "
                f"servers: {', '.join(servers) or 'none'}."
            )
        return chosen
    if len(servers) > 1:
        raise UsageError(
            f"The resource {metadata.resource} names {len(servers)} authorization servers "
            f"({', '.join(servers)}); pass authorization_server= to choose one."
        )
    return servers[0] if servers else None


def _document(reply: Reply, what: str, *, endpoint: str) -> dict[str, object]:
    if not 200 <= reply.status < 300:
        raise status_error(reply, what=endpoint)
    data = json_object(reply.body)
    if data is None:
        raise OAuthError(f"The {what} is not a JSON object.", http_status=reply.status)
    return data


def _string(data: dict[str, object], key: str, what: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise OAuthError(f"The {what}'s {key} is not a non-empty string.")
    return value


def _url(data: dict[str, object], key: str, what: str, *, allow_query: bool = True) -> str | None:
    value = _string(data, key, what)
    if value is None:
        return None
    # The server's mistake, not the caller's: report it as OAuthError, outside the except block
    # so the UsageError does not linger as __context__.
    ok = True
    try:
        check_endpoint(value, key, allow_query=allow_query)
    except UsageError:
        ok = False
    if not ok:
        raise OAuthError(f"The {what}'s {key} is not an https URL (or loopback http).")
    return value


def _required_url(data: dict[str, object], key: str, what: str) -> str:
    value = _url(data, key, what)
    if value is None:
        raise OAuthError(f"The {what} has no {key}.")
    return value


def _strings(data: dict[str, object], key: str, what: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise OAuthError(f"The {what}'s {key} is not a list of strings.")
    return tuple(str(item) for item in value)


def parse_authorization_server_metadata(
    reply: Reply, *, issuer: str, allowed_origins: frozenset[str] = frozenset()
) -> OAuthConfig:
    """Validate an RFC 8414 metadata response.

    Args:
        reply: The response from `<origin>/.well-known/oauth-authorization-server`.
        issuer: The issuer identifier that was discovered; the document must name exactly it
            (RFC 8414 §3.3), which stops one server from impersonating another.
        allowed_origins: Origins (from `check_origins`) besides the issuer's where the endpoints
            that receive secrets may live.

    Raises:
        OAuthError: A non-2xx status, a malformed document, an endpoint off the issuer's origin,
            or neither an authorization nor a device authorization endpoint.
    """
    data = _document(reply, _WHAT, endpoint="discovery endpoint")
    if data.get("issuer") != issuer:
        raise OAuthError(
            f"The {_WHAT}'s issuer does not match {issuer!r}; refusing it (RFC 8414 §3.3)."
        )
    iss_supported = data.get("authorization_response_iss_parameter_supported", False)
    if not isinstance(iss_supported, bool):
        raise OAuthError(
            f"The {_WHAT}'s authorization_response_iss_parameter_supported is not a boolean."
        )
    origins = {origin_of(issuer), *allowed_origins}
    for key in SECRET_ENDPOINTS:
        value = _url(data, key, _WHAT)
        if value is not None and origin_of(value) not in origins:
            raise OAuthError(
                f"The {_WHAT}'s {key} is not on the issuer's origin ({origin_of(issuer)}); "
                "refusing it. Pass allowed_origins= if this server really uses another origin."
            )
    authorization_endpoint = _url(data, "authorization_endpoint", _WHAT)
    device_endpoint = _url(data, "device_authorization_endpoint", _WHAT)
    if authorization_endpoint is None and device_endpoint is None:
        raise OAuthError(f"The {_WHAT} has no authorization_endpoint.")
    return OAuthConfig(
        issuer=issuer,
        authorization_endpoint=authorization_endpoint,
        token_endpoint=_required_url(data, "token_endpoint", _WHAT),
        device_authorization_endpoint=device_endpoint,
        registration_endpoint=_url(data, "registration_endpoint", _WHAT),
        revocation_endpoint=_url(data, "revocation_endpoint", _WHAT),
        introspection_endpoint=_url(data, "introspection_endpoint", _WHAT),
        jwks_uri=_url(data, "jwks_uri", _WHAT),
        scopes_supported=_strings(data, "scopes_supported", _WHAT),
        response_types_supported=_strings(data, "response_types_supported", _WHAT),
        grant_types_supported=_strings(data, "grant_types_supported", _WHAT),
        code_challenge_methods_supported=_strings(data, "code_challenge_methods_supported", _WHAT),
        token_endpoint_auth_methods_supported=_strings(
            data, "token_endpoint_auth_methods_supported", _WHAT
        ),
        authorization_response_iss_parameter_supported=iss_supported,
    )


def parse_protected_resource_metadata(reply: Reply, *, resource: str) -> ProtectedResourceMetadata:
    """Validate an RFC 9728 metadata response.

    Args:
        reply: The response from `<origin>/.well-known/oauth-protected-resource`.
        resource: The resource identifier that was discovered; the document must name exactly
            it (RFC 9728 §3.3).

    Raises:
        OAuthError: A non-2xx status, or a malformed document.
    """
    what = "protected-resource document"
    data = _document(reply, what, endpoint="protected-resource endpoint")
    if data.get("resource") != resource:
        raise OAuthError(f"The {what}'s resource does not match {resource!r}; refusing it.")
    servers = _strings(data, "authorization_servers", what)
    for server in servers:
        ok = True
        try:
            check_endpoint(server, "authorization_servers", allow_query=False)
        except UsageError:
            ok = False
        if not ok:
            raise OAuthError(f"The {what} lists an authorization server that is not https.")
    return ProtectedResourceMetadata(
        resource=resource,
        authorization_servers=servers,
        scopes_supported=_strings(data, "scopes_supported", what),
        bearer_methods_supported=_strings(data, "bearer_methods_supported", what),
        resource_name=_string(data, "resource_name", what),
        resource_documentation=_url(data, "resource_documentation", what),
    )
