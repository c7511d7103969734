"""The device flow for real CLIs, against a scripted authorization server on 127.0.0.1: every
answer a token endpoint can give while polling, stopping from outside, and `run_device_flow`.

A fake clock and sleep keep the tests from waiting: the 5 s default never really passes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from basecamp import UsageError
from basecamp.oauth import (
    DeviceAuthorization,
    DeviceFlowError,
    OAuthConfig,
    OAuthError,
    OAuthRejectedError,
    OAuthTimeoutError,
    OAuthToken,
)

TOKEN_PATH = "/oauth/token"
DEVICE_PATH = "/oauth/device"


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


def _pending(kit: ModuleType, error: str = "authorization_pending", status: int = 400) -> Any:
    return kit.json_reply(status, {"error": error})


def _poll(
    shell, kit: ModuleType, scripted, fake: FakeTime, device: DeviceAuthorization, **kw: Any
) -> OAuthToken:
    return shell(
        "poll_device_token",
        token_endpoint=f"{scripted.base_url}{TOKEN_PATH}",
        device=device,
        client_id=kit.CLIENT_ID,
        clock=fake.clock,
        sleep=fake.sleep if shell.name == "sync" else fake.asleep,
        **kw,
    )


def test_slow_down_and_429_lengthen_the_interval(shell, kit: ModuleType, scripted) -> None:
    scripted.route(
        "POST",
        TOKEN_PATH,
        _pending(kit, "slow_down"),
        (429, {"Retry-After": "1"}, b""),
        _pending(kit),
        kit.json_reply(200, kit.token_body()),
    )
    fake = FakeTime()
    token = _poll(shell, kit, scripted, fake, _device())
    assert token.access_token == kit.ACCESS
    assert fake.sleeps == [5, 10, 15, 15]
    assert len(scripted.requests(TOKEN_PATH)) == 4
    assert scripted.requests(TOKEN_PATH)[0].form["grant_type"] == [
        "urn:ietf:params:oauth:grant-type:device_code"
    ]


@pytest.mark.parametrize(("interval", "expected"), [(0, 1.0), (0.01, 1.0), (2, 2.0)])
def test_a_tiny_interval_never_busy_loops(
    shell, kit: ModuleType, scripted, interval: float, expected: float
) -> None:
    scripted.route("POST", TOKEN_PATH, _pending(kit), kit.json_reply(200, kit.token_body()))
    fake = FakeTime()
    _poll(shell, kit, scripted, fake, _device(interval=interval))
    assert fake.sleeps == [expected, expected]


def test_a_missing_interval_means_five_seconds(shell, kit: ModuleType, scripted) -> None:
    body = {
        "device_code": "DEVICE-code-444-Hj",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://auth.example.com/device",
        "expires_in": 600,
    }
    scripted.route("POST", DEVICE_PATH, kit.json_reply(200, body))
    device = shell(
        "request_device_authorization",
        endpoint=f"{scripted.base_url}{DEVICE_PATH}",
        client_id=kit.CLIENT_ID,
    )
    scripted.route("POST", TOKEN_PATH, _pending(kit), kit.json_reply(200, kit.token_body()))
    fake = FakeTime()
    _poll(shell, kit, scripted, fake, device)
    assert fake.sleeps == [5, 5]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_an_oauth_error_in_a_5xx_is_raised_at_once(
    shell, kit: ModuleType, scripted, status: int
) -> None:
    # Even "authorization_pending" in a 5xx body: the server is failing, not waiting.
    scripted.route("POST", TOKEN_PATH, _pending(kit, "authorization_pending", status))
    with pytest.raises(OAuthError) as info:
        _poll(shell, kit, scripted, FakeTime(), _device())
    assert info.value.http_status == status
    assert info.value.retryable
    assert len(scripted.requests(TOKEN_PATH)) == 1


@pytest.mark.parametrize(
    ("error", "reason", "also"),
    [
        ("access_denied", "denied", OAuthRejectedError),
        ("expired_token", "expired", OAuthTimeoutError),
    ],
)
def test_the_user_answers_have_reasons(
    shell, kit: ModuleType, scripted, error: str, reason: str, also: type[Exception]
) -> None:
    scripted.route("POST", TOKEN_PATH, _pending(kit), _pending(kit, error))
    with pytest.raises(DeviceFlowError) as info:
        _poll(shell, kit, scripted, FakeTime(), _device())
    assert info.value.reason == reason
    assert isinstance(info.value, also)
    assert info.value.error_code == error
    assert info.value.http_status == 400
    kit.assert_no_secrets(info.value, ("DEVICE-code-444-Hj",))


def test_local_expiry_has_its_reason(shell, kit: ModuleType, scripted) -> None:
    scripted.route("POST", TOKEN_PATH, _pending(kit))
    fake = FakeTime()
    with pytest.raises(DeviceFlowError) as info:
        _poll(shell, kit, scripted, fake, _device(expires_in=12, interval=5))
    assert info.value.reason == "expired"
    assert isinstance(info.value, OAuthTimeoutError)
    assert fake.sleeps == [5, 5, 2]


def test_should_cancel_stops_within_a_second(shell, kit: ModuleType, scripted) -> None:
    scripted.route("POST", TOKEN_PATH, _pending(kit))
    fake = FakeTime()
    polls_before_cancel = 2

    def should_cancel() -> bool:
        # Cancel 2.5 s into the wait after the second poll.
        return len(scripted.requests(TOKEN_PATH)) >= polls_before_cancel and fake.now >= 1012.5

    with pytest.raises(DeviceFlowError, match="cancelled") as info:
        _poll(shell, kit, scripted, fake, _device(), should_cancel=should_cancel)
    assert info.value.reason == "cancelled"
    assert not isinstance(info.value, OAuthTimeoutError | OAuthRejectedError)
    assert len(scripted.requests(TOKEN_PATH)) == polls_before_cancel
    assert all(step <= 1.0 for step in fake.sleeps)  # asked about every second
    assert fake.now == 1013.0


def test_deadline_at_stops_with_timed_out(shell, kit: ModuleType, scripted) -> None:
    scripted.route("POST", TOKEN_PATH, _pending(kit))
    fake = FakeTime()
    with pytest.raises(DeviceFlowError) as info:
        _poll(shell, kit, scripted, fake, _device(), deadline_at=fake.now + 12)
    assert info.value.reason == "timed_out"
    assert isinstance(info.value, OAuthTimeoutError)
    assert fake.sleeps == [5, 5, 2]  # never sleeps past the deadline
    assert len(scripted.requests(TOKEN_PATH)) == 2


def test_deadline_at_must_be_a_time(shell, kit: ModuleType, scripted) -> None:
    with pytest.raises(UsageError, match="deadline_at"):
        _poll(shell, kit, scripted, FakeTime(), _device(), deadline_at=float("nan"))


def test_run_device_flow_prints_opens_polls_and_returns(shell, kit: ModuleType, scripted) -> None:
    body = {
        "device_code": "DEVICE-code-444-Hj",
        "user_code": "WDJB-MJHT",
        "verification_uri": f"{scripted.base_url}/device",
        "verification_uri_complete": f"{scripted.base_url}/device?user_code=WDJB-MJHT",
        "expires_in": 600,
        "interval": 3,
    }
    scripted.route("POST", DEVICE_PATH, kit.json_reply(200, body))
    scripted.route("POST", TOKEN_PATH, _pending(kit), kit.json_reply(200, kit.token_body()))
    config = OAuthConfig(
        issuer=scripted.base_url,
        token_endpoint=f"{scripted.base_url}{TOKEN_PATH}",
        device_authorization_endpoint=f"{scripted.base_url}{DEVICE_PATH}",
    )
    output = io.StringIO()
    opened: list[str] = []
    fake = FakeTime()
    token = shell(
        "run_device_flow",
        client_id=kit.CLIENT_ID,
        config=config,
        scope="read",
        resource="https://3.basecampapi.com",
        output=output,
        open_browser=opened.append,
        clock=fake.clock,
        sleep=fake.sleep if shell.name == "sync" else fake.asleep,
    )
    assert token.access_token == kit.ACCESS
    printed = output.getvalue()
    assert "WDJB-MJHT" in printed and f"{scripted.base_url}/device" in printed
    assert "DEVICE-code-444-Hj" not in printed
    assert opened == [body["verification_uri_complete"]]
    assert fake.sleeps == [3, 3]
    (start,) = scripted.requests(DEVICE_PATH)
    assert start.form == {
        "client_id": [kit.CLIENT_ID],
        "scope": ["read"],
        "resource": ["https://3.basecampapi.com"],
    }


def test_run_device_flow_needs_a_device_endpoint(shell, kit: ModuleType) -> None:
    config = OAuthConfig(
        issuer="https://auth.example.com",
        authorization_endpoint="https://auth.example.com/a",
        token_endpoint="https://auth.example.com/t",
    )
    with pytest.raises(UsageError, match="no device authorization endpoint"):
        shell("run_device_flow", client_id=kit.CLIENT_ID, config=config)
    with pytest.raises(UsageError, match="both"):
        shell("run_device_flow", client_id=kit.CLIENT_ID, token_endpoint=config.token_endpoint)


# -- the pure poll state, without any HTTP ----------------------------------------------------


def test_device_poll_state_table() -> None:
    from basecamp.oauth._device import DevicePoll
    from basecamp.oauth._http import Reply

    poll = DevicePoll(_device(expires_in=100, interval=0), now=0, deadline_at=None)
    assert poll.interval == 1.0  # the floor
    assert poll.pause(0) == 1.0
    assert poll.pause(99.5) == 0.5  # never past the end
    assert poll.stop_reason(50, cancelled=False) is None
    assert poll.stop_reason(50, cancelled=True) == "cancelled"
    assert poll.stop_reason(100, cancelled=False) == "expired"
    slow = Reply(400, b'{"error": "slow_down"}')
    assert poll.read(slow, secrets=(), now=0) is None
    assert poll.read(Reply(429, b""), secrets=(), now=0) is None
    assert poll.interval == 11.0
    assert poll.read(Reply(400, b'{"error": "authorization_pending"}'), secrets=(), now=0) is None
    assert poll.interval == 11.0
    token = poll.read(Reply(200, b'{"access_token": "a"}'), secrets=(), now=0)
    assert isinstance(token, OAuthToken)

    early = DevicePoll(_device(expires_in=100), now=0, deadline_at=30)
    assert early.ends_at == 30
    assert early.stop_reason(30, cancelled=False) == "timed_out"
    late = DevicePoll(_device(expires_in=100), now=0, deadline_at=500)
    assert late.stop_reason(100, cancelled=False) == "expired"
    for reason in ("cancelled", "timed_out", "expired", "denied"):
        error = early.stop(reason)  # type: ignore[arg-type]
        assert isinstance(error, DeviceFlowError) and error.reason == reason
