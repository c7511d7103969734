"""Auth: bearer tokens, 401 refresh-and-replay, single-flight refresh, and the pure helpers."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from core_testkit import TOKEN, Runner

from basecamp import (
    ApiError,
    AsyncOAuthTokenProvider,
    AsyncStaticTokenProvider,
    AsyncTokenProvider,
    AuthError,
    AuthStrategy,
    BearerAuth,
    Client,
    NetworkError,
    OAuthTokenProvider,
    StaticTokenProvider,
    TokenProvider,
    UsageError,
)
from basecamp._auth import (
    LAUNCHPAD_TOKEN_URL,
    check_token,
    expires_soon,
    parse_token_response,
    refresh_form,
)

NEW = "new-access-token-0b5e"
REFRESH = "refresh-token-77aa"
NOW = 1_700_000_000.0


class TokenEndpoint:
    """A fake token endpoint for `transport=`; counts calls and records the forms."""

    def __init__(
        self,
        *,
        status: int = 200,
        body: Any = None,
        delay: float = 0.0,
        is_async: bool = False,
    ) -> None:
        self.status = status
        self.body = body if body is not None else {"access_token": NEW, "expires_in": 3600}
        self.delay = delay
        self.calls = 0
        self.forms: list[dict[str, list[str]]] = []
        self.urls: list[str] = []
        self.lock = threading.Lock()
        self.transport: httpx.MockTransport = httpx.MockTransport(
            self._async_handle if is_async else self._handle
        )

    def _record(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls += 1
        self.forms.append(parse_qs(request.content.decode()))
        self.urls.append(str(request.url))
        content = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return httpx.Response(self.status, content=content)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            time.sleep(self.delay)
        return self._record(request)

    async def _async_handle(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        return self._record(request)


def endpoint(runner: Runner, **kwargs: Any) -> TokenEndpoint:
    return TokenEndpoint(is_async=runner.is_async, **kwargs)


def api_accepting(token: str, router: respx.MockRouter, path: str = "/999/x.json") -> Any:
    """A route that answers 200 to `Bearer <token>` and 401 to anything else."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") == f"Bearer {token}":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(401, json={"error": "token expired"})

    return router.route(path=path).mock(side_effect=answer)


# -- 401: refresh once, replay once -----------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
async def test_401_refreshes_and_replays_once(
    runner: Runner, api: respx.MockRouter, method: str
) -> None:
    token = endpoint(runner)
    refreshed: list[tuple[Any, ...]] = []
    provider = runner.oauth(
        refresh_token=REFRESH,
        transport=token.transport,
        on_refresh=lambda *args: refreshed.append(args),
    )
    route = api_accepting(NEW, api)
    account = runner.account(token_provider=provider)
    call = {
        "GET": lambda: account.get("/x.json"),
        "POST": lambda: account.post("/x.json", json={"a": 1}),
        "PUT": lambda: account.put("/x.json", json={"a": 1}),
        "DELETE": lambda: account.delete("/x.json"),
    }[method]
    assert await runner.call(call()) == {"ok": True}
    assert token.calls == 1
    assert route.call_count == 2
    first, second = (c.request for c in route.calls)
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert second.headers["Authorization"] == f"Bearer {NEW}"
    assert first.content == second.content
    # no refresh token in the answer: the old one is kept
    assert len(refreshed) == 1
    access, refresh, expires_at = refreshed[0]
    assert (access, refresh) == (NEW, REFRESH)
    assert expires_at == pytest.approx(time.time() + 3600, abs=60)
    assert provider.refreshable


async def test_second_401_after_refresh_is_auth_error(
    runner: Runner, api: respx.MockRouter
) -> None:
    token = endpoint(runner)
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    route = api_accepting("never-valid", api)
    with pytest.raises(AuthError, match="token expired") as caught:
        await runner.call(runner.account(token_provider=provider).get("/x.json"))
    assert caught.value.http_status == 401
    assert caught.value.exit_code == 3
    assert token.calls == 1
    assert route.call_count == 2


