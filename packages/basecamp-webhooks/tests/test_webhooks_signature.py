"""compute_signature / verify_signature, including the hypothesis properties."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basecamp.webhooks import compute_signature, verify_signature

secrets = st.text(min_size=1, max_size=64)
payloads = st.binary(max_size=4096)


def test_compute_is_lowercase_hex_hmac_sha256_of_utf8_secret() -> None:
    body = b'{"id": 1}'
    expected = hmac.new("sécret".encode(), body, hashlib.sha256).hexdigest()
    assert compute_signature(body, "sécret") == expected
    assert expected == expected.lower()
    assert len(expected) == 64


def test_known_vector() -> None:
    # RFC 4231 test case 2.
    sig = compute_signature(b"what do ya want for nothing?", "Jefe")
    assert sig == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_compute_refuses_empty_secret() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        compute_signature(b"x", "")


def test_verify_accepts_good_signature() -> None:
    assert verify_signature(b"body", "s", compute_signature(b"body", "s")) is True


@pytest.mark.parametrize(
    ("secret", "signature"),
    [
        ("", "0" * 64),  # empty secret
        ("s", ""),  # empty signature
        ("s", "z" * 64),  # non-hex, right length
        ("s", "é" * 64),  # non-ASCII
        ("s", "\x00" * 64),
        ("s", "0" * 63),  # wrong length
        ("s", "0" * 65),
        ("s", " " + "0" * 63),
        ("\ud800", "0" * 64),  # lone surrogate secret cannot be UTF-8 encoded
    ],
)
def test_verify_returns_false_on_junk(secret: str, signature: str) -> None:
    assert verify_signature(b"body", secret, signature) is False


def test_verify_rejects_uppercase_hex() -> None:
    # Only the canonical form is accepted, so flipping the case bit of a hex letter fails too.
    sig = compute_signature(b"body", "s")
    assert sig.upper() != sig
    assert verify_signature(b"body", "s", sig.upper()) is False


def test_verify_wrong_secret_or_body() -> None:
    sig = compute_signature(b"body", "s")
    assert verify_signature(b"body", "t", sig) is False
    assert verify_signature(b"bodY", "s", sig) is False


@given(payload=payloads, secret=secrets)
def test_property_verify_of_compute_holds(payload: bytes, secret: str) -> None:
    assert verify_signature(payload, secret, compute_signature(payload, secret))


@given(payload=payloads.filter(bool), secret=secrets, data=st.data())
def test_property_single_bit_flip_in_body_fails(
    payload: bytes, secret: str, data: st.DataObject
) -> None:
    signature = compute_signature(payload, secret)
    bit = data.draw(st.integers(0, len(payload) * 8 - 1))
    flipped = bytearray(payload)
    flipped[bit // 8] ^= 1 << (bit % 8)
    assert not verify_signature(bytes(flipped), secret, signature)


@given(payload=payloads, secret=secrets, bit=st.integers(0, 64 * 8 - 1))
def test_property_single_bit_flip_in_signature_fails(payload: bytes, secret: str, bit: int) -> None:
    raw = bytearray(compute_signature(payload, secret).encode("ascii"))
    raw[bit // 8] ^= 1 << (bit % 8)
    assert not verify_signature(payload, secret, raw.decode("latin-1"))


@given(payload=payloads, secret=st.text(), signature=st.text())
def test_property_verify_never_raises_on_junk(payload: bytes, secret: str, signature: str) -> None:
    assert verify_signature(payload, secret, signature) in (True, False)
