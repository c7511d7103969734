"""Authorization URLs and endpoint rules."""

from __future__ import annotations

from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basecamp import UsageError
from basecamp.oauth import build_authorization_url, generate_pkce
from basecamp.oauth._urls import check_endpoint, check_redirect_uri, well_known_url

ENDPOINT = "https://auth.example.com/oauth/authorize"


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_standard_url_has_every_parameter() -> None:
    pkce = generate_pkce()
    url = build_authorization_url(
        endpoint=ENDPOINT,
        client_id="client 1",
        redirect_uri="https://app.example.com/cb?x=1&y=2",
        state="st&te",
        pkce=pkce,
        scope=["read", "write"],
    )
    assert url.startswith(ENDPOINT + "?")
    assert _params(url) == {
        "response_type": ["code"],
        "client_id": ["client 1"],
        "redirect_uri": ["https://app.example.com/cb?x=1&y=2"],
        "state": ["st&te"],
        "scope": ["read write"],
        "code_challenge": [pkce.challenge],
        "code_challenge_method": ["S256"],
    }
    # Strict encoding: the nested URL's separators and spaces are escaped.
    assert "%2F%2Fapp.example.com%2Fcb%3Fx%3D1%26y%3D2" in url
    assert "client%201" in url
    assert pkce.verifier not in url


def test_legacy_format_uses_type_web_server() -> None:
    url = build_authorization_url(
        endpoint="https://launchpad.37signals.com/authorization/new",
        client_id="c",
        redirect_uri="https://app.example.com/cb",
        state="s",
        use_legacy_format=True,
    )
    params = _params(url)
    assert params["type"] == ["web_server"]
    assert "response_type" not in params
    assert "code_challenge" not in params


def test_scope_string_is_normalised_and_optional() -> None:
    url = build_authorization_url(
        endpoint=ENDPOINT,
        client_id="c",
        redirect_uri="https://a.example/cb",
        state="s",
        scope="  read   write ",
    )
    assert _params(url)["scope"] == ["read write"]
    url = build_authorization_url(
        endpoint=ENDPOINT, client_id="c", redirect_uri="https://a.example/cb", state="s"
    )
    assert "scope" not in _params(url)


def test_existing_query_is_kept_and_clashes_refused() -> None:
    url = build_authorization_url(
        endpoint=ENDPOINT + "?tenant=7",
        client_id="c",
        redirect_uri="https://a.example/cb",
        state="s",
    )
    assert parse_qsl(urlsplit(url).query)[0] == ("tenant", "7")
    with pytest.raises(UsageError, match="client_id"):
        build_authorization_url(
            endpoint=ENDPOINT + "?client_id=x",
            client_id="c",
            redirect_uri="https://a.example/cb",
            state="s",
        )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://auth.example.com/authorize",
        "ftp://auth.example.com/authorize",
        "https://user:pw@auth.example.com/authorize",
        "https://auth.example.com/authorize#frag",
        "/authorize",
        "",
        "https://auth.example.com:99999/authorize",
        "https://auth.example.com/author ize",
    ],
)
def test_endpoint_rules(endpoint: str) -> None:
    with pytest.raises(UsageError) as info:
        check_endpoint(endpoint, "endpoint")
    assert "pw" not in str(info.value)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://localhost:8080/token",
        "http://127.0.0.1/token",
        "http://[::1]:9/token",
        "https://auth.example.com/token?x=1",
    ],
)
def test_loopback_http_and_https_are_allowed(endpoint: str) -> None:
    assert check_endpoint(endpoint, "endpoint") == endpoint


@pytest.mark.parametrize(
    "uri",
    [
        "http://app.example.com/cb",
        "https://a.example/cb#x",
        "cb",
        "https:///cb",
        "https://u:p@a.example/cb",
    ],
)
def test_redirect_uri_rules(uri: str) -> None:
    with pytest.raises(UsageError):
        check_redirect_uri(uri)


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:5000/cb", "https://a.example/cb", "com.example.app:/oauth"]
)
def test_redirect_uri_allowed(uri: str) -> None:
    assert check_redirect_uri(uri) == uri


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_id": ""}, "client_id"),
        ({"state": ""}, "state"),
        ({"state": "a\nb"}, "state"),
        ({"redirect_uri": "http://evil.example/cb"}, "redirect_uri"),
        ({"endpoint": "http://auth.example.com/a"}, "endpoint"),
        ({"scope": 5}, "scope"),
        ({"pkce": "S256"}, "pkce"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "endpoint": ENDPOINT,
        "client_id": "c",
        "redirect_uri": "https://a.example/cb",
        "state": "s",
    }
    args.update(kwargs)
    with pytest.raises(UsageError, match=message):
        build_authorization_url(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("https://a.example", "https://a.example/.well-known/x"),
        ("https://a.example/", "https://a.example/.well-known/x"),
        ("https://a.example/tenant/1", "https://a.example/.well-known/x/tenant/1"),
        ("https://a.example/tenant/", "https://a.example/.well-known/x/tenant"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/.well-known/x"),
    ],
)
def test_well_known_insertion(identifier: str, expected: str) -> None:
    assert well_known_url(identifier, "x", name="base_url") == expected


@pytest.mark.parametrize("identifier", ["https://a.example?x=1", "http://a.example"])
def test_well_known_refuses_bad_identifiers(identifier: str) -> None:
    with pytest.raises(UsageError):
        well_known_url(identifier, "x", name="base_url")


printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs")), min_size=1, max_size=40
)


@given(client_id=printable, state=printable)
def test_parameters_round_trip(client_id: str, state: str) -> None:
    url = build_authorization_url(
        endpoint=ENDPOINT, client_id=client_id, redirect_uri="https://a.example/cb", state=state
    )
    params = _params(url)
    assert params["client_id"] == [client_id]
    assert params["state"] == [state]
    assert "#" not in url