async def test_each_request_gets_its_own_refresh(runner: Runner, api: respx.MockRouter) -> None:
    token = endpoint(runner)
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    api_accepting("never-valid", api)
    account = runner.account(token_provider=provider)
    for expected in (1, 2):
        with pytest.raises(AuthError):
            await runner.call(account.get("/x.json"))
        assert token.calls == expected


async def test_401_without_refresh_token_is_auth_error(
    runner: Runner, api: respx.MockRouter
) -> None:
    token = endpoint(runner)
    provider = runner.oauth(transport=token.transport)  # no refresh_token
    assert not provider.refreshable
    route = api_accepting(NEW, api)
    with pytest.raises(AuthError):
        await runner.call(runner.account(token_provider=provider).get("/x.json"))
    assert token.calls == 0
    assert route.call_count == 1
    assert await runner.call(provider.refresh()) is False


async def test_401_with_static_token_is_auth_error(runner: Runner, api: respx.MockRouter) -> None:
    route = api_accepting(NEW, api)
    with pytest.raises(AuthError):
        await runner.call(runner.account().get("/x.json"))
    assert route.call_count == 1


async def test_401_with_custom_auth_strategy(runner: Runner, api: respx.MockRouter) -> None:
    route = api_accepting(NEW, api)
    with pytest.raises(AuthError):
        await runner.call(runner.account(auth=BearerAuth(TOKEN)).get("/x.json"))
    assert route.call_count == 1


async def test_refresh_rejected_is_auth_error_without_secrets(
    runner: Runner, api: respx.MockRouter
) -> None:
    token = endpoint(
        runner,
        status=400,
        body={"error": "invalid_grant", "error_description": f"bad {REFRESH}"},
    )
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    api_accepting(NEW, api)
    with pytest.raises(AuthError, match="invalid_grant") as caught:
        await runner.call(runner.account(token_provider=provider).get("/x.json"))
    text = str(caught.value) + repr(caught.value)
    assert REFRESH not in text
    assert TOKEN not in text
    assert "csecret" not in text


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (500, b"oops", ApiError),
        (401, b"{}", AuthError),
        (200, b"not json", ApiError),
        (200, b'{"token": "x"}', ApiError),
        (200, b'{"access_token": ""}', ApiError),
    ],
)
async def test_refresh_failures_are_typed(
    runner: Runner, status: int, body: bytes, cls: type[Exception]
) -> None:
    token = endpoint(runner, status=status, body=body)
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    with pytest.raises(cls):
        await runner.call(provider.refresh())


async def test_refresh_network_error(runner: Runner) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    provider = runner.oauth(refresh_token=REFRESH, transport=httpx.MockTransport(boom))
    with pytest.raises(NetworkError, match="token endpoint") as caught:
        await runner.call(provider.refresh())
    assert REFRESH not in str(caught.value)


async def test_refresh_oversized_response(runner: Runner) -> None:
    token = endpoint(runner, body=b"x" * (1024 * 1024 + 10))
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    with pytest.raises(ApiError, match="larger than"):
        await runner.call(provider.refresh())


async def test_refresh_form_formats(runner: Runner) -> None:
    legacy = endpoint(runner)
    provider = runner.oauth(refresh_token=REFRESH, transport=legacy.transport)
    await runner.call(provider.refresh())
    assert legacy.urls == [LAUNCHPAD_TOKEN_URL]
    assert legacy.forms[0] == {
        "refresh_token": [REFRESH],
        "client_id": ["cid"],
        "client_secret": ["csecret"],
        "type": ["refresh"],
    }
    standard = endpoint(runner, body={"access_token": NEW, "refresh_token": "rotated"})
    refreshed: list[tuple[Any, ...]] = []
    provider = runner.oauth(
        refresh_token=REFRESH,
        transport=standard.transport,
        token_endpoint="https://auth.example/token",
        on_refresh=lambda *a: refreshed.append(a),
    )
    assert await runner.call(provider.refresh()) is True
    assert standard.forms[0]["grant_type"] == ["refresh_token"]
    assert "type" not in standard.forms[0]
    assert refreshed == [(NEW, "rotated", None)]
    assert await runner.call(provider.access_token()) == NEW
    assert provider.expires_at is None


