"""Edge cases found in review: cookies, encodings, refresh failures and writes that may have
been applied."""

from __future__ import annotations

import httpx
import pytest
import respx
from core_testkit import BASE_URL, Runner

from basecamp import ApiError, AuthError, Config, NetworkError, UsageError


async def test_no_cookie_is_stored_or_sent_to_download_storage(
    runner: Runner, api: respx.MockRouter
) -> None:
    api.get("/999/blobs/1/download").respond(
        302,
        headers={"Location": "/storage/f.bin?sig=s3cret", "Set-Cookie": "session=abc; Path=/"},
    )
    storage = api.get("/storage/f.bin").respond(200, content=b"bytes")
    result = await runner.call(runner.account().download_url("/blobs/1/download"))
    assert result.body == b"bytes"
    assert "cookie" not in storage.calls.last.request.headers


async def test_401_with_a_failing_refresh_is_an_auth_error(
    runner: Runner, api: respx.MockRouter
) -> None:
    api.get("/999/x.json").respond(401, json={"error": "expired"})
    token_endpoint = respx.MockRouter(assert_all_called=False)
    token_endpoint.post("https://launchpad.37signals.com/authorization/token").respond(
        500, json={"error": "server_error"}
    )
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport = (
        httpx.MockTransport(token_endpoint.handler)
        if not runner.is_async
        else httpx.MockTransport(token_endpoint.async_handler)
    )
    provider = runner.oauth(refresh_token="r", transport=transport)
    account = runner.account(token_provider=provider, config=Config(max_retries=0))
    with pytest.raises(AuthError, match="refreshing it failed") as caught:
        await runner.call(account.get("/x.json"))
    assert caught.value.http_status == 401
    assert not caught.value.retryable


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_write_that_may_have_been_applied_is_not_marked_retryable(
    runner: Runner, api: respx.MockRouter, status: int
) -> None:
    route = api.post("/999/todos.json").respond(status)
    with pytest.raises(ApiError) as caught:
        await runner.call(runner.account().post("/todos.json", json={"content": "x"}))
    assert route.call_count == 1
    assert not caught.value.retryable
    assert "may or may not" in str(caught.value)


async def test_503_on_a_write_stays_retryable_for_the_caller(
    runner: Runner, api: respx.MockRouter
) -> None:
    api.post("/999/todos.json").respond(503)
    with pytest.raises(ApiError) as caught:
        await runner.call(runner.account().post("/todos.json", json={"content": "x"}))
    assert caught.value.retryable  # the server says it did not take the request


@pytest.mark.parametrize("token", ["tök-secret", "tok\tsecret"])
def test_non_ascii_or_control_tokens_are_refused(runner: Runner, token: str) -> None:
    with pytest.raises(UsageError) as caught:
        runner.client(access_token=token)
    assert "secret" not in str(caught.value)


def test_non_ascii_user_agent_is_refused(runner: Runner) -> None:
    with pytest.raises(UsageError, match="ASCII"):
        runner.client(user_agent="mon app é")


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.get("/a\tb.json"),
        lambda a: a.get("/\udcff.json"),
        lambda a: a.get("/x.json", params={"q": "\udcff"}),
        lambda a: a.post("/x.json", json={"a": "\udcff"}),
        lambda a: a.get("/x.json", params={"q": b"bytes"}),
    ],
)
async def test_values_that_cannot_go_on_the_wire_are_usage_errors(
    runner: Runner, api: respx.MockRouter, call: object
) -> None:
    with pytest.raises(UsageError):
        await runner.call(call(runner.account()))  # type: ignore[operator]


async def test_an_unusable_2xx_body_names_its_status_and_request_id(
    runner: Runner, api: respx.MockRouter
) -> None:
    api.get("/999/x.json").respond(200, content=b"<html>", headers={"X-Request-Id": "req-7"})
    with pytest.raises(ApiError) as caught:
        await runner.call(runner.account().get("/x.json"))
    assert caught.value.http_status == 200
    assert caught.value.request_id == "req-7"


async def test_stacked_content_encodings_are_refused(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/x.json").respond(
        200, content=b"\x1f\x8b", headers={"Content-Encoding": "gzip, gzip"}
    )
    with pytest.raises(ApiError, match="Content-Encoding"):
        await runner.call(runner.account(config=Config(max_retries=0)).get("/x.json"))


def test_connection_errors_say_the_request_was_not_sent() -> None:
    from basecamp._cycle import network_error

    error = network_error(httpx.ConnectError("refused"), idempotent=False)
    assert isinstance(error, NetworkError)
    assert "was not sent" in str(error)
    assert error.retryable
    assert BASE_URL not in str(error)


async def test_a_proxy_from_the_environment_is_used(
    runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A loopback "proxy": plain-http requests through a proxy carry the absolute URL.
    import http.server
    import threading

    seen: list[str] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"via": "proxy"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        # `localhost` (not 127.0.0.1, which httpx never proxies) as the API origin
        account = runner.account(config=Config(base_url="http://localhost:9"))
        assert await runner.call(account.get("/x.json")) == {"via": "proxy"}
        assert seen == ["http://localhost:9/999/x.json"]
    finally:
        server.shutdown()
