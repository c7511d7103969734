"""The loopback listener behind `run_local_flow` and `arun_local_flow` (RFC 8252 §7.3).

A one-shot HTTP listener on a loopback address receives the browser's redirect; the rest is the
ordinary authorization-code flow with PKCE and `state`. The listener serves from its own thread
in both shells; `Loopback` waits for it by blocking, `AsyncLoopback` with an `asyncio.Event` the
listener's thread sets through the loop, so the event loop never blocks. `_async/loopback.py`
(and its generated sync twin) drives them and exchanges the code.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import socketserver
import sys
import threading
import webbrowser
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from basecamp import BasecampError, UsageError

from ._callback import FAILURE_PAGE, SUCCESS_PAGE, parse_callback
from ._errors import OAuthTimeoutError
from ._http import check_timeout
from ._metadata import OAuthConfig
from ._pkce import PKCE, generate_pkce, generate_state
from ._urls import build_authorization_url, check_endpoint, check_text

__all__ = ["AsyncLoopback", "Loopback", "OpenBrowser", "open_webbrowser"]

OpenBrowser = Callable[[str], object]
"""Called with the authorization URL; its return value is ignored."""

_HOSTS = {"127.0.0.1": socket.AF_INET, "localhost": socket.AF_INET, "::1": socket.AF_INET6}


def open_webbrowser(url: str) -> None:
    """The default `open_browser`: `webbrowser.open`, printing the URL when no browser opens."""
    # Looked up at call time (not bound as a default) so tests can patch webbrowser.open.
    if not webbrowser.open(url):
        _print_url(url)


def _print_url(url: str) -> None:
    print(f"Open this URL in your browser to authorize:\n\n    {url}\n", file=sys.stderr)


class _Listener(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """Records the first redirect to `callback_path`, then sets `done`.

    Threaded, so a connection the browser opens speculatively and never uses cannot hold up the
    real redirect; daemon threads, so closing never waits for such a connection.
    """

    daemon_threads = True
    callback_path: str
    state: str
    issuer: str | None
    require_iss: bool
    outcome: str | BasecampError | None = None
    # Called (from the handler's thread) once `done` is set; the async shell wakes its loop.
    notify: Callable[[], object] | None = None

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.done = threading.Event()
        self.lock = threading.Lock()

    def finish(self) -> None:
        """Mark the flow done and wake whoever waits for it."""
        self.done.set()
        notify = self.notify
        if notify is not None:
            # RuntimeError: the waiting event loop is already closed, nobody is left to wake.
            with contextlib.suppress(RuntimeError):
                notify()

    def handle_error(self, request: object, client_address: object) -> None:
        # The default prints a traceback to stderr; a dropped browser connection is not news.
        return None


class _Listener6(_Listener):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Listener
    timeout = 10  # seconds per connection, so a silent client cannot block the flow
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        server = self.server
        parts = urlsplit(self.path)
        with server.lock:
            first = parts.path == server.callback_path and server.outcome is None
            if first:
                server.outcome = parse_callback(
                    parts.query,
                    state=server.state,
                    issuer=server.issuer,
                    require_iss=server.require_iss,
                )
        if not first:
            self._answer(404, b"Not found")
            return
        ok = isinstance(server.outcome, str)
        try:
            self._answer(200 if ok else 400, SUCCESS_PAGE if ok else FAILURE_PAGE, html=True)
        finally:
            server.finish()  # after the page is sent, so the browser sees it

    def _answer(self, status: int, body: bytes, *, html: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8" if html else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # The default logs the request line to stderr, and the request line holds the code.
        return None


class _Loopback:
    """Validates the flow's arguments, binds the listener and builds the authorization URL.

    Nothing is served until the shell's `__enter__`/`__aenter__`; leaving it stops and closes
    the listener. `code()` then returns the redirect's authorization code or raises.
    """

    url: str
    redirect_uri: str
    token_endpoint: str
    legacy: bool
    pkce: PKCE

    def __init__(
        self,
        *,
        client_id: str,
        config: OAuthConfig | None,
        authorization_endpoint: str | None,
        token_endpoint: str | None,
        client_secret: str | None,
        scope: str | Sequence[str] | None,
        resource: str | Sequence[str] | None,
        use_legacy_format: bool,
        host: str,
        port: int,
        path: str,
        timeout: float,
    ) -> None:
        check_text(client_id, "client_id")
        if client_secret is not None:
            check_text(client_secret, "client_secret")
        self.seconds = check_timeout(timeout)
        if config is not None:
            if authorization_endpoint is not None or token_endpoint is not None:
                raise UsageError("Pass config= or the two endpoints, not both.")
            if not isinstance(config, OAuthConfig):
                raise UsageError("config must be an OAuthConfig from discover().")
            if config.authorization_endpoint is None:
                raise UsageError(
                    "This authorization server offers no authorization endpoint (it supports "
                    "only the device flow): use run_device_flow()."
                )
            authorization_endpoint = config.authorization_endpoint
            token_endpoint = config.token_endpoint
        if authorization_endpoint is None or token_endpoint is None:
            raise UsageError("Pass config=, or both authorization_endpoint= and token_endpoint=.")
        check_endpoint(authorization_endpoint, "authorization_endpoint")
        self.token_endpoint = check_endpoint(token_endpoint, "token_endpoint")
        self.legacy = use_legacy_format
        if host not in _HOSTS:
            raise UsageError("host must be 127.0.0.1, ::1 or localhost.")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise UsageError("port must be an int from 0 to 65535.")
        if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
            raise UsageError("path must start with / and have no query or fragment.")

        listener_class = _Listener6 if _HOSTS[host] == socket.AF_INET6 else _Listener
        bind_host = "127.0.0.1" if host == "localhost" else host
        try:
            listener = listener_class((bind_host, port))
            bound = True
        except OSError:
            bound = False
        if not bound:
            raise UsageError(f"Cannot listen on {host} port {port}: is it in use?")
        self.listener = listener
        self._serving: threading.Thread | None = None
        try:
            actual_port = listener.server_address[1]
            uri_host = "[::1]" if host == "::1" else host
            self.redirect_uri = f"http://{uri_host}:{actual_port}{path}"
            self.pkce, state = generate_pkce(), generate_state()
            listener.callback_path = path
            listener.state = state
            listener.issuer = config.issuer if config is not None else None
            listener.require_iss = bool(
                config is not None and config.authorization_response_iss_parameter_supported
            )
            self.url = build_authorization_url(
                endpoint=authorization_endpoint,
                client_id=client_id,
                redirect_uri=self.redirect_uri,
                state=state,
                pkce=self.pkce,
                scope=scope,
                resource=resource,
                use_legacy_format=self.legacy,
            )
        except BaseException:
            listener.server_close()  # e.g. a malformed scope: do not leak the bound socket
            raise

    def _start(self) -> None:
        self._serving = threading.Thread(
            target=self.listener.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._serving.start()

    def _open(self, open_browser: OpenBrowser | None) -> None:
        if open_browser is None:
            _print_url(self.url)
        else:
            open_browser(self.url)

    def _close(self) -> None:
        self.listener.notify = None
        if self._serving is not None:
            self.listener.shutdown()
            self._serving.join()
            self._serving = None
        self.listener.server_close()

    def code(self) -> str:
        """The redirect's authorization code.

        Raises:
            OAuthTimeoutError: No redirect arrived in time.
            OAuthRejectedError: The user declined.
            OAuthError: A wrong `state` or `iss`, or another error in the redirect.
        """
        outcome = self.listener.outcome
        if outcome is None:
            raise OAuthTimeoutError(
                f"No redirect from the browser arrived within {self.seconds:g} seconds."
            )
        if not isinstance(outcome, str):
            raise outcome
        return outcome


class Loopback(_Loopback):
    """The listener for the sync shell: the caller's thread blocks while it waits."""

    def __enter__(self) -> Loopback:
        self._start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def open(self, open_browser: OpenBrowser | None) -> None:
        """Show the user the authorization URL."""
        self._open(open_browser)

    def wait(self) -> None:
        """Wait for the redirect, at most `timeout` seconds."""
        self.listener.done.wait(self.seconds)


class AsyncLoopback(_Loopback):
    """The listener for the async shell: nothing here blocks the event loop."""

    _event: asyncio.Event

    async def __aenter__(self) -> AsyncLoopback:
        loop = asyncio.get_running_loop()
        self._event = event = asyncio.Event()
        self.listener.notify = lambda: loop.call_soon_threadsafe(event.set)
        self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # Stopping the server waits for its poll loop (a few milliseconds): off the event loop.
        # Cancelled meanwhile, the worker thread still finishes closing.
        await asyncio.to_thread(self._close)

    async def open(self, open_browser: OpenBrowser | None) -> None:
        """Show the user the authorization URL; in a worker thread, as opening a browser can
        block."""
        await asyncio.to_thread(self._open, open_browser)

    async def wait(self) -> None:
        """Wait for the redirect, at most `timeout` seconds."""
        if self.listener.done.is_set():
            return
        with contextlib.suppress(TimeoutError):  # `code()` reports it
            await asyncio.wait_for(self._event.wait(), self.seconds)
