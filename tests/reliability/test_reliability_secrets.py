"""Secrets never leak: a token, a refresh token, a client secret and a webhook secret made of
unique markers go through every failure scenario; no log line, hook record, exception (message,
repr, hint, whole `__cause__`/`__context__` chain) or repr of a client object contains one. A
signed download URL's query string never reaches a hook or a log line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from reliability_kit import (
    CLIENT_SECRET_MARKER,
    REFRESH_MARKER,
    SIGNED_QUERY_MARKER,
    TOKEN_MARKER,
    WEBHOOK_SECRET_MARKER,
    RawServer,
    RecordingHooks,
    assert_no_marker,
    exception_texts,
    reset_mid_body,
    run_call,
    silent,
)

import basecamp.hooks
from basecamp import (
    AsyncClient,
    AsyncOAuthTokenProvider,
    AsyncStaticTokenProvider,
    BearerAuth,
    Client,
    Config,
    OAuthTokenProvider,
    StaticTokenProvider,
)
from basecamp._auth import parse_token_response
from basecamp.webhooks import WebhookReceiver, compute_signature

BASE = "https://3.basecampapi.com"
STORAGE = "https://storage.example"
SIGNED = f"{STORAGE}/blobs/abc/report.pdf?X-Signature={SIGNED_QUERY_MARKER}&expires=1"
LOOKALIKE = f"{BASE}.storage.example/blobs/abc/report.pdf?sig={SIGNED_QUERY_MARKER}"


def echo(request: httpx.Request) -> str:
    """Everything secret the request carried, as a hostile server would reflect it."""
    return f"{request.headers.get('authorization')} {request.url}"


def hostile_api(request: httpx.Request) -> httpx.Response:
    """An API that reflects the credentials it received into every error."""
    path = request.url.path
    if path.endswith("/401"):
        return httpx.Response(401, json={"error": f"invalid token {echo(request)}"})
    if path.endswith("/422"):
        errors = {"token": [echo(request)], echo(request): ["bad"]}
        return httpx.Response(422, json={"error": echo(request), "errors": errors})
    if path.endswith("/500"):
        return httpx.Response(500, json={"message": f"crashed handling {echo(request)}"})
    if path.endswith("/429"):
        return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": echo(request)})
    if path.endswith("/html"):
        return httpx.Response(200, text=f"<p>{echo(request)}</p>", headers={"Content-Type": "x"})
    if path.endswith("/reset"):
        raise httpx.ReadError(f"connection reset while sending {request.headers}")
    if path.endswith("/download"):
        return httpx.Response(302, headers={"Location": SIGNED})
    if path.endswith("/lookalike"):
        return httpx.Response(302, headers={"Location": LOOKALIKE})
    if request.url.host in ("storage.example", "3.basecampapi.com.storage.example"):
        if "fail" in path:
            return httpx.Response(500, text=f"storage error for {request.url}")
        return httpx.Response(200, content=b"%PDF", headers={"Content-Type": "application/pdf"})
    if path.endswith("/storage-fails"):
        return httpx.Response(302, headers={"Location": SIGNED.replace("abc", "fail")})
    if path.endswith("/list"):
        link = f'<https://evil.example/list?steal={SIGNED_QUERY_MARKER}>; rel="next"'
        return httpx.Response(200, json=[{"id": 1}], headers={"Link": link})
    return httpx.Response(200, json={"id": 1, "echo": "fine"})


def token_endpoint(request: httpx.Request) -> httpx.Response:
    """A token endpoint that rejects the refresh and echoes everything it was sent."""
    sent = request.content.decode()
    return httpx.Response(
        400,
        json={"error": REFRESH_MARKER, "error_description": sent, "client_secret": sent},
    )


SCENARIOS: list[Callable[[Any], Any]] = [
    lambda a: a.get("/ok"),
    lambda a: a.get("/401"),
    lambda a: a.get("/422"),
    lambda a: a.post("/422", json={"content": TOKEN_MARKER}),
    lambda a: a.get("/500"),
    lambda a: a.get("/429"),
    lambda a: a.get("/html"),
    lambda a: a.get("/reset"),
    lambda a: a.post("/reset", json={}),
    lambda a: a.paginate("/list"),
    lambda a: a.download_url("/download"),
    lambda a: a.download_url("/lookalike"),
    lambda a: a.download_url("/storage-fails"),
    lambda a: a.todos.get(todo_id=f"1?token={TOKEN_MARKER}"[:1]),
]


class RaisingHooks(basecamp.hooks.BasecampHooks):
    """A broken hook whose exception message carries a secret: only its type may be reported."""

    def on_request_end(self, info: Any, result: Any) -> None:
        raise RuntimeError(f"hook failed with {TOKEN_MARKER}")


@pytest.mark.parametrize("auth", ["static", "oauth-refresh-fails", "bearer-strategy"])
async def test_no_secret_in_any_output_across_failure_scenarios(
    flavour: str, auth: str, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    console = io.StringIO()
    recording = RecordingHooks()
    hooks = basecamp.hooks.chain_hooks(
        basecamp.hooks.console_hooks(console), recording, RaisingHooks()
    )
    config = Config(base_delay=0, max_jitter=0, max_retries=1)
    kwargs: dict[str, Any] = {"hooks": hooks, "transport": httpx.MockTransport(hostile_api)}
    provider: Any = None
    if auth == "oauth-refresh-fails":
        cls = OAuthTokenProvider if flavour == "sync" else AsyncOAuthTokenProvider
        provider = cls(
            TOKEN_MARKER,
            "client-id",
            CLIENT_SECRET_MARKER,
            refresh_token=REFRESH_MARKER,
            transport=httpx.MockTransport(token_endpoint),
        )
        kwargs.update(access_token=None, token_provider=provider)
    elif auth == "bearer-strategy":
        kwargs.update(access_token=None, auth=BearerAuth(TOKEN_MARKER))
    texts: list[str] = []
    for scenario in SCENARIOS:
        outcome = await run_call(flavour, config, scenario, **kwargs)
        texts += exception_texts(outcome.error)
        texts.append(repr(outcome.value))
        if outcome.error is not None:
            texts += [repr(getattr(outcome.error, "errors", None))]
    texts.append(repr(provider))
    captured = capfd.readouterr()
    hook_reports = [r.getMessage() for r in caplog.records if r.name == "basecamp.hooks"]
    assert any("RuntimeError" in m for m in hook_reports)  # the broken hook was reported...
    assert_no_marker(texts, "an exception or a result")
    assert_no_marker(console.getvalue(), "console_hooks")
    assert_no_marker(recording.records, "a hook record")
    assert_no_marker([t for e in recording.errors for t in exception_texts(e)], "a hook error")
    assert_no_marker([captured.out, captured.err], "stdout/stderr")
    assert_no_marker(hook_reports, "the broken hook's report")  # ...without its message
    sdk_logs = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert_no_marker(sdk_logs, "a log record")
    # httpx logs request URLs at INFO (see SECURITY.md); it never logs headers.
    http_logs = [r.getMessage() for r in caplog.records if r.name.startswith("httpx")]
    for text in http_logs:
        for marker in (TOKEN_MARKER, REFRESH_MARKER, CLIENT_SECRET_MARKER):
            assert marker not in text


@pytest.mark.parametrize("path", ["/download", "/lookalike", "/storage-fails"])
async def test_signed_download_query_never_reaches_hooks_or_errors(
    flavour: str, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # httpcore's trace included
    console = io.StringIO()
    recording = RecordingHooks()
    hooks = basecamp.hooks.chain_hooks(basecamp.hooks.console_hooks(console), recording)
    outcome = await run_call(
        flavour,
        Config(base_delay=0, max_jitter=0, max_retries=0),
        lambda a: a.download_url(path),
        hooks=hooks,
        transport=httpx.MockTransport(hostile_api),
    )
    assert any("blobs/" in r for r in recording.records)  # the storage hop was reported...
    http_logs = [r.getMessage() for r in caplog.records if r.name.startswith("httpx")]
    # The SDK sends through the transport, so httpx's client logs no request line here (with a
    # proxy in the environment it does: test_core_secrets checks that line is redacted too).
    texts = [console.getvalue(), *recording.records, *exception_texts(outcome.error), *http_logs]
    for text in texts:
        assert SIGNED_QUERY_MARKER not in text  # ...without its signed query string


async def test_storage_hop_never_carries_credentials(flavour: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return hostile_api(request)

    outcome = await run_call(
        flavour,
        Config(),
        lambda a: a.download_url("/download"),
        transport=httpx.MockTransport(handler),
    )
    assert outcome.error is None, repr(outcome.error)
    api, storage = seen
    assert api.headers["authorization"] == f"Bearer {TOKEN_MARKER}"
    assert "authorization" not in storage.headers
    assert TOKEN_MARKER not in str(storage.headers)


async def test_no_secret_in_errors_from_real_socket_faults(
    flavour: str, raw_server: RawServer
) -> None:
    texts: list[str] = []
    recording = RecordingHooks()
    for script in (reset_mid_body(), silent()):
        raw_server.script(script)
        config = Config(base_url=raw_server.url, timeout=0.3, max_retries=0)
        outcome = await run_call(flavour, config, lambda a: a.todos.get(todo_id=1), hooks=recording)
        assert outcome.error is not None
        texts += exception_texts(outcome.error)
    assert_no_marker(texts + recording.records, "a network error")


async def test_token_endpoint_failures_never_echo_secrets(flavour: str) -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect; form was {request.content!r}")

    def garbage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=request.content.decode())

    def echo_code(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": CLIENT_SECRET_MARKER.lower()})

    texts: list[str] = []
    for handler in (token_endpoint, unreachable, garbage, echo_code):
        cls = OAuthTokenProvider if flavour == "sync" else AsyncOAuthTokenProvider
        provider = cls(
            TOKEN_MARKER,
            "client-id",
            CLIENT_SECRET_MARKER.lower(),
            refresh_token=REFRESH_MARKER,
            transport=httpx.MockTransport(handler),
        )
        try:
            result = provider.refresh()
            if flavour == "async":
                await result
        except Exception as exc:
            texts += exception_texts(exc)
        else:
            raise AssertionError("the refresh should have failed")
        texts.append(repr(provider))
    assert_no_marker([t.upper() for t in texts] + texts, "a token endpoint error")


def test_parse_token_response_keeps_only_plain_error_codes() -> None:
    body = json.dumps({"error": "invalid_grant"}).encode()
    with pytest.raises(Exception, match="invalid_grant"):
        parse_token_response(400, body)
    for code in (REFRESH_MARKER, "has space", "UPPER", "x" * 65, "ünï"):
        with pytest.raises(Exception) as caught:
            parse_token_response(400, json.dumps({"error": code}).encode())
        assert code not in str(caught.value)
    secret = "plainlowercasesecret"
    with pytest.raises(Exception) as caught:
        parse_token_response(400, json.dumps({"error": secret}).encode(), secrets=(secret,))
    assert secret not in str(caught.value)


async def test_reprs_of_credentialed_objects_hide_secrets() -> None:
    grant_body = json.dumps({"access_token": TOKEN_MARKER, "refresh_token": REFRESH_MARKER})
    objects: list[object] = [
        Client(access_token=TOKEN_MARKER),
        AsyncClient(access_token=TOKEN_MARKER),
        Client(access_token=TOKEN_MARKER).for_account(1),
        Client(access_token=TOKEN_MARKER).for_account(1).todos,
        Client(auth=BearerAuth(TOKEN_MARKER)),
        BearerAuth(TOKEN_MARKER),
        StaticTokenProvider(TOKEN_MARKER),
        AsyncStaticTokenProvider(TOKEN_MARKER),
        OAuthTokenProvider(
            TOKEN_MARKER, "client", CLIENT_SECRET_MARKER, refresh_token=REFRESH_MARKER
        ),
        AsyncOAuthTokenProvider(
            TOKEN_MARKER, "client", CLIENT_SECRET_MARKER, refresh_token=REFRESH_MARKER
        ),
        parse_token_response(200, grant_body.encode()),
        Config(),
        WebhookReceiver(secret=WEBHOOK_SECRET_MARKER),
    ]
    for obj in objects:
        assert_no_marker([repr(obj), str(obj)], f"repr of {type(obj).__name__}")


def test_webhook_receiver_never_echoes_its_secret_or_the_signature() -> None:
    receiver = WebhookReceiver(secret=WEBHOOK_SECRET_MARKER)
    receiver.on_any(lambda event: None)
    body = json.dumps({"id": 1, "kind": "todo_created"}).encode()
    good = compute_signature(body, WEBHOOK_SECRET_MARKER)
    wrong = compute_signature(body, "another secret")
    texts: list[str] = []
    attempts: list[tuple[bytes, dict[str, str]]] = [
        (body, {}),
        (body, {"X-Basecamp-Signature": wrong}),
        (body, {"X-Basecamp-Signature": WEBHOOK_SECRET_MARKER}),
        (body + b" ", {"X-Basecamp-Signature": good}),
        (
            b"not json",
            {"X-Basecamp-Signature": compute_signature(b"not json", WEBHOOK_SECRET_MARKER)},
        ),
        (b"[]", {"X-Basecamp-Signature": compute_signature(b"[]", WEBHOOK_SECRET_MARKER)}),
    ]
    for raw, headers in attempts:
        with pytest.raises(Exception) as caught:
            receiver.handle_request(raw, headers)
        texts += exception_texts(caught.value)
    result = receiver.handle_request(body, {"x-basecamp-signature": good})
    texts += [repr(result), repr(receiver)]
    assert_no_marker(texts, "a webhook error")
    for text in texts:
        assert good not in text and wrong not in text
