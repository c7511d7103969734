"""Secrets never leak: no token in any message, repr, hook record or log line; no signed download
query string in hooks or logs. Each test runs many paths and scans everything it captured."""

from __future__ import annotations

import io
import json

import httpx
import pytest
import respx
from core_testkit import ACCOUNT_URL, BASE_URL, TOKEN, RecordingHooks, Runner

import basecamp.hooks
from basecamp import BasecampError, Config

REFRESH = "refresh-MARKER-91c3"
SECRET = "client-secret-MARKER-4d2a"
NEW_TOKEN = "new-access-MARKER-aa17"
SIGNATURE = "sig-MARKER-b00b"
MARKERS = (TOKEN, REFRESH, SECRET, NEW_TOKEN, SIGNATURE)


def assert_clean(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"leaked {marker!r}"


def describe(error: BaseException) -> str:
    parts = [str(error), repr(error), repr(error.args)]
    if isinstance(error, BasecampError):
        parts += [error.message, repr(error.hint)]
    cause = error.__cause__ or error.__context__
    if cause is not None:
        parts.append(describe(cause))
    return "\n".join(parts)


async def test_no_secret_anywhere(
    runner: Runner, capsys: pytest.CaptureFixture[str], recording_hooks: RecordingHooks
) -> None:
    log = io.StringIO()
    hooks = basecamp.hooks.chain_hooks(
        recording_hooks, basecamp.hooks.console_hooks(), basecamp.hooks.console_hooks(log)
    )

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": NEW_TOKEN, "expires_in": 3600})

    provider = runner.oauth(
        client_secret=SECRET,
        refresh_token=REFRESH,
        transport=httpx.MockTransport(token_endpoint),
    )
    config = Config(base_delay=0, max_jitter=0)
    client = runner.client(token_provider=provider, hooks=hooks, config=config)
    account = client.for_account(999)
    errors: list[BaseException] = []

    def respond_by_token(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] != f"Bearer {NEW_TOKEN}":
            return httpx.Response(401, json={"error": "expired"})
        return httpx.Response(200, json=[{"id": 1}], headers={"X-Total-Count": "1"})

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as api:
        api.get("/999/ok.json").mock(side_effect=respond_by_token)
        api.get("/999/missing.json").respond(404, json={"error": f"no token {TOKEN[:3]}"})
        api.get("/999/slow.json").respond(429, headers={"Retry-After": "600"})
        api.get("/999/down.json").respond(503)
        api.get("/999/net.json").mock(side_effect=httpx.ConnectError(f"Bearer {TOKEN}"))
        api.post("/999/bad.json").respond(422, json={"errors": {"name": ["bad"]}})
        api.get("/999/blob").respond(
            302, headers={"Location": f"https://storage.example/f.bin?X-Sig={SIGNATURE}"}
        )
        api.get("https://storage.example/f.bin").respond(200, content=b"bytes")
        api.get("/999/foreign").respond(
            302, headers={"Location": f"https://storage.example/gone.bin?X-Sig={SIGNATURE}"}
        )
        api.get("https://storage.example/gone.bin").respond(403, content=b"denied")

        assert await runner.call(account.get("/ok.json")) == [{"id": 1}]
        assert await runner.call(account.paginate("/ok.json")) == [{"id": 1}]
        assert (await runner.call(account.download_url(f"{ACCOUNT_URL}/blob"))).body == b"bytes"
        await runner.call(account.download_to(f"{ACCOUNT_URL}/blob", io.BytesIO()))
        for call in (
            lambda: account.get("/missing.json"),
            lambda: account.get("/slow.json"),
            lambda: account.get("/down.json"),
            lambda: account.get("/net.json"),
            lambda: account.post("/bad.json", json={"token": "x"}),
            lambda: account.download_url(f"{ACCOUNT_URL}/foreign"),
            lambda: account.get("https://evil.example/steal"),
        ):
            with pytest.raises(BasecampError) as caught:
                await runner.call(call())
            errors.append(caught.value)

    assert len(errors) == 7
    captured = capsys.readouterr()
    assert captured.err  # the console hooks did write
    assert_clean(captured.out + captured.err)
    assert_clean(log.getvalue())
    assert_clean(repr(recording_hooks.calls))
    for error in errors:
        assert_clean(describe(error))
    for obj in (client, account, provider, client.authorization, config):
        assert_clean(repr(obj))
        assert_clean(str(obj))


async def test_signed_url_redacted_in_hook_records(
    runner: Runner, recording_hooks: RecordingHooks
) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        api.get("/999/blob").respond(
            302, headers={"Location": f"https://storage.example/f.bin?X-Sig={SIGNATURE}"}
        )
        storage = api.get("https://storage.example/f.bin").mock(
            side_effect=[httpx.Response(503), httpx.Response(200, content=b"ok")]
        )
        account = runner.account(hooks=recording_hooks, config=Config(base_delay=0, max_jitter=0))
        await runner.call(account.download_url("/blob"))
        assert storage.call_count == 2
        assert storage.calls.last.request.url.params["X-Sig"] == SIGNATURE  # sent, not shown
    assert_clean(repr(recording_hooks.calls))
    urls = {c[1].url for c in recording_hooks.calls if c[0] in ("request_start", "retry")}
    assert "https://storage.example/f.bin" in urls


def test_token_endpoint_errors_do_not_echo_body() -> None:
    from basecamp._auth import parse_token_response

    body = json.dumps(
        {"error": "invalid_grant", "error_description": f"{REFRESH} {SECRET}"}
    ).encode()
    with pytest.raises(BasecampError) as caught:
        parse_token_response(400, body)
    assert_clean(describe(caught.value))


# -- issue 14 item 3: storage errors, request ids and exception chains -------------------------

STORAGE_SIG = "sIg0a1b2c3d4e5f6MARKER"
SIGNED_BLOB = f"https://storage.example/blobs/x?sig={STORAGE_SIG}&expires=1"


def chain_texts(error: BaseException) -> str:
    """Everything an exception and its whole chain can show: str, repr, args, attributes, the
    formatted traceback, and any document a chained decoding error kept (`.doc`)."""
    import traceback

    parts: list[str] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        parts.append(str(getattr(current, "doc", "")))
        stack += [current.__cause__, current.__context__]
    parts += traceback.format_exception(error)
    return "\n".join(parts)


async def test_a_storage_error_echoing_the_signature_is_redacted(
    runner: Runner, recording_hooks: RecordingHooks
) -> None:
    echoed = {"error": f"signature expired: /blobs/x?sig={STORAGE_SIG}"}
    with respx.mock(base_url=BASE_URL) as api:
        api.get("/999/blob").respond(302, headers={"Location": SIGNED_BLOB})
        api.get("https://storage.example/blobs/x").respond(
            403, json=echoed, headers={"X-Request-Id": f"req-{STORAGE_SIG}"}
        )
        account = runner.account(hooks=recording_hooks, config=Config(max_retries=0))
        for call in (
            lambda: account.download_url("/blob"),
            lambda: account.download_to("/blob", io.BytesIO()),
            lambda: runner.collect(account.iter_download("/blob")),
        ):
            with pytest.raises(basecamp.ForbiddenError) as caught:
                await runner.call(call())
            error = caught.value
            assert error.message == "signature expired: /blobs/x?<redacted>"
            assert error.request_id == "req-<redacted>"
            assert STORAGE_SIG not in chain_texts(error)
    assert recording_hooks.named("request_end")
    assert STORAGE_SIG not in repr(recording_hooks.calls)


async def test_an_echoed_token_in_a_request_id_is_redacted(runner: Runner) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        echo = {"X-Request-Id": f"r-{TOKEN}"}
        api.get("/999/denied.json").respond(403, json={"error": "no"}, headers=echo)
        api.get("/999/html.json").respond(200, text=f"<p>{TOKEN}</p>", headers=echo)
        api.get("/999/broken.json").respond(
            200, content=b'{"token": "' + TOKEN.encode(), headers=echo
        )
        api.get("/999/huge.json").respond(200, content=b"[" + b" " * 2000 + b"]", headers=echo)
        account = runner.account(config=Config(max_retries=0, max_response_bytes=1024))
        for path in ("/denied.json", "/html.json", "/broken.json", "/huge.json"):
            with pytest.raises(BasecampError) as caught:
                await runner.call(account.get(path))
            assert caught.value.request_id == "r-<redacted>", path
            assert_clean(chain_texts(caught.value))


async def test_no_error_body_survives_in_the_exception_chain(runner: Runner) -> None:
    with respx.mock(base_url=BASE_URL) as api:
        api.get("/999/broken.json").respond(200, content=b'{"echo": "' + TOKEN.encode())
        account = runner.account(config=Config(max_retries=0))
        for path in ("/broken.json",):
            with pytest.raises(basecamp.ApiError) as caught:
                await runner.call(account.get(path))
            assert caught.value.__context__ is None, path
            assert caught.value.__cause__ is None, path
            assert_clean(chain_texts(caught.value))


def test_parsers_raise_without_a_chained_error() -> None:
    from basecamp._pagination import resolve_next_url
    from basecamp._response import BoundedDecoder, decode_json

    failures: list[BaseException] = []
    for attempt in (
        lambda: decode_json(b'{"echo": "' + TOKEN.encode(), "application/json"),
        lambda: BoundedDecoder(deflate=False).decode(b"not gzip " + TOKEN.encode(), 100),
        lambda: resolve_next_url(
            f"https://[::1/{TOKEN}", current_url=BASE_URL + "/", base_url=BASE_URL
        ),
    ):
        with pytest.raises(basecamp.ApiError) as caught:
            attempt()
        failures.append(caught.value)
    for error in failures:
        assert error.__context__ is None and error.__cause__ is None
        assert_clean(chain_texts(error))


@pytest.mark.parametrize("proxied", [False, True], ids=["direct", "proxy-env"])
async def test_no_log_record_at_any_level_holds_the_signed_query(
    runner: Runner,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    proxied: bool,
) -> None:
    import logging

    from core_testkit import Loopback, Reply

    if proxied:
        # A proxy in the environment sends through an `httpx.Client`, which logs each request
        # itself; `NO_PROXY` sends these loopback requests direct, so it is never dialled.
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    caplog.set_level(logging.DEBUG)
    storage = Loopback()
    api = Loopback()
    try:
        signed = f"{storage.url}/bucket/f.bin?X-Sig={SIGNATURE}"
        api.route("/999/blob", Reply(302, b"", {"Location": signed, "X-Request-Id": TOKEN}))
        storage.route("/bucket/f.bin", Reply(200, b"bytes", {"X-Echo": SIGNATURE}))
        account = runner.account(config=Config(base_url=api.url))
        assert (await runner.call(account.download_url("/blob"))).body == b"bytes"
        assert b"".join(await runner.collect(account.iter_download("/blob"))) == b"bytes"
    finally:
        api.close()
        storage.close()
    names = {r.name for r in caplog.records}
    assert "httpcore.http11" in names  # the trace did run...
    # httpx's own request line comes only from its client, which only a proxy brings in.
    assert ("httpx" in names) is proxied
    traced = [r.getMessage() for r in caplog.records if r.name.startswith("httpcore")]
    assert any("receive_response_headers" in line for line in traced)
    assert any("b'Content-Length'" in line for line in traced)  # plain headers are kept
    for record in caplog.records:
        assert_clean(record.getMessage())  # ...without the signed query or an echoed token
