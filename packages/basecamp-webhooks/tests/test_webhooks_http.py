"""The view responder and the one rule for repeated signature headers, in both adapters."""

from __future__ import annotations

import asyncio
import http.client
import io
import logging
import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from basecamp.webhooks import (
    WebhookEvent,
    WebhookReceiver,
    WebhookResponse,
    WebhookSignatureError,
    compute_signature,
)

SECRET = "whsec-test-\u00e9"  # the secret the shared `sign` fixture uses

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]


@pytest.fixture
def ran(receiver: WebhookReceiver) -> list[object]:
    log: list[object] = []

    def handler(event: WebhookEvent) -> None:
        if event.kind == "todo_trashed":
            raise RuntimeError("handler failed")
        log.append(event.id)

    receiver.on_any(handler)
    return log


# -- the responder ------------------------------------------------------------------------------


def test_respond_answers_like_the_adapters(
    receiver: WebhookReceiver,
    ran: list[object],
    make_body: BodyFactory,
    sign: HeaderFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = make_body(id=1)
    ok = receiver.respond(method="POST", body=body, headers=sign(body))
    assert (ok.status, ok.headers, ok.body, ok.status_line) == (204, {}, b"", "204 No Content")
    assert receiver.respond(method="POST", body=body, headers=sign(body)).status == 204  # dup
    assert ran == [1]

    get = receiver.respond(method="GET", body=b"", headers={})
    assert get.status == 405 and get.headers["Allow"] == "POST"
    assert get.headers["Content-Length"] == str(len(get.body))
    assert receiver.respond(method="POST", body=body, headers={}).status == 401
    bad = b"not json"
    assert receiver.respond(method="POST", body=bad, headers=sign(bad)).status == 400

    big = make_body(id=2, details={"x": "y" * 100})
    capped = receiver.respond(method="POST", body=big, headers=sign(big), max_body_size=50)
    assert capped.status == 413
    declared = {**sign(body), "Content-Length": "999999999"}
    assert receiver.respond(method="POST", body=body, headers=declared).status == 413
    malformed = {**sign(body), "content-length": "12abc"}
    assert receiver.respond(method="POST", body=body, headers=malformed).status == 400

    failing = make_body(id=3, kind="todo_trashed")
    with caplog.at_level(logging.ERROR, logger="basecamp.webhooks"):
        failed = receiver.respond(method="POST", body=failing, headers=sign(failing))
    assert failed.status == 500 and failed.reason == "Internal Server Error"
    assert "handler failed" in caplog.text  # logged with its traceback
    assert not receiver.has_seen(3)  # released: the redelivery runs again
    assert ran == [1]


def test_respond_matches_the_wsgi_app_status_for_status(
    receiver: WebhookReceiver, ran: list[object], make_body: BodyFactory, sign: HeaderFactory
) -> None:
    app = receiver.wsgi_app(max_body_size=200)
    cases = [
        ("POST", make_body(id=10), True),
        ("POST", make_body(id=10), True),
        ("POST", make_body(id=11), False),
        ("PUT", make_body(id=12), True),
        ("POST", make_body(id=13, kind="todo_trashed"), True),
        ("POST", make_body(id=14, details={"x": "y" * 300}), True),
    ]
    for method, body, signed in cases:
        headers = sign(body) if signed else {}
        environ = {
            "REQUEST_METHOD": method,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
        }
        started: list[tuple[str, list[tuple[str, str]]]] = []
        chunks = app(environ, lambda status, hs, log=started: log.append((status, hs)))
        # Same id sequence for both: the app first, then the responder (a duplicate by then).
        response = receiver.respond(method=method, body=body, headers=headers, max_body_size=200)
        assert started[0][0] == response.status_line
        assert dict(started[0][1]) == response.headers
        assert b"".join(chunks) == response.body


async def test_respond_async_awaits_async_handlers(
    make_body: BodyFactory, sign: HeaderFactory
) -> None:
    seen: list[object] = []

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event.id)

    receiver = WebhookReceiver(secret=SECRET).on_any(handler)
    body = make_body(id=5)
    response = await receiver.respond_async(method="POST", body=body, headers=sign(body))
    assert isinstance(response, WebhookResponse) and response.status == 204
    assert seen == [5]
    # The sync responder cannot run it: a 500 (AsyncHandlerError, logged), nothing claimed.
    other = make_body(id=6)
    assert receiver.respond(method="POST", body=other, headers=sign(other)).status == 500
    assert not receiver.has_seen(6)


# -- repeated signature headers -----------------------------------------------------------------


def _asgi_status(app: object, body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    status = sent[0]["status"]
    assert isinstance(status, int)
    return status


def _wsgi_status(app: object, body: bytes, signature: str) -> int:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_BASECAMP_SIGNATURE": signature,  # how WSGI servers pass a repeated header
    }
    started: list[str] = []
    app(environ, lambda status, headers: started.append(status))  # type: ignore[operator]
    return int(started[0].split()[0])


@pytest.mark.parametrize(
    ("values", "status"),
    [
        (["good"], 204),
        (["good", "good"], 204),  # copies of one value: that value
        (["good", "bad"], 401),  # differing values: refused, whichever is right
        (["bad", "good"], 401),
        (["good", ""], 401),
    ],
)
def test_one_rule_for_repeated_signature_headers(
    make_body: BodyFactory, values: list[str], status: int
) -> None:
    body = make_body(id=1)
    good = compute_signature(body, SECRET)
    actual = [good if v == "good" else ("0" * 64 if v == "bad" else v) for v in values]
    asgi = WebhookReceiver(secret=SECRET).asgi_app()
    raw = [(b"x-basecamp-signature", v.encode()) for v in actual]
    assert _asgi_status(asgi, body, raw) == status
    wsgi = WebhookReceiver(secret=SECRET).wsgi_app()
    assert _wsgi_status(wsgi, body, ",".join(actual)) == status
    direct = WebhookReceiver(secret=SECRET)
    if status == 204:
        assert direct.handle_request(body, {"X-Basecamp-Signature": ", ".join(actual)}).handled
    else:
        with pytest.raises(WebhookSignatureError):
            direct.handle_request(body, {"X-Basecamp-Signature": ", ".join(actual)})


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_repeated_signature_headers_over_a_real_server(make_body: BodyFactory) -> None:
    receiver = WebhookReceiver(secret=SECRET)
    server = make_server("127.0.0.1", 0, receiver.wsgi_app(), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for event_id, second, expected in ((1, None, 204), (2, "0" * 64, 401)):
            body = make_body(id=event_id)
            good = compute_signature(body, SECRET)
            conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            conn.putrequest("POST", "/hooks")
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("X-Basecamp-Signature", good)
            conn.putheader("X-Basecamp-Signature", second or good)
            conn.endheaders(body)
            assert conn.getresponse().status == expected
            conn.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
