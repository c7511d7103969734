"""`run_local_flow` end to end on 127.0.0.1: a fake authorization server in a thread, a fake
browser that follows its redirect with a plain HTTP client, and the real listener."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest

import basecamp.oauth as oauth
from basecamp import UsageError
from basecamp.oauth import (
    OAuthError,
    OAuthRejectedError,
    OAuthTimeoutError,
    discover,
    run_local_flow,
)


def _flow(server, browser, **kwargs: object) -> oauth.OAuthToken:
    args: dict[str, object] = {
        "client_id": "client-123",
        "authorization_endpoint": f"{server.base_url}/oauth/authorize",
        "token_endpoint": f"{server.base_url}/oauth/token",
        "open_browser": browser,
        "timeout": 10,
    }
    args.update(kwargs)
    return run_local_flow(**args)  # type: ignore[arg-type]


def test_end_to_end(
    auth_server, browser, kit: ModuleType, capfd: pytest.CaptureFixture[str]
) -> None:
    token = _flow(auth_server, browser, scope="read", client_secret=kit.CLIENT_SECRET)
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


def test_discovered_config_and_iss(auth_server, browser, kit: ModuleType) -> None:
    auth_server.iss_supported = True
    config = discover(auth_server.base_url)
    auth_server.iss = config.issuer
    token = _flow(
        auth_server, browser, authorization_endpoint=None, token_endpoint=None, config=config
    )
    assert token.access_token == kit.ACCESS


@pytest.mark.parametrize(("iss", "supported"), [("https://evil.example", False), (None, True)])
def test_wrong_or_missing_iss_is_refused(auth_server, browser, iss, supported) -> None:
    auth_server.iss_supported = supported
    config = discover(auth_server.base_url)
    auth_server.iss = iss
    with pytest.raises(OAuthError, match="iss"):
        _flow(auth_server, browser, authorization_endpoint=None, token_endpoint=None, config=config)
    assert auth_server.token_requests == []


def test_wrong_state_is_rejected(auth_server, browser, kit: ModuleType) -> None:
    auth_server.state_override = "forged-state"
    with pytest.raises(OAuthError, match="state") as info:
        _flow(auth_server, browser)
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
def test_error_redirects(auth_server, browser, error: str, expected: type[Exception]) -> None:
    auth_server.error = error
    with pytest.raises(expected) as info:
        _flow(auth_server, browser)
    assert info.value.error_code == error  # type: ignore[attr-defined]


def test_timeout_when_the_user_never_finishes(auth_server, browser) -> None:
    auth_server.skip_redirect = True
    started = time.monotonic()
    with pytest.raises(OAuthTimeoutError, match=r"within 0\.5 seconds"):
        _flow(auth_server, browser, timeout=0.5)
    assert time.monotonic() - started < 5


def test_listener_ignores_other_paths_and_is_closed_afterwards(auth_server, kit) -> None:
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

    token = _flow(auth_server, browse)
    assert token.access_token == kit.ACCESS
    assert answers == [404, 200]
    with socket.socket() as probe:
        probe.settimeout(1)
        with pytest.raises(OSError):
            probe.connect(("127.0.0.1", ports[0]))


def test_an_idle_speculative_connection_does_not_block(
    auth_server, browser, kit: ModuleType
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
    assert _flow(auth_server, browse).access_token == kit.ACCESS
    assert time.monotonic() - started < 5
    for sock in idle:
        sock.close()


def test_ipv6_loopback(auth_server, browser, kit: ModuleType) -> None:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    # The fake browser reaches the auth server over IPv4 and the listener over [::1].
    token = _flow(auth_server, browser, host="::1")
    [authorize] = auth_server.authorize_requests
    assert urlsplit(authorize["redirect_uri"]).hostname == "::1"
    assert token.access_token == kit.ACCESS


def test_legacy_format(auth_server, browser, kit: ModuleType) -> None:
    assert _flow(auth_server, browser, use_legacy_format=True).access_token == kit.ACCESS
    [authorize] = auth_server.authorize_requests
    assert authorize["type"] == "web_server"
    assert "response_type" not in authorize
    [exchange] = auth_server.token_requests
    assert exchange["type"] == "web_server"
    assert "grant_type" not in exchange


def test_open_browser_none_prints_the_url(
    auth_server, capsys: pytest.CaptureFixture[str], kit: ModuleType
) -> None:
    auth_server.skip_redirect = True
    with pytest.raises(OAuthTimeoutError):
        _flow(auth_server, None, timeout=0.2)
    err = capsys.readouterr().err
    assert f"{auth_server.base_url}/oauth/authorize?" in err


def test_default_opener_uses_webbrowser(
    auth_server, browser, monkeypatch: pytest.MonkeyPatch, capsys, kit: ModuleType
) -> None:
    monkeypatch.setattr("webbrowser.open", browser)
    args = {
        "client_id": "client-123",
        "authorization_endpoint": f"{auth_server.base_url}/oauth/authorize",
        "token_endpoint": f"{auth_server.base_url}/oauth/token",
    }
    assert run_local_flow(**args).access_token == kit.ACCESS  # type: ignore[arg-type]
    assert capsys.readouterr().err == ""
    # When no browser can be opened, the URL is printed instead.
    auth_server.skip_redirect = True
    monkeypatch.setattr("webbrowser.open", lambda url: False)
    with pytest.raises(OAuthTimeoutError):
        run_local_flow(**args, timeout=0.2)  # type: ignore[arg-type]
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
def test_argument_errors(auth_server, browser, kwargs: dict[str, object]) -> None:
    if "config" in kwargs:
        kwargs = {**kwargs, "authorization_endpoint": None, "token_endpoint": None}
    with pytest.raises(UsageError):
        _flow(auth_server, browser, **kwargs)
    assert browser.visits == []


def test_config_and_endpoints_are_exclusive(auth_server, browser) -> None:
    config = discover(auth_server.base_url)
    with pytest.raises(UsageError, match="not both"):
        _flow(auth_server, browser, config=config)


def test_port_in_use(auth_server, browser) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match="in use"):
            _flow(auth_server, browser, port=port)


def test_fixed_port(auth_server, browser, kit: ModuleType) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = _flow(auth_server, browser, port=port, path="/oauth/done")
    assert token.access_token == kit.ACCESS
    assert auth_server.authorize_requests[0]["redirect_uri"] == (
        f"http://127.0.0.1:{port}/oauth/done"
    )
