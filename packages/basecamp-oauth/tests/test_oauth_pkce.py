"""PKCE pairs and state values (RFC 7636)."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basecamp import UsageError
from basecamp.oauth import PKCE, generate_pkce, generate_state
from basecamp.oauth._pkce import challenge_for

BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def test_rfc7636_appendix_b_vector() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_for(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert PKCE(verifier=verifier, challenge=challenge_for(verifier)).method == "S256"


def test_generate_pkce_is_base64url_without_padding() -> None:
    pkce = generate_pkce()
    assert 43 <= len(pkce.verifier) <= 128
    assert BASE64URL.fullmatch(pkce.verifier)
    assert BASE64URL.fullmatch(pkce.challenge)
    assert "=" not in pkce.verifier + pkce.challenge
    assert pkce.challenge == challenge_for(pkce.verifier)
    assert pkce.method == "S256"


def test_generate_pkce_is_random_and_frozen() -> None:
    pairs = {generate_pkce().verifier for _ in range(50)}
    assert len(pairs) == 50
    pkce = generate_pkce()
    with pytest.raises(FrozenInstanceError):
        pkce.verifier = "x"  # type: ignore[misc]


def test_pkce_repr_hides_the_verifier() -> None:
    pkce = generate_pkce()
    assert pkce.verifier not in repr(pkce)
    assert pkce.verifier not in str(pkce)
    assert pkce.challenge in repr(pkce)


@pytest.mark.parametrize("verifier", ["short", "a" * 129, "a" * 42 + "!", ""])
def test_pkce_rejects_bad_verifiers(verifier: str) -> None:
    with pytest.raises(UsageError) as info:
        PKCE(verifier=verifier, challenge="x")
    assert verifier not in str(info.value) or not verifier


def test_pkce_rejects_a_mismatched_challenge() -> None:
    with pytest.raises(UsageError):
        PKCE(verifier="a" * 43, challenge=challenge_for("b" * 43))


def test_generate_state_has_at_least_128_bits() -> None:
    states = {generate_state() for _ in range(50)}
    assert len(states) == 50
    for state in states:
        assert BASE64URL.fullmatch(state)
        assert len(state) * 6 >= 128


@given(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
        min_size=43,
        max_size=128,
    )
)
def test_any_valid_verifier_builds(verifier: str) -> None:
    pkce = PKCE(verifier=verifier, challenge=challenge_for(verifier))
    assert len(pkce.challenge) == 43
