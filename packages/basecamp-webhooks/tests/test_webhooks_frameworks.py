"""The README's recipes, run in the real frameworks behind real servers on loopback.

Each recipe is the README block that starts with `# Recipe: <name>`, executed as written; the
test then serves what it defines (uvicorn for ASGI, waitress or the recipe's own server for
WSGI) and delivers signed webhooks to it over HTTP. The frameworks are test-only dependencies.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import uvicorn
import waitress.server

from basecamp.webhooks import WebhookEvent, WebhookReceiver, compute_signature

README = Path(__file__).resolve().parents[1] / "README.md"
SECRET = "my-webhook-secret"
PATH = "/webhooks/basecamp"
Reply = tuple[int, dict[str, str], bytes]


def _recipe(name: str) -> dict[str, Any]:
    """Execute the README block `# Recipe: name`; return what it defined."""
    blocks = re.findall(r"^```python\n(.*?)^```$", README.read_text("utf-8"), re.M | re.S)
    [code] = [b for b in blocks if b.startswith(f"# Recipe: {name}\n")]
    module = types.ModuleType(f"readme_recipe_{name.replace('-', '_')}")
    sys.modules[module.__name__] = module  # Django imports its URLconf by name
    exec(compile(code, f"README.md[recipe {name}]", "exec"), module.__dict__)
    return module.__dict__


def _watch(receiver: WebhookReceiver) -> list[object]:
    """Record the ids the receiver processes; the event kind `todo_trashed` fails."""
    seen: list[object] = []

    def record(event: WebhookEvent) -> None:
        if event.kind == "todo_trashed":
            raise RuntimeError("handler failed")
        seen.append(event.id)

    receiver.on_any(record)
    return seen


def _body(event_id: int, kind: str = "todo_created", **extra: object) -> bytes:
    recording = {"id": 1, "title": "Ship it", "type": "Todo"}
    return json.dumps({"id": event_id, "kind": kind, "recording": recording, **extra}).encode()


def _request(
    conn: http.client.HTTPConnection,
    body: bytes,
    *,
    method: str = "POST",
    path: str = PATH,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    sent = dict(headers or {})
    if method == "POST":
        sent["X-Basecamp-Signature"] = signature or compute_signature(body, SECRET)
        sent["Content-Type"] = "application/json"
    conn.request(method, path, body=body if method == "POST" else None, headers=sent)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def _check_the_promises(port: int, seen: list[object]) -> None:
    """What every recipe must do, on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        status, headers, _ = _request(conn, _body(1))
        assert status == 204  # at the exact path: no 307 to a trailing slash
        assert "location" not in headers
        assert _request(conn, _body(1))[0] == 204  # a duplicate: 204, not run again
        assert _request(conn, _body(2), signature="0" * 64)[0] == 401
        assert _request(conn, b"{not json")[0] == 400
        failed = _request(conn, _body(3, kind="todo_trashed"))
        assert failed[0] == 500
        # The connection survives the failure: the next delivery on it works.
        assert _request(conn, _body(4))[0] == 204
        get = _request(conn, b"", method="GET")
        assert get[0] == 405
        assert "POST" in get[1].get("allow", "")
    finally:
        conn.close()
    assert seen == [1, 4]


# -- servers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _uvicorn(app: Any) -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def _waitress(app: Any) -> Iterator[int]:
    server: Any = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=8)
    stop = threading.Event()

    def loop() -> None:
        # waitress's own run() cannot be stopped from another thread without racing its select.
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stop.set()
        thread.join(10)
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown()


# -- the recipes ----------------------------------------------------------------------------------


def test_starlette_route_under_uvicorn() -> None:
    recipe = _recipe("starlette")
    seen = _watch(recipe["receiver"])
    with _uvicorn(recipe["app"]) as port:
        _check_the_promises(port, seen)


