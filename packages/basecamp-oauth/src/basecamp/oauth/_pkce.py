"""PKCE (RFC 7636) and `state` values: pure functions over `secrets` and `hashlib`."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from basecamp import UsageError

__all__ = ["PKCE", "challenge_for", "generate_pkce", "generate_state"]

# RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def challenge_for(verifier: str) -> str:
    """The S256 challenge of a verifier: base64url(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True, repr=False)
class PKCE:
    """A PKCE verifier and its S256 challenge.

    Keep `verifier` secret (server-side session, or in memory for a CLI) and send it with
    `exchange_code(code_verifier=...)`; `challenge` goes in the authorization URL.

    Attributes:
        verifier: 86 characters of base64url from `secrets`; it proves you started the flow.
        challenge: `base64url(SHA-256(verifier))`, without padding.
        method: Always `"S256"` (the `plain` method is not offered).
    """

    verifier: str
    challenge: str
    method: Literal["S256"] = "S256"

    def __post_init__(self) -> None:
        if not isinstance(self.verifier, str) or not _VERIFIER.fullmatch(self.verifier):
            raise UsageError("PKCE verifier must be 43-128 characters of [A-Za-z0-9-._~].")
        if self.method != "S256" or self.challenge != challenge_for(self.verifier):
            raise UsageError("PKCE challenge must be the S256 challenge of the verifier.")

    def __repr__(self) -> str:
        return f"PKCE(verifier=<redacted>, challenge={self.challenge!r}, method={self.method!r})"


def generate_pkce() -> PKCE:
    """Make a fresh PKCE pair (RFC 7636).

    Returns:
        A `PKCE` with a 64-byte random verifier (86 base64url characters, no padding).
    """
    verifier = secrets.token_urlsafe(64)
    return PKCE(verifier=verifier, challenge=challenge_for(verifier))


def generate_state() -> str:
    """Make an unguessable `state` value: 256 random bits as 43 base64url characters."""
    return secrets.token_urlsafe(32)