async def test_proactive_refresh_before_expiry(runner: Runner, api: respx.MockRouter) -> None:
    token = endpoint(runner)
    clock = [NOW]
    provider = runner.oauth(
        refresh_token=REFRESH,
        transport=token.transport,
        expires_at=NOW + 30,  # inside the default 60 s skew
        clock=lambda: clock[0],
    )
    route = api_accepting(NEW, api)
    await runner.call(runner.account(token_provider=provider).get("/x.json"))
    assert token.calls == 1
    assert route.call_count == 1  # refreshed before sending, so no 401
    assert provider.expires_at == NOW + 3600


async def test_no_refresh_while_token_fresh(runner: Runner) -> None:
    token = endpoint(runner)
    provider = runner.oauth(
        refresh_token=REFRESH,
        transport=token.transport,
        expires_at=NOW + 3600,
        clock=lambda: NOW,
    )
    assert await runner.call(provider.access_token()) == TOKEN
    assert token.calls == 0


# -- single flight ----------------------------------------------------------------------------


async def test_single_flight_refresh_async_tasks(api: respx.MockRouter) -> None:
    from basecamp import AsyncClient

    token = TokenEndpoint(delay=0.01, is_async=True)
    refreshed: list[Any] = []
    provider = AsyncOAuthTokenProvider(
        TOKEN,
        "cid",
        "csecret",
        refresh_token=REFRESH,
        expires_at=NOW - 10,
        clock=lambda: NOW,
        transport=token.transport,
        on_refresh=lambda *a: refreshed.append(a),
    )
    route = api_accepting(NEW, api)
    async with AsyncClient(token_provider=provider) as client:
        account = client.for_account(999)
        results = await asyncio.gather(*(account.get("/x.json") for _ in range(20)))
    assert results == [{"ok": True}] * 20
    assert token.calls == 1
    assert len(refreshed) == 1
    assert route.call_count == 20


async def test_single_flight_refresh_async_after_401(api: respx.MockRouter) -> None:
    from basecamp import AsyncClient

    token = TokenEndpoint(delay=0.01, is_async=True)
    provider = AsyncOAuthTokenProvider(
        TOKEN, "cid", None, refresh_token=REFRESH, transport=token.transport
    )
    route = api_accepting(NEW, api)
    async with AsyncClient(token_provider=provider) as client:
        account = client.for_account(999)
        results = await asyncio.gather(*(account.get("/x.json") for _ in range(20)))
    assert results == [{"ok": True}] * 20
    assert token.calls == 1
    assert route.call_count == 40


def test_single_flight_refresh_sync_threads(api: respx.MockRouter) -> None:
    token = TokenEndpoint(delay=0.01)
    refreshed: list[Any] = []
    provider = OAuthTokenProvider(
        TOKEN,
        "cid",
        "csecret",
        refresh_token=REFRESH,
        expires_at=NOW - 10,
        clock=lambda: NOW,
        transport=token.transport,
        on_refresh=lambda *a: refreshed.append(a),
    )
    route = api_accepting(NEW, api)
    barrier = threading.Barrier(20)
    results: list[Any] = []
    errors: list[BaseException] = []
    with Client(token_provider=provider) as client:
        account = client.for_account(999)

        def work() -> None:
            barrier.wait()
            try:
                results.append(account.get("/x.json"))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert errors == []
    assert results == [{"ok": True}] * 20
    assert token.calls == 1
    assert len(refreshed) == 1
    assert route.call_count == 20


