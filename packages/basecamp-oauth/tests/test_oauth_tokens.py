"""Code exchange, refresh, `OAuthToken`, and the token-endpoint error classes."""

from __future__ import annotations

import gzip
import time
from types import ModuleType
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from basecamp import ApiError, AuthError, NetworkError, UsageError
from basecamp.oauth import OAuthError, OAuthRejectedError, OAuthToken


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def _exchange(shell, kit: ModuleType, **overrides: object) -> OAuthToken:
    args: dict[str, object] = {
        "token_endpoint": kit.TOKEN_URL,
        "code": kit.CODE,
        "redirect_uri": kit.REDIRECT_URI,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
        "code_verifier": kit.VERIFIER,
    }
    args.update(overrides)
    return shell("exchange_code", **args)


def _refresh(shell, kit: ModuleType, **overrides: object) -> OAuthToken:
    args: dict[str, object] = {
        "token_endpoint": kit.TOKEN_URL,
        "refresh_tok": kit.REFRESH,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
    }
    args.update(overrides)
    return shell("refresh_token", **args)


# -- exchange_code -------------------------------------------------------------------------------


@respx.mock
def test_exchange_code_posts_the_rfc6749_form(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(json=kit.token_body())
    before = time.time()
    token = _exchange(shell, kit)
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.url.query == b""  # secrets travel in the body, never the URL
    assert _form(request) == {
        "grant_type": "authorization_code",
        "code": kit.CODE,
        "redirect_uri": kit.REDIRECT_URI,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
        "code_verifier": kit.VERIFIER,
    }
    assert token.access_token == kit.ACCESS
    assert token.refresh_token == kit.REFRESH
    assert token.token_type == "Bearer"
    assert token.scope == "read"
    assert token.expires_in == 3600
    assert token.expires_at is not None
    assert before + 3600 <= token.expires_at <= time.time() + 3600


@respx.mock
def test_exchange_code_legacy_and_public_client(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(json=kit.token_body())
    _exchange(shell, kit, use_legacy_format=True, client_secret=None, code_verifier=None)
    assert _form(route.calls.last.request) == {
        "type": "web_server",
        "code": kit.CODE,
        "redirect_uri": kit.REDIRECT_URI,
        "client_id": kit.CLIENT_ID,
    }


@respx.mock
def test_minimal_token_response(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).respond(json={"access_token": kit.ACCESS})
    token = _exchange(shell, kit)
    assert token.token_type == "Bearer"
    assert token.refresh_token is None
    assert token.expires_in is None
    assert token.expires_at is None
    assert token.scope is None
    assert not token.is_expired()


@pytest.mark.parametrize(
    "raw",
    [
        b"Infinity",
        b"-Infinity",
        b"NaN",
        b"1e999",
        b"1" + b"0" * 400,  # an int too large for a float
        b"1e12",  # ~31,700 years: over MAX_EXPIRES_IN
        b"0",
        b"-5",
        b'"3600"',
        b"true",
        b"null",
    ],
)
@respx.mock
def test_unusable_expires_in_is_treated_as_absent(shell, kit: ModuleType, raw: bytes) -> None:
    body = b'{"access_token": "%s", "refresh_token": "%s", "expires_in": %s}' % (
        kit.ACCESS.encode(),
        kit.REFRESH.encode(),
        raw,
    )
    respx.post(kit.TOKEN_URL).respond(200, content=body)
    token = _exchange(shell, kit)
    assert token.access_token == kit.ACCESS
    assert token.refresh_token == kit.REFRESH
    assert token.expires_in is None
    assert token.expires_at is None
    assert not token.is_expired()


@respx.mock
def test_the_longest_expires_in_taken(shell, kit: ModuleType) -> None:
    from basecamp.oauth._token import MAX_EXPIRES_IN

    respx.post(kit.TOKEN_URL).respond(json=kit.token_body(expires_in=MAX_EXPIRES_IN))
    before = time.time()
    token = _exchange(shell, kit)
    assert token.expires_in == MAX_EXPIRES_IN
    assert token.expires_at is not None
    assert before + MAX_EXPIRES_IN <= token.expires_at <= time.time() + MAX_EXPIRES_IN
    respx.post(kit.TOKEN_URL).respond(json=kit.token_body(expires_in=MAX_EXPIRES_IN + 1))
    assert _exchange(shell, kit).expires_at is None


@respx.mock
def test_unusable_expires_in_on_refresh_keeps_the_refresh_token(shell, kit: ModuleType) -> None:
    body = b'{"access_token": "%s", "expires_in": Infinity}' % kit.NEW_ACCESS.encode()
    respx.post(kit.TOKEN_URL).respond(200, content=body)
    token = _refresh(shell, kit)
    assert token.access_token == kit.NEW_ACCESS
    assert token.refresh_token == kit.REFRESH
    assert token.expires_at is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"code": ""},
        {"code": "a\r\nb"},
        {"client_id": ""},
        {"redirect_uri": "http://app.example.com/cb"},
        {"token_endpoint": "http://auth.example.com/token"},
        {"token_endpoint": "https://auth.example.com/token#x"},
        {"code_verifier": "\x00"},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"timeout": True},
    ],
)
def test_exchange_code_usage_errors(shell, kit: ModuleType, kwargs: dict[str, object]) -> None:
    with respx.mock(assert_all_called=False) as router:
        with pytest.raises(UsageError):
            _exchange(shell, kit, **kwargs)
        assert not router.calls