def test_fastapi_route_under_uvicorn() -> None:
    recipe = _recipe("fastapi")
    seen = _watch(recipe["receiver"])
    with _uvicorn(recipe["app"]) as port:
        _check_the_promises(port, seen)
        # The rest of the FastAPI app is untouched.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/openapi.json")
        spec = json.loads(conn.getresponse().read())
        conn.close()
        assert PATH not in spec["paths"]


def test_a_starlette_mount_would_redirect() -> None:
    """Why the recipe is a Route: a Mount at the path answers 307, a failed delivery."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    receiver = WebhookReceiver(secret=SECRET)
    app = Starlette(routes=[Mount(PATH, app=receiver.asgi_app())])
    with _uvicorn(app) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert _request(conn, _body(1))[0] == 307
        conn.close()


def test_flask_mounted_app_under_waitress() -> None:
    recipe = _recipe("flask-mount")
    seen = _watch(recipe["receiver"])

    @recipe["app"].get("/health")
    def health() -> str:
        return "ok"

    with _waitress(recipe["application"]) as port:
        _check_the_promises(port, seen)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/health")
        assert conn.getresponse().read() == b"ok"  # the Flask app still serves the rest
        conn.close()


def test_flask_view_under_waitress() -> None:
    recipe = _recipe("flask-view")
    seen = _watch(recipe["receiver"])
    with _waitress(recipe["app"]) as port:
        _check_the_promises(port, seen)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        big = _body(9, details={"pad": "x" * (1024 * 1024)})
        assert _request(conn, big)[0] == 413  # MAX_CONTENT_LENGTH
        conn.close()
    assert 9 not in seen


def _django(urlconf: str) -> Any:
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="test-only",
            ALLOWED_HOSTS=["127.0.0.1", "localhost"],
            ROOT_URLCONF=urlconf,
            MIDDLEWARE=[
                "django.middleware.security.SecurityMiddleware",
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
            ],
            INSTALLED_APPS=[],
            LOGGING_CONFIG=None,
        )
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    return get_wsgi_application()


def test_django_view_under_waitress() -> None:
    from django.http import HttpRequest, HttpResponse
    from django.urls import path

    recipe = _recipe("django")
    seen = _watch(recipe["receiver"])
    receiver: WebhookReceiver = recipe["receiver"]

    def not_exempt(request: HttpRequest) -> HttpResponse:
        reply = receiver.respond(method="POST", body=request.body, headers=request.headers)
        return HttpResponse(reply.body, status=reply.status)

    # A control view without the exemption: the project's CSRF protection is really on.
    recipe["urlpatterns"].append(path("control", not_exempt))
    app = _django("readme_recipe_django")
    with _waitress(app) as port:
        _check_the_promises(port, seen)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert _request(conn, _body(20), path="/control")[0] == 403
        conn.close()
    assert 20 not in seen


def test_plain_wsgi_server_takes_50_concurrent_deliveries() -> None:
    recipe = _recipe("wsgiref")  # runs the README example itself, then we reuse its server class
    receiver = WebhookReceiver(secret=SECRET)
    seen = _watch(receiver)
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server(
        "127.0.0.1",
        0,
        receiver.wsgi_app(),
        server_class=recipe["ThreadingWSGIServer"],
        handler_class=Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    start = threading.Barrier(50)

    def deliver(event_id: int) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        start.wait(30)  # every connection opens at once
        try:
            return _request(conn, _body(event_id))[0]
        finally:
            conn.close()

    try:
        with ThreadPoolExecutor(50) as pool:
            distinct = list(pool.map(deliver, range(100, 150)))
            copies = list(pool.map(deliver, [200] * 50))  # 50 copies of one event at once
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert distinct == [204] * 50  # no connection reset
    assert copies == [204] * 50
    assert sorted(seen) == [*range(100, 150), 200]  # each event processed exactly once


def test_the_recipes_cover_every_framework() -> None:
    names = re.findall(r"^# Recipe: (\S+)$", README.read_text("utf-8"), re.M)
    assert names == ["starlette", "fastapi", "flask-mount", "flask-view", "django", "wsgiref"]


Factory = Callable[[], Any]