def test_single_flight_provider_threads_direct() -> None:
    token = TokenEndpoint(delay=0.01)
    provider = OAuthTokenProvider(
        TOKEN,
        "cid",
        None,
        refresh_token=REFRESH,
        expires_at=NOW,
        clock=lambda: NOW,
        transport=token.transport,
    )
    barrier = threading.Barrier(20)
    seen: list[str] = []

    def work() -> None:
        barrier.wait()
        seen.append(provider.access_token())

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == [NEW] * 20
    assert token.calls == 1


# -- providers and strategies -----------------------------------------------------------------


async def test_static_providers() -> None:
    sync = StaticTokenProvider(TOKEN)
    assert sync.access_token() == TOKEN
    assert sync.refreshable is False
    assert sync.refresh() is False
    asynchronous = AsyncStaticTokenProvider(TOKEN)
    assert await asynchronous.access_token() == TOKEN
    assert await asynchronous.refresh() is False
    assert isinstance(sync, TokenProvider)
    assert isinstance(asynchronous, AsyncTokenProvider)
    with pytest.raises(UsageError):
        StaticTokenProvider("")


async def test_oauth_provider_validation(runner: Runner) -> None:
    with pytest.raises(UsageError, match="client_id"):
        runner.oauth(client_id="")
    with pytest.raises(UsageError):
        runner.oauth(access_token="bad\ntoken")


def test_bearer_auth() -> None:
    headers: dict[str, str] = {}
    auth = BearerAuth(TOKEN)
    auth.authenticate(headers)
    assert headers == {"Authorization": f"Bearer {TOKEN}"}
    assert isinstance(auth, AuthStrategy)
    assert TOKEN not in repr(auth)
    with pytest.raises(UsageError):
        BearerAuth("x\r\ny")


# -- pure helpers -----------------------------------------------------------------------------


def test_check_token() -> None:
    assert check_token("abc") == "abc"
    for bad in ("", "  ", None, 5, "a\nb"):
        with pytest.raises(UsageError):
            check_token(bad)


def test_expires_soon() -> None:
    assert not expires_soon(None, skew=60, now=NOW)
    assert not expires_soon(NOW + 61, skew=60, now=NOW)
    assert expires_soon(NOW + 60, skew=60, now=NOW)
    assert expires_soon(NOW - 1, skew=0, now=NOW)


def test_refresh_form() -> None:
    assert refresh_form(refresh_token="r", client_id="c", client_secret=None, legacy=False) == {
        "refresh_token": "r",
        "client_id": "c",
        "grant_type": "refresh_token",
    }
    assert refresh_form(refresh_token="r", client_id="c", client_secret="s", legacy=True) == {
        "refresh_token": "r",
        "client_id": "c",
        "client_secret": "s",
        "type": "refresh",
    }


def test_parse_token_response() -> None:
    grant = parse_token_response(
        200,
        b'{"access_token": "acc-9f1", "refresh_token": "r2", "expires_in": 100}',
        previous_refresh_token="r1",
        now=NOW,
    )
    assert (grant.access_token, grant.refresh_token, grant.expires_at) == (
        "acc-9f1",
        "r2",
        NOW + 100,
    )
    assert "acc-9f1" not in repr(grant)
    kept = parse_token_response(200, b'{"access_token": "a"}', previous_refresh_token="r1")
    assert kept.refresh_token == "r1"
    assert kept.expires_at is None
    for expires_in in ("100", True, -5, 0):
        body = json.dumps({"access_token": "a", "expires_in": expires_in}).encode()
        assert parse_token_response(200, body, now=NOW).expires_at is None


@pytest.mark.parametrize(
    ("status", "body", "cls", "retryable"),
    [
        (400, b'{"error": "invalid_grant"}', AuthError, False),
        (400, b'{"error": "invalid_client"}', AuthError, False),
        (401, b"", AuthError, False),
        (400, b'{"error": "invalid_request"}', ApiError, False),
        (503, b"", ApiError, True),
        (200, b"[]", ApiError, False),
    ],
)
def test_parse_token_response_errors(
    status: int, body: bytes, cls: type[Exception], retryable: bool
) -> None:
    with pytest.raises(cls) as caught:
        parse_token_response(status, body)
    assert getattr(caught.value, "retryable", False) is retryable


