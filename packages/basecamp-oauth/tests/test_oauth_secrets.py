"""No client secret, code, verifier, refresh token or access token in any error, chain or log."""

from __future__ import annotations

import logging
from types import ModuleType

import httpx
import pytest
import respx

import basecamp.oauth as oauth
from basecamp import BasecampError
from basecamp.oauth import (
    DeviceAuthorization,
    OAuthError,
    OAuthRejectedError,
    OAuthToken,
    generate_pkce,
)


def _echo_everything(kit: ModuleType) -> str:
    return " ".join(kit.SECRETS)


def _calls(kit: ModuleType) -> dict[str, dict[str, object]]:
    return {
        "exchange_code": {
            "token_endpoint": kit.TOKEN_URL,
            "code": kit.CODE,
            "redirect_uri": kit.REDIRECT_URI,
            "client_id": kit.CLIENT_ID,
            "client_secret": kit.CLIENT_SECRET,
            "code_verifier": kit.VERIFIER,
        },
        "refresh_token": {
            "token_endpoint": kit.TOKEN_URL,
            "refresh_tok": kit.REFRESH,
            "client_id": kit.CLIENT_ID,
            "client_secret": kit.CLIENT_SECRET,
        },
        "poll_device_token": {
            "token_endpoint": kit.TOKEN_URL,
            "device": DeviceAuthorization(
                device_code=kit.DEVICE_CODE,
                user_code="ABCD",
                verification_uri="https://auth.example.com/device",
                expires_in=60,
                interval=0,
            ),
            "client_id": kit.CLIENT_ID,
            "client_secret": kit.CLIENT_SECRET,
        },
    }


def _responses(kit: ModuleType) -> list[httpx.Response | Exception]:
    echo = _echo_everything(kit)
    return [
        httpx.Response(400, json={"error": "invalid_grant", "error_description": echo}),
        httpx.Response(401, json={"error": kit.CLIENT_SECRET, "message": echo}),
        httpx.Response(400, json={"error": kit.CODE}),
        httpx.Response(500, text=echo),
        httpx.Response(200, json={"refresh_token": kit.NEW_REFRESH, "echo": echo}),
        httpx.Response(200, json={"access_token": f"{kit.NEW_ACCESS}\n", "echo": echo}),
        httpx.Response(200, text=f"{{not json {echo}"),
        httpx.Response(302, headers={"Location": f"https://x.example/?{echo}"}),
        httpx.Response(200, content=echo.encode() * 40000),  # past the 1 MiB cap
        httpx.ConnectError(f"cannot connect: {echo}"),
        httpx.ReadTimeout(f"timed out: {echo}"),
    ]


@pytest.mark.parametrize("function", ["exchange_code", "refresh_token", "poll_device_token"])
@pytest.mark.parametrize("case", range(11))
def test_errors_never_carry_secrets(shell, kit: ModuleType, function: str, case: int) -> None:
    response = _responses(kit)[case]
    with respx.mock:
        route = respx.post(kit.TOKEN_URL)
        if isinstance(response, Exception):
            route.mock(side_effect=response)
        else:
            route.mock(return_value=response)
        kwargs = dict(_calls(kit)[function])
        if function == "poll_device_token":
            kwargs["sleep"] = (lambda s: None) if shell.name == "sync" else _async_noop
        with pytest.raises(BasecampError) as info:
            shell(function, **kwargs)
    kit.assert_no_secrets(info.value)
    # Nothing from httpx or json survives as context: those hold the request and the body.
    assert info.value.__context__ is None
    assert info.value.__cause__ is None


async def _async_noop(seconds: float) -> None:
    return None


def test_a_reflected_secret_is_not_used_as_error_code(shell, kit: ModuleType) -> None:
    # A lowercase secret looks like an OAuth error code; it must still not be named.
    secret = "lowercasesecret"
    with respx.mock:
        respx.post(kit.TOKEN_URL).respond(400, json={"error": secret})
        with pytest.raises(OAuthError) as info:
            shell(
                "exchange_code",
                token_endpoint=kit.TOKEN_URL,
                code=kit.CODE,
                redirect_uri=kit.REDIRECT_URI,
                client_id=kit.CLIENT_ID,
                client_secret=secret,
            )
    assert info.value.error_code is None
    kit.assert_no_secrets(info.value, (secret,))


@pytest.mark.parametrize(
    ("function", "field"),
    [
        ("exchange_code", "code"),
        ("exchange_code", "client_secret"),
        ("exchange_code", "code_verifier"),
        ("refresh_token", "refresh_tok"),
        ("refresh_token", "client_secret"),
    ],
)
def test_usage_errors_never_echo_the_value(
    shell, kit: ModuleType, function: str, field: str
) -> None:
    kwargs = dict(_calls(kit)[function])
    kwargs[field] = f"{kwargs.get(field) or kit.VERIFIER}\r\nInjected: {kit.CLIENT_SECRET}"
    with respx.mock(assert_all_called=False) as router, pytest.raises(BasecampError) as info:
        shell(function, **kwargs)
    assert not router.calls
    kit.assert_no_secrets(info.value)


def test_token_validation_errors_never_echo(kit: ModuleType) -> None:
    for kwargs in (
        {"access_token": f"{kit.ACCESS}\n"},
        {"access_token": kit.ACCESS, "refresh_token": f"{kit.REFRESH}\r"},
    ):
        with pytest.raises(BasecampError) as info:
            OAuthToken(**kwargs)  # type: ignore[arg-type]
        kit.assert_no_secrets(info.value)


def test_no_secret_in_logs(auth_server, kit: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    # A real loopback exchange, so httpx and httpcore log everything they would in production.
    caplog.set_level(logging.DEBUG)
    with pytest.raises(OAuthRejectedError) as info:
        oauth.exchange_code(
            token_endpoint=f"{auth_server.base_url}/oauth/token",
            code=kit.CODE,
            redirect_uri=kit.REDIRECT_URI,
            client_id=kit.CLIENT_ID,
            client_secret=kit.CLIENT_SECRET,
            code_verifier=kit.VERIFIER,
        )
    kit.assert_no_secrets(info.value)
    assert auth_server.token_requests[0]["client_secret"] == kit.CLIENT_SECRET
    assert caplog.records, "expected httpx/httpcore debug logs"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        for secret in kit.SECRETS:
            assert secret not in text


def test_reprs_of_public_records_hide_secrets(kit: ModuleType) -> None:
    pkce = generate_pkce()
    token = OAuthToken(access_token=kit.ACCESS, refresh_token=kit.REFRESH)
    device = _calls(kit)["poll_device_token"]["device"]
    provider = token.provider(client_id=kit.CLIENT_ID, client_secret=kit.CLIENT_SECRET)
    for text in (repr(pkce), repr(token), repr(device), repr(provider)):
        for secret in (*kit.SECRETS, pkce.verifier):
            assert secret not in text
