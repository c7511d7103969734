"""The OAuth half of the public contract: discovery, PKCE, the authorization URL, exchange, refresh,
the legacy format and token expiry, each run as its example writes it against a Launchpad stub."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from basecamp.oauth import (
    OAuthToken,
    build_authorization_url,
    discover_launchpad,
    exchange_code,
    generate_pkce,
    generate_state,
    refresh_token,
)

from .conftest import CLIENT_SECRET, ISSUED_ACCESS, ISSUED_REFRESH, LAUNCHPAD, World


def test_discovery_pkce_url_exchange_and_refresh(world: World) -> None:
    config = discover_launchpad()
    assert config.authorization_endpoint == f"{LAUNCHPAD}/authorization/new"
    assert config.token_endpoint == f"{LAUNCHPAD}/authorization/token"

    pkce = generate_pkce()
    state = generate_state()
    url = build_authorization_url(
        endpoint=config.authorization_endpoint,
        client_id="your-client-id",
        redirect_uri="https://yourapp.com/callback",
        state=state,
        pkce=pkce,
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(config.authorization_endpoint + "?")
    assert query["client_id"] == "your-client-id"
    assert query["redirect_uri"] == "https://yourapp.com/callback"
    assert query["state"] == state
    assert query["code_challenge"] == pkce.challenge
    assert query["code_challenge_method"] == "S256"

    token = exchange_code(
        token_endpoint=config.token_endpoint,
        code="authorization-code-from-callback",
        redirect_uri="https://yourapp.com/callback",
        client_id="your-client-id",
        client_secret=CLIENT_SECRET,
        code_verifier=pkce.verifier,
    )
    assert token.access_token == f"{ISSUED_ACCESS}-1"
    assert token.refresh_token == f"{ISSUED_REFRESH}-1"
    assert token.expires_at is not None and token.expires_at > time.time()
    sent = world.launchpad.token_forms[0]
    assert sent["grant_type"] == "authorization_code"
    assert sent["code_verifier"] == pkce.verifier

    assert token.refresh_token is not None
    new_token = refresh_token(
        token_endpoint=config.token_endpoint,
        refresh_tok=token.refresh_token,
        client_id="your-client-id",
        client_secret=CLIENT_SECRET,
    )
    assert new_token.access_token == f"{ISSUED_ACCESS}-2"
    assert world.launchpad.token_forms[1]["grant_type"] == "refresh_token"
    assert world.launchpad.token_forms[1]["refresh_token"] == f"{ISSUED_REFRESH}-1"


def test_launchpad_legacy_format(world: World) -> None:
    config = discover_launchpad()
    pkce = generate_pkce()
    code, redirect_uri, client_id, client_secret = (
        "legacy-code",
        "https://yourapp.com/callback",
        "your-client-id",
        CLIENT_SECRET,
    )
    token = exchange_code(
        token_endpoint=config.token_endpoint,
        code=code,
        redirect_uri=redirect_uri,
        client_id=client_id,
        client_secret=client_secret,
        code_verifier=pkce.verifier,
        use_legacy_format=True,
    )
    assert token.access_token == f"{ISSUED_ACCESS}-1"
    assert token.token_type == "Bearer"  # the legacy answer has none; the default stands
    sent = world.launchpad.token_forms[0]
    assert sent["type"] == "web_server"
    assert "grant_type" not in sent


def test_token_expiry() -> None:
    token = OAuthToken(access_token="...", expires_in=7200)
    assert token.is_expired() is False
    assert token.is_expired(buffer_seconds=60) is False
    assert token.is_expired(buffer_seconds=7300) is True
    soon = OAuthToken(access_token="...", expires_in=30)
    assert soon.is_expired(buffer_seconds=60) is True