def test_parse_token_response_error_code_not_echoed_when_odd() -> None:
    body = json.dumps({"error": "x" * 100 + " " + TOKEN}).encode()
    with pytest.raises(ApiError) as caught:
        parse_token_response(400, body)
    assert TOKEN not in str(caught.value)


def test_refresh_for_a_token_already_replaced_sends_nothing() -> None:
    # Two threads refused the same token: the one that arrives after the other's refresh must
    # not refresh again (the check happens under the provider's lock).
    calls: list[httpx.Request] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"access_token": f"new-{len(calls)}", "expires_in": 3600})

    provider = OAuthTokenProvider(
        "old", "client", "secret", refresh_token="r", transport=httpx.MockTransport(token_endpoint)
    )
    assert provider.refresh(rejected="old")
    assert provider.access_token() == "new-1"
    assert provider.refresh(rejected="old")  # the late thread: "old" is already gone
    assert len(calls) == 1
    assert provider.refresh(rejected="new-1")  # the new token refused too: refresh again
    assert len(calls) == 2


def test_token_endpoint_must_be_https() -> None:
    with pytest.raises(UsageError, match="token_endpoint must use https"):
        OAuthTokenProvider("a", "c", "s", refresh_token="r", token_endpoint="http://idp.example/t")
    # loopback stays allowed, for tests and local flows
    OAuthTokenProvider("a", "c", "s", refresh_token="r", token_endpoint="http://127.0.0.1:9/t")


def test_a_failed_refresh_is_shared_by_the_callers_that_waited_for_it() -> None:
    import threading

    calls: list[int] = []
    gate = threading.Event()

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        gate.wait(2)  # hold the first refresh until every caller is queued on the lock
        return httpx.Response(500, json={"error": "server_error"})

    provider = OAuthTokenProvider(
        "old",
        "client",
        "secret",
        refresh_token="r",
        expires_at=0.0,  # expired: every access_token() call wants a refresh
        transport=httpx.MockTransport(token_endpoint),
    )
    errors: list[BaseException] = []

    def caller() -> None:
        try:
            provider.access_token()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1
    assert len(errors) == 20
    assert all(isinstance(error, ApiError) for error in errors)
    # a caller arriving later may try again
    with pytest.raises(ApiError):
        provider.access_token()
    assert len(calls) == 2


# -- token smalls (issue 14): short grants, malformed tokens, the refresh reason ---------------


