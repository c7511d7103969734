"""The retry contract end to end, against a real server on 127.0.0.1 (and respx for the exact
network exception types)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
import respx
from core_testkit import BASE_URL, Drop, Loopback, RecordingHooks, Reply, Runner, unused_port

from basecamp import ApiError, AuthError, Config, NetworkError, RateLimitError
from basecamp.hooks import RequestInfo

PATH = "/999/x.json"
OK = Reply(200, {"ok": True})


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_get_retries_then_succeeds(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status), Reply(status), OK)
    result = await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert result == {"ok": True}
    assert len(loopback.seen(PATH)) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_default_max_retries_means_four_attempts(
    runner: Runner, loopback: Loopback, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status, {"error": f"down {status}"}))
    account = runner.account(config=Config(base_url=loopback.url))
    with pytest.raises((ApiError, RateLimitError)) as caught:
        await runner.call(account.get("/x.json"))
    assert len(loopback.seen(PATH)) == 4
    assert caught.value.http_status == status  # the last error, with its real status
    assert caught.value.message == f"down {status}"
    assert caught.value.retryable is True
    assert len(sleeps) == 3


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (5, 6)])
async def test_max_retries_counts_retries(
    runner: Runner, loopback: Loopback, sleeps: list[float], max_retries: int, attempts: int
) -> None:
    loopback.route(PATH, Reply(503))
    config = Config(base_url=loopback.url, max_retries=max_retries)
    with pytest.raises(ApiError):
        await runner.call(runner.account(config=config).get("/x.json"))
    assert len(loopback.seen(PATH)) == attempts
    assert len(sleeps) == attempts - 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 507, 501, 409])
async def test_statuses_never_retried(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status), OK)
    with pytest.raises(Exception) as caught:
        await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert getattr(caught.value, "http_status", None) == status
    assert len(loopback.seen(PATH)) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_non_idempotent_post_never_retries(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status), Reply(201, {"id": 1}))
    with pytest.raises((ApiError, RateLimitError)):
        await runner.call(runner.account(config=loop_config).post("/x.json", json={"a": 1}))
    assert len(loopback.seen(PATH)) == 1
    assert sleeps == []


async def test_idempotent_mutations_retry(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    account = runner.account(config=loop_config)
    loopback.route(PATH, Reply(503), Reply(200, {"put": 1}))
    assert await runner.call(account.put("/x.json", json={"a": 1})) == {"put": 1}
    loopback.route(PATH, Reply(503), Reply(204))
    assert await runner.call(account.delete("/x.json")) is None
    loopback.route(PATH, Reply(502), Reply(201, {"post": 1}))
    assert await runner.call(account.post("/x.json", json={}, idempotent=True)) == {"post": 1}
    methods = [r.method for r in loopback.seen(PATH)]
    assert methods == ["PUT", "PUT", "DELETE", "DELETE", "POST", "POST"]
    # the body is sent again, unchanged
    assert [r.body for r in loopback.seen(PATH)][:2] == [b'{"a":1}', b'{"a":1}']


async def test_put_marked_not_idempotent_does_not_retry(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(503), OK)
    with pytest.raises(ApiError):
        await runner.call(runner.account(config=loop_config).put("/x.json", idempotent=False))
    assert len(loopback.seen(PATH)) == 1


# -- backoff and Retry-After ------------------------------------------------------------------


async def test_backoff_doubles(runner: Runner, loopback: Loopback, sleeps: list[float]) -> None:
    loopback.route(PATH, Reply(500))
    config = Config(base_url=loopback.url, base_delay=0.5, max_jitter=0)
    with pytest.raises(ApiError):
        await runner.call(runner.account(config=config).get("/x.json"))
    assert sleeps == [0.5, 1.0, 2.0]


async def test_backoff_jitter_within_bounds(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(500))
    config = Config(base_url=loopback.url, base_delay=1.0, max_jitter=0.1, max_retries=3)
    with pytest.raises(ApiError):
        await runner.call(runner.account(config=config).get("/x.json"))
    for index, delay in enumerate(sleeps):
        assert 2**index <= delay < 2**index + 0.1


async def test_backoff_capped(runner: Runner, loopback: Loopback, sleeps: list[float]) -> None:
    loopback.route(PATH, Reply(500))
    config = Config(
        base_url=loopback.url, base_delay=10, max_jitter=0, max_retries=5, max_backoff=30
    )
    with pytest.raises(ApiError):
        await runner.call(runner.account(config=config).get("/x.json"))
    assert sleeps == [10, 20, 30, 30, 30]


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_seconds_replaces_backoff(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status, headers={"Retry-After": "7"}), OK)
    assert await runner.call(runner.account(config=loop_config).get("/x.json")) == {"ok": True}
    assert sleeps == [7.0]


async def test_retry_after_http_date(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.fromtimestamp(time.time() + 20, tz=UTC), usegmt=True)
    loopback.route(PATH, Reply(429, headers={"Retry-After": when}), OK)
    await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert len(sleeps) == 1
    assert 17 < sleeps[0] <= 20


async def test_retry_after_past_date_uses_backoff(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), OK)
    config = Config(base_url=loopback.url, base_delay=0.25, max_jitter=0)
    await runner.call(runner.account(config=config).get("/x.json"))
    assert sleeps == [0.25]


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_zero_uses_backoff(
    runner: Runner, loopback: Loopback, sleeps: list[float], status: int
) -> None:
    loopback.route(PATH, Reply(status, headers={"Retry-After": "0"}), OK)
    config = Config(base_url=loopback.url, base_delay=0.25, max_jitter=0)
    await runner.call(runner.account(config=config).get("/x.json"))
    assert sleeps == [0.25]  # never an immediate re-send


async def test_retry_after_ignored_on_500(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(500, headers={"Retry-After": "50"}), OK)
    config = Config(base_url=loopback.url, base_delay=0.25, max_jitter=0)
    await runner.call(runner.account(config=config).get("/x.json"))
    assert sleeps == [0.25]


async def test_retry_after_above_cap_raises_at_once(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(429, {"error": "Slow down"}, headers={"Retry-After": "120"}), OK)
    with pytest.raises(RateLimitError) as caught:
        await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert caught.value.retry_after == 120.0
    assert caught.value.http_status == 429
    assert caught.value.message == "Slow down"
    assert len(loopback.seen(PATH)) == 1
    assert sleeps == []


async def test_retry_after_above_custom_cap_on_503(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(503, headers={"Retry-After": "11"}), OK)
    config = Config(base_url=loopback.url, max_retry_after=10)
    with pytest.raises(ApiError) as caught:
        await runner.call(runner.account(config=config).get("/x.json"))
    assert caught.value.retry_after == 11.0
    assert caught.value.http_status == 503
    assert sleeps == []


async def test_on_retry_hook_sees_each_retry(
    runner: Runner, loopback: Loopback, sleeps: list[float], recording_hooks: RecordingHooks
) -> None:
    loopback.route(PATH, Reply(503), Reply(429, headers={"Retry-After": "2"}), Reply(500), OK)
    config = Config(base_url=loopback.url, base_delay=1, max_jitter=0)
    account = runner.account(config=config, hooks=recording_hooks)
    await runner.call(account.get("/x.json"))
    retries = recording_hooks.named("retry")
    assert [r[1] for r in retries] == [1, 2, 3]
    assert [r[0].attempt for r in retries] == [1, 2, 3]
    assert [getattr(r[2], "http_status", None) for r in retries] == [503, 429, 500]
    assert [r[3] for r in retries] == [1.0, 2.0, 4.0]
    assert sleeps == [1.0, 2.0, 4.0]
    assert all(isinstance(r[0], RequestInfo) for r in retries)
    assert all(r[0].url == f"{loopback.url}{PATH}" for r in retries)
    ends = recording_hooks.named("request_end")
    assert [e[1].status_code for e in ends] == [503, 429, 500, 200]
    assert ends[1][1].retry_after == 2.0


# -- network errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
async def test_get_retries_dropped_connections(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float], reset: bool
) -> None:
    loopback.route(PATH, Drop(reset=reset), Drop(reset=reset), OK)
    assert await runner.call(runner.account(config=loop_config).get("/x.json")) == {"ok": True}
    assert len(loopback.seen(PATH)) == 3


async def test_post_not_retried_after_dropped_connection(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(PATH, Drop(), Reply(201, {"id": 1}))
    with pytest.raises(NetworkError) as caught:
        await runner.call(runner.account(config=loop_config).post("/x.json", json={"a": 1}))
    assert len(loopback.seen(PATH)) == 1
    assert caught.value.retryable is False
    assert "may or may not have been applied" in caught.value.message
    assert caught.value.exit_code == 6


async def test_network_error_exhausted(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(PATH, Drop(reset=True))
    with pytest.raises(NetworkError) as caught:
        await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert len(loopback.seen(PATH)) == 4
    assert caught.value.retryable is True
    assert caught.value.http_status is None


async def test_connection_refused_post_is_not_retried_and_says_it_was_not_sent(
    runner: Runner, sleeps: list[float]
) -> None:
    config = Config(base_url=f"http://127.0.0.1:{unused_port()}", base_delay=0, max_jitter=0)
    account = runner.account(config=config)
    with pytest.raises(NetworkError):
        await runner.call(account.get("/x.json"))
    assert len(sleeps) == 3
    with pytest.raises(NetworkError) as caught:
        await runner.call(account.post("/x.json", json={}))
    assert len(sleeps) == 3  # the POST is not retried...
    assert "may or may not" not in str(caught.value)  # ...but it was never sent: safe to resend
    assert caught.value.retryable


async def test_read_timeout_retried(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(200, {"late": True}, delay=0.3), OK)
    config = Config(base_url=loopback.url, timeout=0.05, base_delay=0, max_jitter=0)
    assert await runner.call(runner.account(config=config).get("/x.json")) == {"ok": True}
    assert len(sleeps) == 1


async def test_read_timeout_message(
    runner: Runner, loopback: Loopback, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(200, {"late": True}, delay=0.3))
    config = Config(base_url=loopback.url, timeout=0.05, max_retries=0)
    with pytest.raises(NetworkError, match="timed out"):
        await runner.call(runner.account(config=config).get("/x.json"))


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow connect"),
        httpx.PoolTimeout("pool"),
        httpx.ReadTimeout("slow read"),
        httpx.ReadError("reset by peer"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
)
async def test_get_retries_every_network_error(
    runner: Runner, sleeps: list[float], exc: Exception
) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        route = api.get(PATH).mock(side_effect=[exc, exc, httpx.Response(200, json={"a": 1})])
        config = Config(base_delay=0, max_jitter=0)
        assert await runner.call(runner.account(config=config).get("/x.json")) == {"a": 1}
        assert route.call_count == 3


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (httpx.ConnectError("refused"), False),
        (httpx.ConnectTimeout("slow connect"), False),
        (httpx.ReadTimeout("slow read"), False),
        (httpx.ReadError("reset"), False),
        (httpx.RemoteProtocolError("gone"), False),
    ],
)
async def test_post_is_never_retried_on_network_errors(
    runner: Runner, sleeps: list[float], exc: Exception, retried: bool
) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        route = api.post(PATH).mock(side_effect=[exc, httpx.Response(201, json={"id": 1})])
        account = runner.account(config=Config(base_delay=0, max_jitter=0))
        if retried:
            assert await runner.call(account.post("/x.json", json={})) == {"id": 1}
            assert route.call_count == 2
        else:
            with pytest.raises(NetworkError):
                await runner.call(account.post("/x.json", json={}))
            assert route.call_count == 1


async def test_network_error_message_has_no_url(runner: Runner, sleeps: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        api.get(PATH).mock(side_effect=httpx.ConnectError("could not reach https://secret/x?a=b"))
        with pytest.raises(NetworkError) as caught:
            await runner.call(runner.account(config=Config(max_retries=0)).get("/x.json"))
    assert "secret" not in str(caught.value)
    assert caught.value.__cause__ is None


# -- async specifics --------------------------------------------------------------------------


async def test_async_sleep_is_cancellable(loopback: Loopback) -> None:
    from basecamp import AsyncClient

    loopback.route(PATH, Reply(429, headers={"Retry-After": "30"}), OK)
    async with AsyncClient(access_token="t", config=Config(base_url=loopback.url)) as client:
        task = asyncio.create_task(client.for_account(999).get("/x.json"))
        for _ in range(500):
            if loopback.seen(PATH):
                break
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.01)  # now inside the 30 s backoff sleep
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1.0
    assert len(loopback.seen(PATH)) == 1


async def test_async_request_deadline(loopback: Loopback) -> None:
    from basecamp import AsyncClient

    loopback.route(PATH, Reply(200, {"late": True}, delay=0.3))
    config = Config(base_url=loopback.url, request_deadline=0.05, max_retries=0)
    async with AsyncClient(access_token="t", config=config) as client:
        with pytest.raises(NetworkError, match="timed out"):
            await client.for_account(999).get("/x.json")


async def test_401_is_auth_error_not_retried(
    runner: Runner, loopback: Loopback, loop_config: Config, sleeps: list[float]
) -> None:
    loopback.route(PATH, Reply(401, {"error": "expired"}), OK)
    with pytest.raises(AuthError, match="expired"):
        await runner.call(runner.account(config=loop_config).get("/x.json"))
    assert len(loopback.seen(PATH)) == 1
