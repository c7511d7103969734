"""URL rules, sans I/O: which endpoints we talk to, well-known locations, authorization URLs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from basecamp import UsageError
from basecamp._transport_api import is_loopback_host, resource_values

if TYPE_CHECKING:
    from ._pkce import PKCE

__all__ = [
    "LAUNCHPAD_BASE_URL",
    "build_authorization_url",
    "check_endpoint",
    "check_redirect_uri",
    "check_text",
    "join_scope",
    "well_known_url",
]

LAUNCHPAD_BASE_URL = "https://launchpad.37signals.com"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s")


def check_text(value: object, name: str) -> str:
    """A non-empty string without control characters; never echoed (it may be secret)."""
    if not isinstance(value, str) or not value:
        raise UsageError(f"{name} must be a non-empty string.")
    if _CONTROL.search(value):
        raise UsageError(f"{name} must not contain control characters.")
    return value


def _split(value: object, name: str) -> tuple[str, str, str, str, str, str | None]:
    """Split a URL into (scheme, netloc, path, query, fragment, host), or raise `UsageError`.

    The URL itself is left out of messages: an endpoint's query may carry credentials.
    """
    text = check_text(value, name)
    if _WHITESPACE.search(text):
        raise UsageError(f"{name} must not contain whitespace.")
    parts = urlsplit(text)
    try:
        host = parts.hostname
        _ = parts.port  # an out-of-range or non-numeric port raises here
        valid = True
    except ValueError:
        host, valid = None, False
    if not valid:
        raise UsageError(f"{name} has an invalid port.")
    return parts.scheme.lower(), parts.netloc, parts.path, parts.query, parts.fragment, host


def check_endpoint(value: object, name: str, *, allow_query: bool = True) -> str:
    """Validate an endpoint we will send requests (and secrets) to.

    It must be an absolute `https` URL, or plain `http` to a loopback host (`localhost`,
    `127.0.0.1`, `::1`) for local development and tests; with no credentials in it and no
    fragment.

    Args:
        value: The URL.
        name: The argument's name, for messages.
        allow_query: Whether a query string is acceptable (issuer identifiers have none).

    Returns:
        The URL, unchanged.

    Raises:
        UsageError: The URL breaks one of the rules.
    """
    scheme, netloc, _path, query, fragment, host = _split(value, name)
    if scheme not in ("https", "http") or not host:
        raise UsageError(f"{name} must be an absolute https URL.")
    if scheme == "http" and not is_loopback_host(host):
        raise UsageError(
            f"{name} must use https (plain http is allowed only for localhost, 127.0.0.1 and ::1)."
        )
    if "@" in netloc:
        raise UsageError(f"{name} must not carry credentials in the URL.")
    if fragment or (isinstance(value, str) and value.endswith("#")):
        raise UsageError(f"{name} must not have a fragment.")
    if query and not allow_query:
        raise UsageError(f"{name} must not have a query string.")
    assert isinstance(value, str)
    return value


def check_redirect_uri(value: object, name: str = "redirect_uri") -> str:
    """Validate a redirect URI (RFC 6749 §3.1.2, RFC 8252).

    Absolute, without a fragment; `http` only to a loopback host. Private-use schemes such as
    `com.example.app:/callback` are accepted for native apps.

    Raises:
        UsageError: The URI breaks one of the rules.
    """
    scheme, netloc, _path, _query, fragment, host = _split(value, name)
    if not scheme:
        raise UsageError(f"{name} must be an absolute URI.")
    if fragment or (isinstance(value, str) and value.endswith("#")):
        raise UsageError(f"{name} must not have a fragment.")
    if "@" in netloc:
        raise UsageError(f"{name} must not carry credentials.")
    if scheme in ("http", "https") and not host:
        raise UsageError(f"{name} must name a host.")
    if scheme == "http" and not is_loopback_host(host):
        raise UsageError(f"{name} may use plain http only for a loopback host.")
    assert isinstance(value, str)
    return value


def join_scope(scope: str | Sequence[str] | None) -> str | None:
    """Turn a scope string or a list of scope tokens into the space-separated form."""
    if scope is None:
        return None
    if isinstance(scope, str):
        tokens = scope.split()
    elif isinstance(scope, Sequence):
        tokens = [check_text(token, "each scope token") for token in scope]
        if any(_WHITESPACE.search(token) for token in tokens):
            raise UsageError("each scope token must be free of whitespace.")
    else:
        raise UsageError("scope must be a string or a sequence of strings.")
    return " ".join(tokens) or None


def well_known_url(identifier: str, suffix: str, *, name: str) -> str:
    """Where an identifier's metadata lives: `/.well-known/<suffix>` inserted before its path.

    RFC 8414 §3.1 and RFC 9728 §3.1: `https://a.example/tenant` is described at
    `https://a.example/.well-known/<suffix>/tenant`; a trailing `/` is dropped first.

    Raises:
        UsageError: `identifier` is not an https (or loopback) URL without query or fragment.
    """
    check_endpoint(identifier, name, allow_query=False)
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{suffix}{path}", "", ""))


def build_authorization_url(
    *,
    endpoint: str | None,
    client_id: str,
    redirect_uri: str,
    state: str,
    pkce: PKCE | None = None,
    scope: str | Sequence[str] | None = None,
    resource: str | Sequence[str] | None = None,
    use_legacy_format: bool = False,
) -> str:
    """Build the URL to send the user's browser to (RFC 6749 §4.1.1, RFC 7636 §4.3).

    Every value is percent-encoded; a query string already on `endpoint` is kept.

    Args:
        endpoint: The authorization endpoint, e.g. `OAuthConfig.authorization_endpoint`.
        client_id: Your app's client id.
        redirect_uri: Where the server sends the user back; must match the registered one.
        state: An unguessable value from `generate_state()`; check it on the way back.
        pkce: The `PKCE` pair from `generate_pkce()`; its challenge goes in the URL.
        scope: A space-separated string or a list of scope tokens.
        resource: RFC 8707 resource indicator(s): the API(s) the token is for.
        use_legacy_format: Send Launchpad's legacy `type=web_server` instead of
            `response_type=code`.

    Returns:
        The full authorization URL.

    Raises:
        UsageError: An argument is missing or malformed, `endpoint` is `None` (a server that
            offers only the device flow), or `endpoint` already sets one of the parameters this
            function adds.

    Example:
        ```python
        from basecamp.oauth import build_authorization_url, generate_pkce, generate_state

        url = build_authorization_url(
            endpoint="https://launchpad.37signals.com/authorization/new",
            client_id="my-client-id",
            redirect_uri="https://myapp.example/callback",
            state=generate_state(),
            pkce=generate_pkce(),
        )
        ```
    """
    if endpoint is None:
        raise UsageError(
            "This authorization server has no authorization endpoint (it offers only the "
            "device flow): use run_device_flow()."
        )
    check_endpoint(endpoint, "endpoint")
    params: list[tuple[str, str]] = [
        ("type", "web_server") if use_legacy_format else ("response_type", "code"),
        ("client_id", check_text(client_id, "client_id")),
        ("redirect_uri", check_redirect_uri(redirect_uri)),
        ("state", check_text(state, "state")),
    ]
    joined = join_scope(scope)
    if joined:
        params.append(("scope", joined))
    if pkce is not None:
        # Imported here: discovery and token requests need these URL rules, not `secrets`
        # and `hashlib`.
        from ._pkce import PKCE

        if not isinstance(pkce, PKCE):
            raise UsageError("pkce must be a PKCE from generate_pkce().")
        params += [("code_challenge", pkce.challenge), ("code_challenge_method", pkce.method)]
    params += [("resource", value) for value in resource_values(resource)]
    parts = urlsplit(endpoint)
    existing = parse_qsl(parts.query, keep_blank_values=True)
    clash = {key for key, _ in existing} & {key for key, _ in params}
    if clash:
        raise UsageError(f"endpoint already has the parameter(s) {', '.join(sorted(clash))}.")
    query = urlencode([*existing, *params], quote_via=quote)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