# -- refresh_token -------------------------------------------------------------------------------


@respx.mock
def test_refresh_posts_grant_type_refresh_token(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(
        json=kit.token_body(access_token=kit.NEW_ACCESS, refresh_token=kit.NEW_REFRESH)
    )
    token = _refresh(shell, kit)
    assert _form(route.calls.last.request) == {
        "grant_type": "refresh_token",
        "refresh_token": kit.REFRESH,
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
    }
    assert token.access_token == kit.NEW_ACCESS
    assert token.refresh_token == kit.NEW_REFRESH


@respx.mock
def test_refresh_legacy_format(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).respond(json=kit.token_body())
    _refresh(shell, kit, use_legacy_format=True)
    form = _form(route.calls.last.request)
    assert form["type"] == "refresh"
    assert "grant_type" not in form


@respx.mock
def test_refresh_without_new_refresh_token_keeps_the_old(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).respond(json={"access_token": kit.NEW_ACCESS, "expires_in": 60})
    token = _refresh(shell, kit)
    assert token.access_token == kit.NEW_ACCESS
    assert token.refresh_token == kit.REFRESH


# -- error classes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, "invalid_grant", OAuthRejectedError),
        (400, "invalid_client", OAuthRejectedError),
        (401, "invalid_client", OAuthRejectedError),
        (400, "unauthorized_client", OAuthRejectedError),
        (400, "access_denied", OAuthRejectedError),
        (401, None, OAuthRejectedError),
        (400, "invalid_request", OAuthError),
        (400, "unsupported_grant_type", OAuthError),
        (400, "invalid_scope", OAuthError),
        (400, None, OAuthError),
        (500, "server_error", OAuthError),
        (503, None, OAuthError),
        (429, None, OAuthError),
    ],
)
@respx.mock
def test_token_errors_are_classified(
    shell, kit: ModuleType, status: int, error: str | None, expected: type[Exception]
) -> None:
    body = {"error": error, "error_description": f"bad {kit.CODE}"} if error else {}
    respx.post(kit.TOKEN_URL).respond(status, json=body)
    for call in (_exchange, _refresh):
        with pytest.raises(expected) as info:
            call(shell, kit)
        exc = info.value
        assert type(exc) is expected
        assert exc.http_status == status
        assert exc.error_code == error  # type: ignore[attr-defined]
        assert (error or "") in str(exc)
        if expected is OAuthRejectedError:
            assert isinstance(exc, AuthError)
            assert not exc.retryable
        else:
            assert isinstance(exc, ApiError)
            assert exc.retryable is (status >= 500 or status == 429)
        kit.assert_no_secrets(exc)


@pytest.mark.parametrize(
    "body",
    [
        {"token_type": "Bearer"},
        {"access_token": ""},
        {"access_token": 5},
        {"access_token": None},
        {"access_token": "has\nnewline"},
        ["access_token"],
        "string",
    ],
)
@respx.mock
def test_2xx_without_a_usable_access_token(shell, kit: ModuleType, body: object) -> None:
    echoed = {"refresh_token": kit.REFRESH, "debug": kit.CLIENT_SECRET}
    payload = {**body, **echoed} if isinstance(body, dict) else body
    respx.post(kit.TOKEN_URL).respond(200, json=payload)
    with pytest.raises(OAuthError) as info:
        _exchange(shell, kit)
    assert "access_token" in str(info.value) or "token" in str(info.value)
    kit.assert_no_secrets(info.value)


