"""Discovery: RFC 8414 authorization-server metadata and RFC 9728 resource metadata."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
import respx

from basecamp import NetworkError, UsageError
from basecamp.oauth import (
    LAUNCHPAD_BASE_URL,
    OAuthConfig,
    OAuthError,
    ProtectedResourceMetadata,
)

WELL_KNOWN = "https://auth.example.com/.well-known/oauth-authorization-server"


@respx.mock
def test_discover_returns_a_frozen_config(shell, kit: ModuleType) -> None:
    route = respx.get(WELL_KNOWN).respond(json=kit.metadata())
    config = shell("discover", kit.ISSUER)
    assert route.call_count == 1
    assert isinstance(config, OAuthConfig)
    assert config.issuer == kit.ISSUER
    assert config.authorization_endpoint == kit.AUTHORIZE_URL
    assert config.token_endpoint == kit.TOKEN_URL
    assert config.device_authorization_endpoint == kit.DEVICE_URL
    assert config.registration_endpoint == f"{kit.ISSUER}/oauth/register"
    assert config.scopes_supported == ("read", "write")
    assert config.code_challenge_methods_supported == ("S256",)
    assert config.revocation_endpoint is None
    assert config.authorization_response_iss_parameter_supported is False
    with pytest.raises(AttributeError):
        config.issuer = "x"  # type: ignore[misc]
    request = route.calls.last.request
    assert request.headers["accept"] == "application/json"
    assert request.headers["accept-encoding"] == "identity"


@respx.mock
def test_discover_launchpad(shell, kit: ModuleType) -> None:
    respx.get(f"{LAUNCHPAD_BASE_URL}/.well-known/oauth-authorization-server").respond(
        json=kit.metadata(LAUNCHPAD_BASE_URL)
    )
    config = shell("discover_launchpad")
    assert config.issuer == "https://launchpad.37signals.com"


@respx.mock
def test_issuer_with_a_path_uses_the_inserted_well_known(shell, kit: ModuleType) -> None:
    issuer = "https://auth.example.com/tenant/7"
    respx.get("https://auth.example.com/.well-known/oauth-authorization-server/tenant/7").respond(
        json=kit.metadata(issuer)
    )
    assert shell("discover", issuer).issuer == issuer


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"issuer": "https://evil.example.com"}, "issuer does not match"),
        ({"issuer": "https://auth.example.com/"}, "issuer does not match"),
        ({"issuer": None}, "issuer does not match"),
        ({"token_endpoint": None}, "no token_endpoint"),
        # A server with neither endpoint cannot sign anyone in (device-only servers are fine).
        (
            {"authorization_endpoint": None, "device_authorization_endpoint": None},
            "no authorization_endpoint",
        ),
        ({"token_endpoint": "http://auth.example.com/token"}, "token_endpoint is not an https"),
        ({"token_endpoint": 7}, "token_endpoint is not a non-empty string"),
        ({"device_authorization_endpoint": "ftp://x/y"}, "device_authorization_endpoint"),
        ({"scopes_supported": "read write"}, "scopes_supported is not a list"),
        ({"grant_types_supported": [1]}, "grant_types_supported is not a list"),
        ({"authorization_response_iss_parameter_supported": "yes"}, "not a boolean"),
    ],
)
@respx.mock
def test_malformed_documents_raise_oauth_error(
    shell, kit: ModuleType, overrides: dict[str, object], message: str
) -> None:
    respx.get(WELL_KNOWN).respond(json=kit.metadata(**overrides))
    with pytest.raises(OAuthError, match=message):
        shell("discover", kit.ISSUER)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b"not json"),
        httpx.Response(200, json=["a", "list"]),
        httpx.Response(200, content=b""),
    ],
)
@respx.mock
def test_non_object_bodies(shell, kit: ModuleType, response: httpx.Response) -> None:
    respx.get(WELL_KNOWN).mock(return_value=response)
    with pytest.raises(OAuthError, match="not a JSON object"):
        shell("discover", kit.ISSUER)


@pytest.mark.parametrize(("status", "retryable"), [(404, False), (500, True), (503, True)])
@respx.mock
def test_error_statuses(shell, kit: ModuleType, status: int, retryable: bool) -> None:
    respx.get(WELL_KNOWN).respond(status, json={"error": "server_error"})
    with pytest.raises(OAuthError) as info:
        shell("discover", kit.ISSUER)
    assert info.value.http_status == status
    assert info.value.retryable is retryable


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@respx.mock
def test_redirects_are_refused_not_followed(shell, kit: ModuleType, status: int) -> None:
    route = respx.get(WELL_KNOWN).respond(
        status, headers={"Location": "https://evil.example.com/.well-known/x"}
    )
    evil = respx.get("https://evil.example.com/.well-known/x").respond(json=kit.metadata())
    with pytest.raises(OAuthError, match="redirect"):
        shell("discover", kit.ISSUER)
    assert route.call_count == 1
    assert evil.call_count == 0


@respx.mock
def test_network_failure_is_a_retryable_network_error(shell, kit: ModuleType) -> None:
    respx.get(WELL_KNOWN).mock(side_effect=httpx.ConnectError("boom"))
    with pytest.raises(NetworkError) as info:
        shell("discover", kit.ISSUER)
    assert info.value.retryable is True
    assert info.value.__context__ is None
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    "base_url",
    ["http://auth.example.com", "https://auth.example.com?x=1", "https://a.example#f", "nope"],
)
def test_bad_base_urls_are_usage_errors(shell, base_url: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        with pytest.raises(UsageError):
            shell("discover", base_url)
        assert not router.calls


@respx.mock
def test_loopback_http_issuer_is_allowed(shell, kit: ModuleType) -> None:
    issuer = "http://127.0.0.1:8765"
    respx.get(f"{issuer}/.well-known/oauth-authorization-server").respond(json=kit.metadata(issuer))
    assert shell("discover", issuer).token_endpoint == f"{issuer}/oauth/token"


# -- RFC 9728 ------------------------------------------------------------------------------------

RESOURCE = "https://3.basecampapi.com"
RESOURCE_WELL_KNOWN = f"{RESOURCE}/.well-known/oauth-protected-resource"


@respx.mock
def test_discover_protected_resource(shell) -> None:
    respx.get(RESOURCE_WELL_KNOWN).respond(
        json={
            "resource": RESOURCE,
            "authorization_servers": ["https://launchpad.37signals.com"],
            "scopes_supported": ["read"],
            "bearer_methods_supported": ["header"],
            "resource_name": "Basecamp",
        }
    )
    meta = shell("discover_protected_resource", RESOURCE)
    assert isinstance(meta, ProtectedResourceMetadata)
    assert meta.resource == RESOURCE
    assert meta.authorization_servers == ("https://launchpad.37signals.com",)
    assert meta.bearer_methods_supported == ("header",)
    assert meta.resource_name == "Basecamp"
    assert meta.resource_documentation is None


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"resource": "https://evil.example"}, "resource does not match"),
        ({}, "resource does not match"),
        ({"resource": RESOURCE, "authorization_servers": ["http://plain.example"]}, "not https"),
        ({"resource": RESOURCE, "authorization_servers": "https://x"}, "not a list"),
        ({"resource": RESOURCE, "resource_name": 5}, "resource_name"),
    ],
)
@respx.mock
def test_protected_resource_validation(shell, doc: dict[str, object], message: str) -> None:
    respx.get(RESOURCE_WELL_KNOWN).respond(json=doc)
    with pytest.raises(OAuthError, match=message):
        shell("discover_protected_resource", RESOURCE)


@respx.mock
def test_protected_resource_redirect_refused(shell) -> None:
    respx.get(RESOURCE_WELL_KNOWN).respond(302, headers={"Location": "https://x.example/"})
    with pytest.raises(OAuthError, match="redirect"):
        shell("discover_protected_resource", RESOURCE)