class RotatingEndpoint:
    """A token endpoint that rotates the refresh token and grants `lifetime` seconds."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.refresh_tokens: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.refresh_tokens.append(parse_qs(request.content.decode())["refresh_token"][0])
        n = len(self.refresh_tokens)
        body = {"access_token": NEW, "refresh_token": f"rotated-{n}", "expires_in": self.lifetime}
        return httpx.Response(200, json=body)


async def test_a_grant_shorter_than_the_skew_is_refreshed_once_per_call(
    runner: Runner, api: respx.MockRouter
) -> None:
    # The grant lives 30 s, less than the 60 s skew: the fresh token must not count as
    # "expiring" at once, or every attempt of the call refreshes (and burns a rotating token).
    rotating = RotatingEndpoint(lifetime=30)
    now = [NOW]
    provider = runner.oauth(
        refresh_token=REFRESH,
        expires_at=NOW - 1,
        clock=lambda: now[0],
        transport=httpx.MockTransport(rotating),
    )
    answers = iter([httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})])
    route = api.route(path="/999/x.json").mock(side_effect=lambda _: next(answers))
    from basecamp import Config

    account = runner.account(token_provider=provider, config=Config(base_delay=0, max_jitter=0))
    assert await runner.call(account.get("/x.json")) == {}
    assert route.call_count == 3
    assert rotating.refresh_tokens == [REFRESH]
    # Half the grant's lifetime later, it is refreshed again, with the rotated token.
    now[0] = NOW + 16
    assert await runner.call(provider.access_token()) == NEW
    assert rotating.refresh_tokens == [REFRESH, "rotated-1"]


@pytest.mark.parametrize("bad", ["has space", "line\r\nX-Injected: 1", "caf\u00e9"])
async def test_a_malformed_token_from_the_endpoint_is_an_api_error(
    runner: Runner, api: respx.MockRouter, bad: str
) -> None:
    # The server's fault, not the caller's: never a UsageError (exit 1, "fix your code").
    token = endpoint(runner, body={"access_token": bad, "expires_in": 3600})
    provider = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    with pytest.raises(ApiError, match="not a valid header value") as caught:
        await runner.call(provider.refresh())
    assert not isinstance(caught.value, UsageError)
    assert caught.value.exit_code != 1
    assert bad not in str(caught.value)
    # Through a client whose token expired: the same ApiError, nothing sent to the API.
    route = api.route(path="/999/x.json").respond(200, json={})
    expired = runner.oauth(refresh_token=REFRESH, expires_at=0, transport=token.transport)
    with pytest.raises(ApiError, match="not a valid header value") as failed:
        await runner.call(runner.account(token_provider=expired).get("/x.json"))
    assert not isinstance(failed.value, UsageError)
    assert route.call_count == 0
    # A 401 whose refresh returns a malformed token: an auth error (exit 3), not a usage one.
    rejected = runner.oauth(refresh_token=REFRESH, transport=token.transport)
    api.route(path="/999/y.json").respond(401, json={"error": "expired"})
    with pytest.raises(AuthError) as refused:
        await runner.call(runner.account(token_provider=rejected).get("/y.json"))
    assert refused.value.exit_code == 3


async def test_a_malformed_refresh_token_from_the_endpoint_is_an_api_error(runner: Runner) -> None:
    body = {"access_token": NEW, "refresh_token": "two words"}
    provider = runner.oauth(refresh_token=REFRESH, transport=endpoint(runner, body=body).transport)
    with pytest.raises(ApiError, match="not a valid header value"):
        await runner.call(provider.refresh())


class ReasonRecorder:
    """A custom provider that records why the client asked it to refresh."""

    refreshable = True

    def __init__(self) -> None:
        self.token = "first"
        self.reasons: list[tuple[str, str | None]] = []

    def access_token(self) -> str:
        return self.token

    def refresh(self, *, reason: str = "expiring", rejected: str | None = None) -> bool:
        self.reasons.append((reason, rejected))
        self.token = "second"
        return True


class AsyncReasonRecorder(ReasonRecorder):
    async def access_token(self) -> str:  # type: ignore[override]
        return self.token

    async def refresh(  # type: ignore[override]
        self, *, reason: str = "expiring", rejected: str | None = None
    ) -> bool:
        return ReasonRecorder.refresh(self, reason=reason, rejected=rejected)


async def test_the_client_tells_a_provider_why_it_refreshes(
    runner: Runner, api: respx.MockRouter
) -> None:
    provider = AsyncReasonRecorder() if runner.is_async else ReasonRecorder()
    route = api_accepting("second", api)
    assert await runner.call(runner.account(token_provider=provider).get("/x.json")) == {"ok": True}
    assert provider.reasons == [("rejected", "first")]
    assert route.call_count == 2


def test_the_reason_is_part_of_the_protocol() -> None:
    import inspect

    for protocol in (TokenProvider, AsyncTokenProvider):
        params = inspect.signature(protocol.refresh).parameters
        assert params["reason"].kind is inspect.Parameter.KEYWORD_ONLY
        assert params["rejected"].default is None
