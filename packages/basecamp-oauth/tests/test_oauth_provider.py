"""Plugging an `OAuthToken` into core: `token.provider()` and `token.async_provider()`."""

from __future__ import annotations

import time
from types import ModuleType
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from basecamp import (
    AsyncClient,
    AsyncOAuthTokenProvider,
    AuthError,
    Client,
    OAuthTokenProvider,
    UsageError,
)
from basecamp.oauth import OAuthConfig, OAuthRejectedError, OAuthToken

API = "https://3.basecampapi.com/12345/projects.json"
LAUNCHPAD_TOKEN = "https://launchpad.37signals.com/authorization/token"


def _config(kit: ModuleType) -> OAuthConfig:
    return OAuthConfig(
        issuer=kit.ISSUER, authorization_endpoint=kit.AUTHORIZE_URL, token_endpoint=kit.TOKEN_URL
    )


def _expired(kit: ModuleType) -> OAuthToken:
    return OAuthToken(
        access_token=kit.ACCESS,
        refresh_token=kit.REFRESH,
        expires_at=time.time() - 10,
        scope="read",
    )


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


@respx.mock
def test_sync_provider_refreshes_at_the_discovered_endpoint(kit: ModuleType) -> None:
    token_route = respx.post(kit.TOKEN_URL).respond(
        json={"access_token": kit.NEW_ACCESS, "refresh_token": kit.NEW_REFRESH, "expires_in": 60}
    )
    api = respx.get(API).respond(json=[{"id": 1}])
    saved: list[OAuthToken] = []
    provider = _expired(kit).provider(
        client_id=kit.CLIENT_ID,
        client_secret=kit.CLIENT_SECRET,
        config=_config(kit),
        on_refresh=saved.append,
    )
    assert isinstance(provider, OAuthTokenProvider)
    assert kit.ACCESS not in repr(provider)
    with Client(token_provider=provider) as client:
        assert client.for_account(12345).get("/projects.json") == [{"id": 1}]
    assert api.calls.last.request.headers["authorization"] == f"Bearer {kit.NEW_ACCESS}"
    assert _form(token_route.calls.last.request) == {
        "grant_type": "refresh_token",
        "refresh_token": kit.REFRESH,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
    }
    [new] = saved
    assert (new.access_token, new.refresh_token, new.scope) == (
        kit.NEW_ACCESS,
        kit.NEW_REFRESH,
        "read",
    )
    assert new.expires_at is not None
    assert not new.is_expired()


@respx.mock
async def test_async_provider_refreshes_after_a_401(kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).respond(json={"access_token": kit.NEW_ACCESS})
    api = respx.get(API).mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json={"ok": True})]
    )
    saved: list[OAuthToken] = []
    token = OAuthToken(access_token=kit.ACCESS, refresh_token=kit.REFRESH, expires_in=3600)
    provider = token.async_provider(
        client_id=kit.CLIENT_ID,
        client_secret=kit.CLIENT_SECRET,
        config=_config(kit),
        on_refresh=saved.append,
    )
    assert isinstance(provider, AsyncOAuthTokenProvider)
    async with AsyncClient(token_provider=provider) as client:
        assert await client.for_account(12345).get("/projects.json") == {"ok": True}
    first, second = (call.request.headers["authorization"] for call in api.calls)
    assert (first, second) == (f"Bearer {kit.ACCESS}", f"Bearer {kit.NEW_ACCESS}")
    # No new refresh token in the response: the old one is kept.
    assert saved[0].refresh_token == kit.REFRESH


@respx.mock
def test_legacy_format_and_explicit_endpoint(kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(json={"access_token": kit.NEW_ACCESS})
    provider = _expired(kit).provider(
        client_id=kit.CLIENT_ID, token_endpoint=kit.TOKEN_URL, use_legacy_format=True
    )
    assert provider.access_token() == kit.NEW_ACCESS
    form = _form(route.calls.last.request)
    assert form["type"] == "refresh"
    assert "grant_type" not in form


@respx.mock
def test_default_endpoint_is_launchpad_with_its_legacy_format(kit: ModuleType) -> None:
    route = respx.post(LAUNCHPAD_TOKEN).respond(json={"access_token": kit.NEW_ACCESS})
    assert _expired(kit).provider(client_id=kit.CLIENT_ID).access_token() == kit.NEW_ACCESS
    form = _form(route.calls.last.request)
    assert form["type"] == "refresh"
    assert "grant_type" not in form


@respx.mock
def test_other_endpoints_default_to_the_standard_format(kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(json={"access_token": kit.NEW_ACCESS})
    provider = _expired(kit).provider(client_id=kit.CLIENT_ID, token_endpoint=kit.TOKEN_URL)
    assert provider.access_token() == kit.NEW_ACCESS
    assert _form(route.calls.last.request)["grant_type"] == "refresh_token"


def test_transport_is_passed_through(kit: ModuleType) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"access_token": kit.NEW_ACCESS})

    provider = _expired(kit).provider(
        client_id=kit.CLIENT_ID, config=_config(kit), transport=httpx.MockTransport(handler)
    )
    assert provider.access_token() == kit.NEW_ACCESS
    assert seen == [kit.TOKEN_URL]


@respx.mock
def test_rejected_refresh_is_an_auth_error(kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).respond(400, json={"error": "invalid_grant"})
    provider = _expired(kit).provider(client_id=kit.CLIENT_ID, config=_config(kit))
    with pytest.raises(AuthError) as info:
        provider.access_token()
    assert not isinstance(info.value, OAuthRejectedError)  # core raises its own AuthError
    kit.assert_no_secrets(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"token_endpoint": "http://auth.example.com/token"},
        {"token_endpoint": "https://auth.example.com/token", "config": "config"},
        {"config": {"token_endpoint": "https://x"}},
    ],
)
def test_provider_argument_errors(kit: ModuleType, kwargs: dict[str, object]) -> None:
    if kwargs.get("config") == "config":
        kwargs["config"] = _config(kit)
    token = _expired(kit)
    with pytest.raises(UsageError):
        token.provider(client_id=kit.CLIENT_ID, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        token.async_provider(client_id=kit.CLIENT_ID, **kwargs)  # type: ignore[arg-type]
