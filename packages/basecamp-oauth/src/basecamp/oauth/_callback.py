"""The authorization redirect, sans I/O: checking the query the browser brings back."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from basecamp import BasecampError

from ._errors import OAuthError, OAuthRejectedError
from ._http import safe_error_code

__all__ = ["FAILURE_PAGE", "SUCCESS_PAGE", "parse_callback"]

# Static pages: nothing from the request is reflected, so there is nothing to escape.
SUCCESS_PAGE = (
    b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Signed in</title></head>"
    b"<body><h1>You're signed in</h1><p>You can close this tab and return to the app.</p>"
    b"</body></html>"
)
FAILURE_PAGE = (
    b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Sign-in failed</title>"
    b"</head><body><h1>Sign-in failed</h1><p>You can close this tab; the app has the details."
    b"</p></body></html>"
)


def parse_callback(
    query: str, *, state: str, issuer: str | None = None, require_iss: bool = False
) -> str | BasecampError:
    """Check a redirect's query string and return its authorization code, or the error.

    Args:
        query: The raw query string of the redirect request.
        state: The `state` sent in the authorization URL; compared in constant time.
        issuer: The expected `iss` (RFC 9207), checked whenever the redirect carries one.
        require_iss: Whether `iss` must be present (the server advertised
            `authorization_response_iss_parameter_supported`).

    Returns:
        The code, or the error to raise (returned, so the caller can answer the browser first).
    """
    params = parse_qs(query, keep_blank_values=True)
    if any(len(values) > 1 for values in params.values()):
        return OAuthError("The redirect repeats a parameter; refusing it.")
    flat = {key: values[0] for key, values in params.items()}
    received = flat.get("state", "")
    if not hmac.compare_digest(received.encode(), state.encode()):
        return OAuthError(
            "The redirect's state does not match the one we sent; refusing it (possible CSRF)."
        )
    iss = flat.get("iss")
    if (iss is None and require_iss) or (iss is not None and issuer is not None and iss != issuer):
        return OAuthError("The redirect's iss does not match the authorization server (RFC 9207).")
    if "error" in flat:
        code = safe_error_code(flat["error"])
        label = f" ({code})" if code else ""
        if code == "access_denied":
            return OAuthRejectedError(
                f"The user declined the authorization request{label}.", error_code=code
            )
        return OAuthError(
            f"The authorization server answered with an error{label}.", error_code=code
        )
    code_value = flat.get("code")
    if not code_value:
        return OAuthError("The redirect carries no authorization code.")
    return code_value
