"""Resource-first discovery (RFC 9728 -> RFC 8414), the issuer-origin check, RFC 8707 resource
indicators and device-only servers, against a scripted authorization server on 127.0.0.1."""

from __future__ import annotations

from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from basecamp import UsageError
from basecamp.oauth import (
    LAUNCHPAD_BASE_URL,
    Discovery,
    OAuthConfig,
    OAuthError,
    build_authorization_url,
)

PRM = "/.well-known/oauth-protected-resource"
ASM = "/.well-known/oauth-authorization-server"


class _Reroute:
    """Sends Launchpad's requests to the scripted server (so the fallback stays on loopback)."""

    def __init__(self, base_url: str) -> None:
        self.base = httpx.URL(base_url)

    def rewrite(self, request: httpx.Request) -> httpx.Request:
        if request.url.host == urlsplit(LAUNCHPAD_BASE_URL).hostname:
            url = request.url.copy_with(
                scheme=self.base.scheme, host=self.base.host, port=self.base.port
            )
            request = httpx.Request(request.method, url, headers=request.headers)
        return request


class Reroute(_Reroute, httpx.BaseTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(self.rewrite(request))


class AsyncReroute(_Reroute, httpx.AsyncBaseTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(self.rewrite(request))


def _reroute(shell, scripted) -> Any:
    return Reroute(scripted.base_url) if shell.name == "sync" else AsyncReroute(scripted.base_url)


def _serve_issuer(kit: ModuleType, scripted, issuer: str, **overrides: object) -> None:
    path = urlsplit(issuer).path.rstrip("/")
    scripted.route("GET", f"{ASM}{path}", kit.json_reply(200, kit.metadata(issuer, **overrides)))


def _resource_doc(resource: str, servers: list[str], **extra: object) -> dict[str, object]:
    return {"resource": resource, "authorization_servers": servers, **extra}


def test_resource_first_picks_the_only_server(shell, kit: ModuleType, scripted) -> None:
    resource = scripted.base_url
    issuer = f"{scripted.base_url}/as"
    scripted.route("GET", PRM, kit.json_reply(200, _resource_doc(resource, [issuer])))
    _serve_issuer(kit, scripted, issuer)
    found = shell("discover_from_resource", resource=resource)
    assert isinstance(found, Discovery)
    assert found.source == "protected_resource"
    assert found.fallback_reason is None
    assert found.resource is not None and found.resource.authorization_servers == (issuer,)
    assert found.config.issuer == issuer
    assert found.config.token_endpoint == f"{issuer}/oauth/token"
    assert [s.path for s in scripted.seen] == [PRM, f"{ASM}/as"]


def test_several_servers_need_a_choice(shell, kit: ModuleType, scripted) -> None:
    resource = scripted.base_url
    one, two = f"{scripted.base_url}/one", f"{scripted.base_url}/two"
    scripted.route("GET", PRM, kit.json_reply(200, _resource_doc(resource, [one, two])))
    _serve_issuer(kit, scripted, two)
    with pytest.raises(UsageError, match="2 authorization servers") as info:
        shell("discover_from_resource", resource=resource)
    assert one in str(info.value) and "authorization_server=" in str(info.value)
    assert [s.path for s in scripted.seen] == [PRM]  # nothing guessed
    found = shell("discover_from_resource", resource=resource, authorization_server=two)
    assert found.config.issuer == two
    with pytest.raises(UsageError, match="not one of"):
        shell(
            "discover_from_resource",
            resource=resource,
            authorization_server=f"{scripted.base_url}/three",
        )


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("404", "publishes no protected-resource metadata (HTTP 404)"),
        ("410", "publishes no protected-resource metadata (HTTP 410)"),
        ("empty", "names no authorization server"),
    ],
)
def test_falls_back_to_launchpad(
    shell, kit: ModuleType, scripted, answer: str, reason: str
) -> None:
    resource = scripted.base_url
    if answer == "empty":
        scripted.route("GET", PRM, kit.json_reply(200, _resource_doc(resource, [])))
    else:
        scripted.route("GET", PRM, kit.json_reply(int(answer), {"error": "gone"}))
    launchpad_doc = kit.metadata(
        LAUNCHPAD_BASE_URL,
        authorization_endpoint=f"{LAUNCHPAD_BASE_URL}/authorization/new",
        token_endpoint=f"{LAUNCHPAD_BASE_URL}/authorization/token",
        device_authorization_endpoint=None,
        registration_endpoint=None,
    )
    scripted.route("GET", ASM, kit.json_reply(200, launchpad_doc))
    found = shell("discover_from_resource", resource=resource, transport=_reroute(shell, scripted))
    assert found.source == "launchpad"
    assert reason in found.fallback_reason
    assert found.config.issuer == LAUNCHPAD_BASE_URL
    assert (found.resource is None) is (answer != "empty")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"resource": "https://evil.example", "authorization_servers": []}, "does not match"),
        ({"resource": "@", "authorization_servers": ["http://evil.example"]}, "not https"),
        ({"resource": "@", "authorization_servers": "one"}, "not a list"),
    ],
)
def test_tampered_resource_documents_are_refused(
    shell, kit: ModuleType, scripted, document: dict[str, object], message: str
) -> None:
    resource = scripted.base_url
    doc = {k: (resource if v == "@" else v) for k, v in document.items()}
    scripted.route("GET", PRM, kit.json_reply(200, doc))
    with pytest.raises(OAuthError, match=message):
        shell("discover_from_resource", resource=resource)
    assert [s.path for s in scripted.seen] == [PRM]  # no fallback papers over a tampered one