@respx.mock
def test_2xx_with_garbage_body(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).respond(200, content=f"<html>{kit.CODE}".encode())
    with pytest.raises(OAuthError) as info:
        _exchange(shell, kit)
    kit.assert_no_secrets(info.value)
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("bad")],
)
@respx.mock
def test_network_failures_are_retryable(shell, kit: ModuleType, error: Exception) -> None:
    respx.post(kit.TOKEN_URL).mock(side_effect=error)
    with pytest.raises(NetworkError) as info:
        _exchange(shell, kit)
    assert info.value.retryable
    assert type(error).__name__ in str(info.value)
    assert info.value.__context__ is None
    kit.assert_no_secrets(info.value)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@respx.mock
def test_token_endpoint_redirects_are_refused(shell, kit: ModuleType, status: int) -> None:
    route = respx.post(kit.TOKEN_URL).respond(
        status, headers={"Location": "https://evil.example/steal"}
    )
    evil = respx.post("https://evil.example/steal").respond(json=kit.token_body())
    with pytest.raises(OAuthError, match="redirect") as info:
        _exchange(shell, kit)
    assert route.call_count == 1
    assert evil.call_count == 0
    assert info.value.http_status == status


@respx.mock
def test_compressed_bodies_are_refused(shell, kit: ModuleType) -> None:
    # 5 MiB of zeros in a few KiB: decoding it would blow past the 1 MiB cap in one chunk.
    bomb = gzip.compress(b"0" * (5 * 1024 * 1024))
    respx.post(kit.TOKEN_URL).respond(200, content=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(OAuthError, match="compressed"):
        _exchange(shell, kit)


# -- OAuthToken ----------------------------------------------------------------------------------


def test_token_computes_expires_at_and_checks_expiry() -> None:
    token = OAuthToken(access_token="a", expires_in=100)
    assert token.expires_at is not None
    assert abs(token.expires_at - (time.time() + 100)) < 5
    fixed = OAuthToken(access_token="a", expires_in=100, expires_at=1000.0)
    assert fixed.expires_at == 1000.0
    assert not fixed.is_expired(now=899.0)
    assert fixed.is_expired(now=1000.0)
    assert fixed.is_expired(buffer_seconds=200, now=850.0)
    assert not OAuthToken(access_token="a").is_expired(buffer_seconds=10**9)
    assert OAuthToken(access_token="a", expires_at=time.time() - 1).is_expired()


def test_token_repr_never_shows_tokens(kit: ModuleType) -> None:
    token = OAuthToken(access_token=kit.ACCESS, refresh_token=kit.REFRESH, scope="read")
    for text in (repr(token), str(token), f"{token}", f"{token!r}"):
        assert kit.ACCESS not in text
        assert kit.REFRESH not in text
    assert "scope='read'" in repr(token)


def test_token_is_frozen_and_round_trips(kit: ModuleType) -> None:
    token = OAuthToken(access_token=kit.ACCESS, refresh_token=kit.REFRESH, expires_in=5)
    with pytest.raises(AttributeError):
        token.access_token = "x"  # type: ignore[misc]
    assert OAuthToken.from_dict(token.to_dict()) == token


@pytest.mark.parametrize(
    "kwargs",
    [
        {"access_token": ""},
        {"access_token": "a\nb"},
        {"access_token": "a", "refresh_token": ""},
        {"access_token": "a", "token_type": ""},
        {"access_token": "a", "expires_in": "soon"},
        {"access_token": "a", "expires_in": True},
        {"access_token": "a", "expires_at": float("inf")},
        {"access_token": "a", "expires_in": float("nan")},
        {"access_token": "a", "expires_in": 10**400},
        {"access_token": "a", "expires_at": 10**400},
        {"access_token": "a", "scope": 5},
    ],
)
def test_token_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        OAuthToken(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"access_token": 5},
        {"access_token": "a", "refresh_token": 5},
        {"access_token": "a", "token_type": 1},
        {"access_token": "a", "scope": []},
    ],
)
def test_from_dict_validation(data: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        OAuthToken.from_dict(data)
