"""The device authorization grant (RFC 8628), with a fake clock and sleep: no real waiting."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import ModuleType
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from basecamp import UsageError
from basecamp.oauth import (
    DeviceAuthorization,
    OAuthError,
    OAuthRejectedError,
    OAuthTimeoutError,
    OAuthToken,
)

DEVICE_RESPONSE = {
    "device_code": "DEVICE-code-444-Hj",
    "user_code": "WDJB-MJHT",
    "verification_uri": "https://auth.example.com/device",
    "verification_uri_complete": "https://auth.example.com/device?user_code=WDJB-MJHT",
    "expires_in": 1800,
    "interval": 5,
}


@dataclass
class FakeTime:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def _pending(error: str = "authorization_pending") -> httpx.Response:
    return httpx.Response(400, json={"error": error})


def _device(**overrides: object) -> DeviceAuthorization:
    args: dict[str, object] = {
        "device_code": "DEVICE-code-444-Hj",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://auth.example.com/device",
        "expires_in": 1800.0,
        "interval": 5.0,
    }
    args.update(overrides)
    return DeviceAuthorization(**args)  # type: ignore[arg-type]


def _poll(shell, kit: ModuleType, fake: FakeTime, device: DeviceAuthorization) -> OAuthToken:
    return shell(
        "poll_device_token",
        token_endpoint=kit.TOKEN_URL,
        device=device,
        client_id=kit.CLIENT_ID,
        client_secret=kit.CLIENT_SECRET,
        clock=fake.clock,
        sleep=fake.sleep if shell.name == "sync" else fake.asleep,
    )


@respx.mock
def test_request_device_authorization(shell, kit: ModuleType) -> None:
    route = respx.post(kit.DEVICE_URL).respond(json=DEVICE_RESPONSE)
    device = shell(
        "request_device_authorization",
        endpoint=kit.DEVICE_URL,
        client_id=kit.CLIENT_ID,
        scope=["read", "write"],
    )
    assert _form(route.calls.last.request) == {"client_id": kit.CLIENT_ID, "scope": "read write"}
    assert device.user_code == "WDJB-MJHT"
    assert device.verification_uri == "https://auth.example.com/device"
    assert device.verification_uri_complete.endswith("user_code=WDJB-MJHT")
    assert device.expires_in == 1800
    assert device.interval == 5
    assert device.device_code == DEVICE_RESPONSE["device_code"]
    assert DEVICE_RESPONSE["device_code"] not in repr(device)
    assert "WDJB-MJHT" in repr(device)


@respx.mock
def test_device_defaults_and_verification_url_spelling(shell, kit: ModuleType) -> None:
    body = {k: v for k, v in DEVICE_RESPONSE.items() if k not in ("interval", "verification_uri")}
    respx.post(kit.DEVICE_URL).respond(
        json={**body, "verification_url": "https://auth.example.com/d"}
    )
    device = shell(
        "request_device_authorization",
        endpoint=kit.DEVICE_URL,
        client_id=kit.CLIENT_ID,
        client_secret=kit.CLIENT_SECRET,
    )
    assert device.interval == 5.0
    assert device.verification_uri == "https://auth.example.com/d"


@pytest.mark.parametrize(
    "overrides",
    [
        {"device_code": None},
        {"user_code": 5},
        {"verification_uri": None},
        {"verification_uri": "http://phish.example/device"},
        {"verification_uri_complete": 3},
        {"expires_in": None},
        {"expires_in": -1},
        {"expires_in": 10**400},  # too large for a float: an OAuthError, not an OverflowError
        {"interval": "fast"},
        {"device_code": "has space\n"},
    ],
)
@respx.mock
def test_malformed_device_responses(shell, kit: ModuleType, overrides: dict[str, object]) -> None:
    body = {k: v for k, v in {**DEVICE_RESPONSE, **overrides}.items() if v is not None}
    respx.post(kit.DEVICE_URL).respond(json=body)
    with pytest.raises(OAuthError) as info:
        shell("request_device_authorization", endpoint=kit.DEVICE_URL, client_id=kit.CLIENT_ID)
    kit.assert_no_secrets(info.value, (DEVICE_RESPONSE["device_code"],))


@pytest.mark.parametrize(
    ("field", "raw"), [("expires_in", b"Infinity"), ("expires_in", b"1e999"), ("interval", b"NaN")]
)
@respx.mock
def test_non_finite_device_numbers_are_refused(
    shell, kit: ModuleType, field: str, raw: bytes
) -> None:
    body = json.dumps({**DEVICE_RESPONSE, field: "@"}).encode().replace(b'"@"', raw)
    respx.post(kit.DEVICE_URL).respond(200, content=body)
    with pytest.raises(OAuthError, match="expires_in or interval") as info:
        shell("request_device_authorization", endpoint=kit.DEVICE_URL, client_id=kit.CLIENT_ID)
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [(401, "invalid_client", OAuthRejectedError), (400, "invalid_scope", OAuthError)],
)
@respx.mock
def test_device_endpoint_errors(
    shell, kit: ModuleType, status: int, error: str, expected: type[Exception]
) -> None:
    respx.post(kit.DEVICE_URL).respond(status, json={"error": error})
    with pytest.raises(expected, match=error):
        shell("request_device_authorization", endpoint=kit.DEVICE_URL, client_id=kit.CLIENT_ID)


@respx.mock
def test_poll_waits_the_interval_and_honours_slow_down(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).mock(
        side_effect=[
            _pending(),
            _pending("slow_down"),
            _pending(),
            _pending("slow_down"),
            httpx.Response(200, json=kit.token_body()),
        ]
    )
    fake = FakeTime()
    token = _poll(shell, kit, fake, _device())
    assert token.access_token == kit.ACCESS
    # 5, 5, then +5 after each slow_down, and it stays raised.
    assert fake.sleeps == [5, 5, 10, 10, 15]
    assert route.call_count == 5
    assert _form(route.calls.last.request) == {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": "DEVICE-code-444-Hj",
        "client_id": kit.CLIENT_ID,
        "client_secret": kit.CLIENT_SECRET,
    }


@respx.mock
def test_access_denied_is_a_rejection(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).mock(side_effect=[_pending(), _pending("access_denied")])
    with pytest.raises(OAuthRejectedError, match="declined") as info:
        _poll(shell, kit, FakeTime(), _device())
    assert info.value.error_code == "access_denied"


@respx.mock
def test_expired_token_is_a_timeout(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).mock(side_effect=[_pending(), _pending("expired_token")])
    with pytest.raises(OAuthTimeoutError) as info:
        _poll(shell, kit, FakeTime(), _device())
    assert info.value.error_code == "expired_token"


@respx.mock
def test_local_expiry_stops_polling(shell, kit: ModuleType) -> None:
    route = respx.post(kit.TOKEN_URL).mock(return_value=_pending())
    fake = FakeTime()
    with pytest.raises(OAuthTimeoutError, match="expired"):
        _poll(shell, kit, fake, _device(expires_in=22, interval=5))
    assert route.call_count == 4  # at 5, 10, 15, 20; the 5th wait ends at the 22 s expiry
    assert fake.sleeps == [5, 5, 5, 5, 2]
    assert fake.now == 1022


@respx.mock
def test_a_huge_interval_never_sleeps_past_expiry(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).mock(return_value=_pending())
    fake = FakeTime()
    with pytest.raises(OAuthTimeoutError):
        _poll(shell, kit, fake, _device(expires_in=60, interval=10**9))
    assert fake.sleeps == [60]


@respx.mock
def test_other_poll_errors(shell, kit: ModuleType) -> None:
    respx.post(kit.TOKEN_URL).mock(side_effect=[_pending(), _pending("invalid_grant")])
    with pytest.raises(OAuthRejectedError, match="invalid_grant"):
        _poll(shell, kit, FakeTime(), _device())
    respx.post(kit.TOKEN_URL).mock(side_effect=[httpx.Response(500)])
    with pytest.raises(OAuthError) as info:
        _poll(shell, kit, FakeTime(), _device())
    assert info.value.retryable


def test_poll_needs_a_device_authorization(shell, kit: ModuleType) -> None:
    with pytest.raises(UsageError):
        shell(
            "poll_device_token",
            token_endpoint=kit.TOKEN_URL,
            device="DEVICE",
            client_id=kit.CLIENT_ID,
        )


@pytest.mark.parametrize(
    "overrides",
    [
        {"expires_in": -1},
        {"expires_in": 10**400},
        {"interval": float("inf")},
        {"device_code": ""},
        {"user_code": ""},
    ],
)
def test_device_authorization_validation(overrides: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        _device(**overrides)