def test_a_failing_resource_is_an_error_not_a_fallback(shell, kit: ModuleType, scripted) -> None:
    scripted.route("GET", PRM, kit.json_reply(503, {"error": "temporarily_unavailable"}))
    with pytest.raises(OAuthError) as info:
        shell("discover_from_resource", resource=scripted.base_url)
    assert info.value.http_status == 503 and info.value.retryable


@pytest.mark.parametrize(
    "key",
    [
        "token_endpoint",
        "authorization_endpoint",
        "device_authorization_endpoint",
        "registration_endpoint",
    ],
)
def test_endpoints_off_the_issuers_origin_are_refused(
    shell, kit: ModuleType, scripted, key: str
) -> None:
    issuer = scripted.base_url
    elsewhere = "https://collector.example.net/steal"
    _serve_issuer(kit, scripted, issuer, **{key: elsewhere})
    with pytest.raises(OAuthError, match=f"{key} is not on the issuer's origin"):
        shell("discover", issuer)
    config = shell("discover", issuer, allowed_origins=["https://collector.example.net"])
    assert getattr(config, key) == elsewhere


def test_tampered_server_documents_reached_from_a_resource_are_refused(
    shell, kit: ModuleType, scripted
) -> None:
    resource = scripted.base_url
    issuer = f"{scripted.base_url}/as"
    scripted.route("GET", PRM, kit.json_reply(200, _resource_doc(resource, [issuer])))
    _serve_issuer(kit, scripted, issuer, token_endpoint="https://evil.example/token")
    with pytest.raises(OAuthError, match="not on the issuer's origin"):
        shell("discover_from_resource", resource=resource)
    doc = kit.metadata("https://evil.example")
    scripted.route("GET", f"{ASM}/as", kit.json_reply(200, doc))
    with pytest.raises(OAuthError, match="issuer does not match"):
        shell("discover_from_resource", resource=resource)


def test_allowed_origins_must_be_origins(shell, scripted) -> None:
    for bad in (["https://a.example/path"], ["http://a.example"], "https://a.example"):
        with pytest.raises(UsageError):
            shell("discover", scripted.base_url, allowed_origins=bad)


def test_a_device_only_server(shell, kit: ModuleType, scripted) -> None:
    issuer = scripted.base_url
    _serve_issuer(kit, scripted, issuer, authorization_endpoint=None)
    config = shell("discover", issuer)
    assert config.authorization_endpoint is None
    assert config.device_authorization_endpoint == f"{issuer}/oauth/device"
    with pytest.raises(UsageError, match="device flow"):
        build_authorization_url(
            endpoint=config.authorization_endpoint,
            client_id=kit.CLIENT_ID,
            redirect_uri=kit.REDIRECT_URI,
            state="s",
        )
    with pytest.raises(UsageError, match="run_device_flow"):
        shell("run_local_flow", client_id=kit.CLIENT_ID, config=config, open_browser=None)


def test_resource_indicators_on_url_exchange_and_refresh(shell, kit: ModuleType, scripted) -> None:
    api = ["https://3.basecampapi.com", "https://storage.example.com"]
    url = build_authorization_url(
        endpoint=f"{scripted.base_url}/oauth/authorize",
        client_id=kit.CLIENT_ID,
        redirect_uri=kit.REDIRECT_URI,
        state="s",
        resource=api,
    )
    assert parse_qs(urlsplit(url).query)["resource"] == api
    scripted.route("POST", "/oauth/token", kit.json_reply(200, kit.token_body()))
    token_url = f"{scripted.base_url}/oauth/token"
    shell(
        "exchange_code",
        token_endpoint=token_url,
        code=kit.CODE,
        redirect_uri=kit.REDIRECT_URI,
        client_id=kit.CLIENT_ID,
        resource=api,
    )
    shell(
        "refresh_token",
        token_endpoint=token_url,
        refresh_tok=kit.REFRESH,
        client_id=kit.CLIENT_ID,
        resource=api[0],
    )
    exchange, refresh = scripted.requests("/oauth/token")
    assert exchange.form["resource"] == api
    assert exchange.form["grant_type"] == ["authorization_code"]
    assert refresh.form["resource"] == [api[0]]
    assert refresh.form["grant_type"] == ["refresh_token"]
    with pytest.raises(UsageError, match="resource"):
        shell(
            "refresh_token",
            token_endpoint=token_url,
            refresh_tok=kit.REFRESH,
            client_id=kit.CLIENT_ID,
            resource="not a uri",
        )


def test_a_provider_refreshes_with_its_resource(kit: ModuleType, scripted) -> None:
    from basecamp.oauth import OAuthToken

    scripted.route("POST", "/oauth/token", kit.json_reply(200, {"access_token": kit.NEW_ACCESS}))
    token = OAuthToken(access_token=kit.ACCESS, refresh_token=kit.REFRESH, expires_in=1)
    provider = token.provider(
        client_id=kit.CLIENT_ID,
        token_endpoint=f"{scripted.base_url}/oauth/token",
        resource="https://3.basecampapi.com",
    )
    assert provider.access_token() == kit.NEW_ACCESS
    (sent,) = scripted.requests("/oauth/token")
    assert sent.form["resource"] == ["https://3.basecampapi.com"]


def test_config_accepts_a_device_only_server() -> None:
    config = OAuthConfig(issuer="https://a.example", token_endpoint="https://a.example/t")
    assert config.authorization_endpoint is None
