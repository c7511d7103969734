"""`run_local_flow` and `arun_local_flow` end to end on 127.0.0.1: a fake authorization server
in a thread, a fake browser that follows its redirect with a plain HTTP client, and the real
listener. Every flow test runs through both shells (the `run` fixture)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import basecamp.oauth as oauth
from basecamp import UsageError
from basecamp.oauth import (
    OAuthError,
    OAuthRejectedError,
    OAuthTimeoutError,
    arun_local_flow,
    discover,
    run_local_flow,
)

Run = Callable[..., oauth.OAuthToken]


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest) -> Run:
    """`run_local_flow`, or `arun_local_flow` run to completion in a fresh event loop."""
    if request.param == "sync":
        return run_local_flow

    def run_async(**kwargs: Any) -> oauth.OAuthToken:
        return asyncio.run(arun_local_flow(**kwargs))

    return run_async


@pytest.fixture
def flow(run: Run) -> Callable[..., oauth.OAuthToken]:
    """Runs the flow against the fake server with the fake browser, and `kwargs` on top."""

    def call(server, browser, **kwargs: object) -> oauth.OAuthToken:
        args: dict[str, object] = {
            "client_id": "client-123",
            "authorization_endpoint": f"{server.base_url}/oauth/authorize",
            "token_endpoint": f"{server.base_url}/oauth/token",
            "open_browser": browser,
            "timeout": 10,
        }
        args.update(kwargs)
        return run(**args)

    return call


def test_end_to_end(
    flow, auth_server, browser, kit: ModuleType, capfd: pytest.CaptureFixture[str]
) -> None:
    token = flow(auth_server, browser, scope="read", client_secret=kit.CLIENT_SECRET)
    browser.wait()
    assert token.access_token == kit.ACCESS
    assert token.refresh_token == kit.REFRESH
    [authorize] = auth_server.authorize_requests
    assert authorize["response_type"] == "code"
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["scope"] == "read"
    redirect = urlsplit(authorize["redirect_uri"])
    assert redirect.scheme == "http"
    assert redirect.hostname == "127.0.0.1"
    assert redirect.port
    assert redirect.port > 0
    assert redirect.path == "/callback"
    assert len(authorize["state"]) >= 22
    [exchange] = auth_server.token_requests
    assert exchange["grant_type"] == "authorization_code"
    assert exchange["redirect_uri"] == authorize["redirect_uri"]
    assert exchange["client_secret"] == kit.CLIENT_SECRET
    # The browser got the "close this tab" page.
    [(status, page)] = browser.visits
    assert status == 200
    assert b"You can close this tab" in page
    # Nothing (in particular no request line with the code) was logged.
    out, err = capfd.readouterr()
    assert kit.CODE not in out + err
    assert out == err == ""


def test_discovered_config_and_iss(flow, auth_server, browser, kit: ModuleType) -> None:
    auth_server.iss_supported = True
    config = discover(auth_server.base_url)
    auth_server.iss = config.issuer
    token = flow(
        auth_server, browser, authorization_endpoint=None, token_endpoint=None, config=config
    )
    assert token.access_token == kit.ACCESS


@pytest.mark.parametrize(("iss", "supported"), [("https://evil.example", False), (None, True)])
def test_wrong_or_missing_iss_is_refused(flow, auth_server, browser, iss, supported) -> None:
    auth_server.iss_supported = supported
    config = discover(auth_server.base_url)
    auth_server.iss = iss
    with pytest.raises(OAuthError, match="iss"):
        flow(auth_server, browser, authorization_endpoint=None, token_endpoint=None, config=config)
    assert auth_server.token_requests == []


def test_wrong_state_is_rejected(flow, auth_server, browser, kit: ModuleType) -> None:
    auth_server.state_override = "forged-state"
    with pytest.raises(OAuthError, match="state") as info:
        flow(auth_server, browser)
    browser.wait()
    assert auth_server.token_requests == []  # the code was never exchanged
    [(status, page)] = browser.visits
    assert status == 400
    assert b"Sign-in failed" in page
    kit.assert_no_secrets(info.value, (f"{kit.CODE}-0",))


@pytest.mark.parametrize(
    ("error", "expected"),
    [("access_denied", OAuthRejectedError), ("server_error", OAuthError)],
)
def test_error_redirects(flow, auth_server, browser, error: str, expected: type[Exception]) -> None:
    auth_server.error = error
    with pytest.raises(expected) as info:
        flow(auth_server, browser)
    assert info.value.error_code == error  # type: ignore[attr-defined]


def test_timeout_when_the_user_never_finishes(flow, auth_server, browser) -> None:
    auth_server.skip_redirect = True
    started = time.monotonic()
    with pytest.raises(OAuthTimeoutError, match=r"within 0\.5 seconds"):
        flow(auth_server, browser, timeout=0.5)
    assert time.monotonic() - started < 5


def test_listener_ignores_other_paths_and_is_closed_afterwards(flow, auth_server, kit) -> None:
    ports: list[int] = []
    answers: list[int] = []

    def browse(url: str) -> None:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect_uri).port
        assert port is not None
        ports.append(port)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

        def visit() -> None:
            try:
                opener.open(f"http://127.0.0.1:{port}/favicon.ico", timeout=5)
            except urllib.error.HTTPError as error:
                answers.append(error.code)
            with opener.open(url, timeout=5) as response:
                answers.append(response.status)

        threading.Thread(target=visit, daemon=True).start()

    token = flow(auth_server, browse)
    assert token.access_token == kit.ACCESS
    assert answers == [404, 200]
    with socket.socket() as probe:
        probe.settimeout(1)
        with pytest.raises(OSError):
            probe.connect(("127.0.0.1", ports[0]))


def test_an_idle_speculative_connection_does_not_block(
    flow, auth_server, browser, kit: ModuleType
) -> None:
    idle: list[socket.socket] = []

    def browse(url: str) -> None:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect_uri).port
        assert port is not None
        # Like a browser's preconnect: a socket that never sends a request.
        idle.append(socket.create_connection(("127.0.0.1", port)))
        browser(url)

    started = time.monotonic()
    assert flow(auth_server, browse).access_token == kit.ACCESS
    assert time.monotonic() - started < 5
    for sock in idle:
        sock.close()


def test_ipv6_loopback(flow, auth_server, browser, kit: ModuleType) -> None:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    # The fake browser reaches the auth server over IPv4 and the listener over [::1].
    token = flow(auth_server, browser, host="::1")
    [authorize] = auth_server.authorize_requests
    assert urlsplit(authorize["redirect_uri"]).hostname == "::1"
    assert token.access_token == kit.ACCESS


def test_legacy_format(flow, auth_server, browser, kit: ModuleType) -> None:
    assert flow(auth_server, browser, use_legacy_format=True).access_token == kit.ACCESS
    [authorize] = auth_server.authorize_requests
    assert authorize["type"] == "web_server"
    assert "response_type" not in authorize
    [exchange] = auth_server.token_requests
    assert exchange["type"] == "web_server"
    assert "grant_type" not in exchange


def test_open_browser_none_prints_the_url(
    flow, auth_server, capsys: pytest.CaptureFixture[str], kit: ModuleType
) -> None:
    auth_server.skip_redirect = True
    with pytest.raises(OAuthTimeoutError):
        flow(auth_server, None, timeout=0.2)
    err = capsys.readouterr().err
    assert f"{auth_server.base_url}/oauth/authorize?" in err


def test_default_opener_uses_webbrowser(
    run: Run, auth_server, browser, monkeypatch: pytest.MonkeyPatch, capsys, kit: ModuleType
) -> None:
    monkeypatch.setattr("webbrowser.open", browser)
    args = {
        "client_id": "client-123",
        "authorization_endpoint": f"{auth_server.base_url}/oauth/authorize",
        "token_endpoint": f"{auth_server.base_url}/oauth/token",
    }
    assert run(**args).access_token == kit.ACCESS
    assert capsys.readouterr().err == ""
    # When no browser can be opened, the URL is printed instead.
    auth_server.skip_redirect = True
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    with pytest.raises(OAuthTimeoutError):
        run(**args, timeout=0.2)
    assert "/oauth/authorize?" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs",
    [
        {"host": "0.0.0.0"},
        {"host": "example.com"},
        {"port": -1},
        {"port": 70000},
        {"port": True},
        {"path": "callback"},
        {"path": "/cb?x=1"},
        {"timeout": 0},
        {"client_id": ""},
        {"token_endpoint": None},
        {"token_endpoint": "http://auth.example.com/token"},
        {"config": "nope"},
    ],
)
def test_argument_errors(flow, auth_server, browser, kwargs: dict[str, object]) -> None:
    if "config" in kwargs:
        kwargs = {**kwargs, "authorization_endpoint": None, "token_endpoint": None}
    with pytest.raises(UsageError):
        flow(auth_server, browser, **kwargs)
    assert browser.visits == []


def test_config_and_endpoints_are_exclusive(flow, auth_server, browser) -> None:
    config = discover(auth_server.base_url)
    with pytest.raises(UsageError, match="not both"):
        flow(auth_server, browser, config=config)


def test_port_in_use(flow, auth_server, browser) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match="in use"):
            flow(auth_server, browser, port=port)


def test_fixed_port(flow, auth_server, browser, kit: ModuleType) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = flow(auth_server, browser, port=port, path="/oauth/done")
    assert token.access_token == kit.ACCESS
    assert auth_server.authorize_requests[0]["redirect_uri"] == (
        f"http://127.0.0.1:{port}/oauth/done"
    )


# -- the async twin: the exchange goes through the async client, and the loop never blocks --------


def _redirect_port(url: str) -> int:
    port = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0]).port
    assert port is not None
    return port


def test_async_flow_keeps_the_loop_free_and_exchanges_asynchronously(
    auth_server, browser, kit: ModuleType
) -> None:
    exchanged: list[httpx.Request] = []

    async def token_endpoint(request: httpx.Request) -> httpx.Response:
        # An async handler: a sync client could not call it, so this proves `aexchange_code`.
        exchanged.append(request)
        return httpx.Response(200, json=kit.token_body())

    def slow_browser(url: str) -> None:
        threading.Timer(0.3, browser, args=(url,)).start()

    async def main() -> tuple[oauth.OAuthToken, int]:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        ticking = asyncio.create_task(ticker())
        try:
            token = await arun_local_flow(
                client_id=kit.CLIENT_ID,
                authorization_endpoint=f"{auth_server.base_url}/oauth/authorize",
                token_endpoint=f"{auth_server.base_url}/oauth/token",
                open_browser=slow_browser,
                timeout=10,
                transport=httpx.MockTransport(token_endpoint),
            )
        finally:
            done.set()
            await ticking
        return token, ticks

    token, ticks = asyncio.run(main())
    browser.wait()
    assert token.access_token == kit.ACCESS
    assert ticks >= 10  # the loop ran other tasks for the ~0.3 s the user took
    [request] = exchanged
    form = dict(parse_qs(request.content.decode()))
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == [f"{kit.CODE}-0"]
    assert len(form["code_verifier"][0]) >= 43
    [(status, _page)] = browser.visits
    assert status == 200


def test_async_flow_cancelled_closes_the_listener(auth_server, kit: ModuleType) -> None:
    auth_server.skip_redirect = True
    ports: list[int] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        opened = asyncio.Event()

        def open_browser(url: str) -> None:  # called in a worker thread
            ports.append(_redirect_port(url))
            loop.call_soon_threadsafe(opened.set)

        task = asyncio.create_task(
            arun_local_flow(
                client_id=kit.CLIENT_ID,
                authorization_endpoint=f"{auth_server.base_url}/oauth/authorize",
                token_endpoint=f"{auth_server.base_url}/oauth/token",
                open_browser=open_browser,
                timeout=60,
            )
        )
        await opened.wait()
        await asyncio.sleep(0.05)  # the flow is now waiting for the redirect
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 5  # not the 60 s timeout
    with socket.socket() as probe:
        probe.settimeout(1)
        with pytest.raises(OSError):
            probe.connect(("127.0.0.1", ports[0]))
