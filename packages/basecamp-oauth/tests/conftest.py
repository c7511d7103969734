"""Shared fixtures for the basecamp-oauth tests.

Only basecamp-oauth, its dependencies (basecamp-core, httpx), pytest, pytest-asyncio, respx and
hypothesis are needed. Nothing leaves 127.0.0.1: respx intercepts httpx, and the loopback tests
run a fake authorization server in a thread.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

import basecamp.oauth as oauth

CLIENT_ID = "client-123"
CLIENT_SECRET = "s3cr3t-CLIENT-Zq9"
CODE = "CODE-abc-987-XYZ"
VERIFIER = "V" * 43 + "-verifier-Qx7"
ACCESS = "ACCESS-tok-555-Kp"
REFRESH = "REFRESH-tok-777-Lm"
NEW_ACCESS = "ACCESS-new-888-Rt"
NEW_REFRESH = "REFRESH-new-999-Wv"
DEVICE_CODE = "DEVICE-code-444-Hj"
SECRETS = (CLIENT_SECRET, CODE, VERIFIER, ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, DEVICE_CODE)

ISSUER = "https://auth.example.com"
TOKEN_URL = f"{ISSUER}/oauth/token"
AUTHORIZE_URL = f"{ISSUER}/oauth/authorize"
DEVICE_URL = f"{ISSUER}/oauth/device"
REDIRECT_URI = "https://app.example.com/callback"


@pytest.fixture
def kit() -> ModuleType:
    """This module: its constants and helpers (test files cannot import a conftest)."""
    return sys.modules[__name__]


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment would route the loopback tests off the machine.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


def metadata(issuer: str = ISSUER, **overrides: object) -> dict[str, object]:
    """An RFC 8414 document for `issuer`; `None` values drop a key."""
    doc: dict[str, object] = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "device_authorization_endpoint": f"{issuer}/oauth/device",
        "registration_endpoint": f"{issuer}/oauth/register",
        "scopes_supported": ["read", "write"],
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "none"],
    }
    doc.update(overrides)
    return {k: v for k, v in doc.items() if v is not None}


def token_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "access_token": ACCESS,
        "token_type": "Bearer",
        "refresh_token": REFRESH,
        "expires_in": 3600,
        "scope": "read",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += [e for e in (current.__cause__, current.__context__) if e is not None]


def assert_no_secrets(exc: BaseException, secrets: tuple[str, ...] = SECRETS) -> None:
    """No secret in any exception of the chain: str, repr, args or attributes."""
    for item in _chain(exc):
        texts = [str(item), repr(item), *map(repr, item.args), repr(vars(item))]
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"{secret!r} leaked in {type(item).__name__}"


@dataclass
class Shell:
    """Runs a network function through the sync API or its async `a`-prefixed twin."""

    name: str

    def __call__(self, function: str, *args: object, **kwargs: Any) -> Any:
        if self.name == "sync":
            return getattr(oauth, function)(*args, **kwargs)
        coroutine: Awaitable[Any] = getattr(oauth, f"a{function}")(*args, **kwargs)

        async def run() -> Any:
            return await coroutine

        return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def shell(request: pytest.FixtureRequest) -> Shell:
    return Shell(request.param)


# -- a fake authorization server on 127.0.0.1, for the loopback flow ---------------------------


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


LEGAL_GRANTS = {("authorization_code", None), (None, "web_server")}


@dataclass
class FakeAuthServer:
    """Authorization endpoint (redirects with a code), token endpoint and discovery.

    Knobs: `state_override` sends a different state back, `error` redirects with
    `error=<value>`, `iss` adds an `iss` parameter to the redirect, `skip_redirect` answers
    `/authorize` with a page instead of redirecting (the user never finishes).
    """

    base_url: str = ""
    state_override: str | None = None
    error: str | None = None
    iss: str | None = None
    skip_redirect: bool = False
    iss_supported: bool = False
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)

    def handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(handler.path)
        if parts.path == "/.well-known/oauth-authorization-server":
            doc = metadata(
                self.base_url,
                device_authorization_endpoint=None,
                registration_endpoint=None,
                authorization_response_iss_parameter_supported=self.iss_supported,
            )
            return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()
        if parts.path == "/oauth/authorize":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            self.authorize_requests.append(query)
            if self.skip_redirect:
                return 200, {"Content-Type": "text/html"}, b"<p>Waiting for you to click.</p>"
            back: dict[str, str] = {"state": self.state_override or query["state"]}
            if self.error:
                back["error"] = self.error
            else:
                code = f"{CODE}-{len(self.codes)}"
                self.codes[code] = query
                back["code"] = code
            if self.iss:
                back["iss"] = self.iss
            location = f"{query['redirect_uri']}?{urlencode(back)}"
            return 302, {"Location": location}, b""
        if parts.path == "/oauth/token" and handler.command == "POST":
            length = int(handler.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
            self.token_requests.append(form)
            issued = self.codes.pop(form.get("code", ""), None)
            if (
                (form.get("grant_type"), form.get("type")) not in LEGAL_GRANTS
                or issued is None
                or issued["redirect_uri"] != form.get("redirect_uri")
                or issued["client_id"] != form.get("client_id")
                or issued.get("code_challenge") != s256(form.get("code_verifier", ""))
            ):
                return 400, {"Content-Type": "application/json"}, b'{"error":"invalid_grant"}'
            body = json.dumps(token_body()).encode()
            return 200, {"Content-Type": "application/json"}, body
        return 404, {}, b""


@pytest.fixture
def auth_server() -> Iterator[FakeAuthServer]:
    fake = FakeAuthServer()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            status, headers, body = fake.handle(self)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class FakeBrowser:
    """Opens URLs in a background thread, following redirects like a browser would."""

    visits: list[tuple[int, bytes]] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def _visit(self, url: str) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=10) as response:
                self.visits.append((response.status, response.read()))
        except urllib.error.HTTPError as error:
            self.visits.append((error.code, error.read()))

    def __call__(self, url: str) -> bool:
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        thread.start()
        self.threads.append(thread)
        return True

    def wait(self) -> None:
        for thread in self.threads:
            thread.join(10)


@pytest.fixture
def browser() -> FakeBrowser:
    return FakeBrowser()


# -- a scripted authorization server on 127.0.0.1, for discovery and the device flow -----------


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class ScriptedServer:
    """Answers each `(method, path)` with the next scripted reply (the last one repeats).

    `json_reply` and `reply` build answers; `seen` records every request (form fields as lists,
    so repeated `resource` parameters show).
    """

    base_url: str = ""
    routes: dict[tuple[str, str], list[tuple[int, dict[str, str], bytes]]] = field(
        default_factory=dict
    )
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, method: str, path: str, *answers: tuple[int, dict[str, str], bytes]) -> None:
        self.routes[(method, path)] = list(answers)

    def requests(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length", "0"))
        body = handler.rfile.read(length).decode() if length else ""
        seen = Seen(
            handler.command,
            parts.path,
            parse_qs(parts.query),
            parse_qs(body),
            {k.lower(): v for k, v in handler.headers.items()},
        )
        with self.lock:
            self.seen.append(seen)
            answers = self.routes.get((handler.command, parts.path))
            if not answers:
                return 404, {"Content-Type": "application/json"}, b'{"error":"not_found"}'
            return answers.pop(0) if len(answers) > 1 else answers[0]


def json_reply(status: int, data: object, **headers: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(data).encode()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    fake = ScriptedServer()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            status, headers, body = fake.handle(self)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
