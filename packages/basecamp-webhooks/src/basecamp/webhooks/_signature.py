"""HMAC-SHA256 signatures of webhook bodies."""

from __future__ import annotations

import hmac

__all__ = ["SIGNATURE_HEADER", "compute_signature", "verify_signature"]

SIGNATURE_HEADER = "X-Basecamp-Signature"
"""The default request header that carries the signature."""

# Length of a lowercase hex SHA-256 digest; anything else can be rejected before hashing.
_HEX_DIGEST_LENGTH = 64

# Bound once: attribute lookups on a hot path are measurable against the bare-hmac benchmark.
_digest = hmac.digest
_compare = hmac.compare_digest


def compute_signature(payload: bytes, secret: str) -> str:
    """Sign a webhook body the way Basecamp does.

    Args:
        payload: The raw request body, exactly as received (before any JSON decoding).
        secret: The webhook secret. It is encoded as UTF-8 to form the HMAC key.

    Returns:
        The lowercase hex HMAC-SHA256 of `payload` keyed by `secret` (64 characters).

    Raises:
        ValueError: If `secret` is empty (such a signature could never pass
            `verify_signature`).
    """
    if not secret:
        raise ValueError("secret must be a non-empty string")
    return _digest(secret.encode(), payload, "sha256").hex()


def verify_signature(payload: bytes, secret: str, signature: str) -> bool:
    """Check a signature against a body in constant time.

    Only the exact lowercase hex form produced by `compute_signature` is accepted. Junk input of
    the right types (an empty secret or signature, non-hex or non-ASCII text, the wrong length)
    returns `False`; this function never raises for it.

    Args:
        payload: The raw request body, exactly as received.
        secret: The webhook secret.
        signature: The value of the signature header.

    Returns:
        `True` when `signature` is the HMAC-SHA256 of `payload` under `secret`.
    """
    # The length check leaks nothing: every valid signature has the same, public length.
    if not secret or len(signature) != _HEX_DIGEST_LENGTH or not signature.isascii():
        return False
    try:
        key = secret.encode()
    except UnicodeEncodeError:  # lone surrogates cannot be a real secret
        return False
    return _compare(_digest(key, payload, "sha256").hex(), signature)


def _verify_with_key(payload: bytes, key: bytes, signature: str) -> bool:
    """Like `verify_signature`, with the secret already encoded once by the receiver."""
    if len(signature) != _HEX_DIGEST_LENGTH or not signature.isascii():
        return False
    return _compare(_digest(key, payload, "sha256").hex(), signature)
