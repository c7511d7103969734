"""The loopback redirect flow for desktop and command-line apps (RFC 8252 §7.3), sync.

A one-shot HTTP listener on a loopback address receives the browser's redirect; the rest is the
ordinary authorization-code flow with PKCE and `state`.
"""

from __future__ import annotations

import socket
import socketserver
import sys
import threading
import webbrowser
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import httpx

from basecamp import BasecampError, UsageError

from ._callback import FAILURE_PAGE, SUCCESS_PAGE, parse_callback
from ._errors import OAuthTimeoutError
from ._http import DEFAULT_TIMEOUT, check_timeout
from ._metadata import OAuthConfig
from ._pkce import generate_pkce, generate_state
from ._sync.flows import exchange_code
from ._token import OAuthToken
from ._urls import build_authorization_url, check_endpoint, check_text

__all__ = ["run_local_flow"]

_HOSTS = {"127.0.0.1": socket.AF_INET, "localhost": socket.AF_INET, "::1": socket.AF_INET6}


def _open_webbrowser(url: str) -> None:
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

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.done = threading.Event()
        self.lock = threading.Lock()

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
            server.done.set()  # after the page is sent, so the browser sees it

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


def run_local_flow(
    *,
    client_id: str,
    config: OAuthConfig | None = None,
    authorization_endpoint: str | None = None,
    token_endpoint: str | None = None,
    client_secret: str | None = None,
    scope: str | Sequence[str] | None = None,
    use_legacy_format: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    path: str = "/callback",
    timeout: float = 300.0,
    open_browser: Callable[[str], object] | None = _open_webbrowser,
    request_timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> OAuthToken:
    """Sign the user in through their browser and a one-shot loopback listener.

    Starts an HTTP listener on `host` (an ephemeral port unless `port` is given), builds the
    authorization URL with PKCE and a fresh `state`, opens the browser, waits for the redirect,
    answers it with a small "you can close this tab" page, checks `state` (and `iss`, RFC 9207),
    and exchanges the code. The listener is closed before the code is exchanged.

    Pass either `config` (from `discover()`), or both `authorization_endpoint` and
    `token_endpoint`.

    Args:
        client_id: Your app's client id.
        config: Discovered metadata: its endpoints, and `issuer` for the `iss` check.
        authorization_endpoint: The authorization endpoint, when you have no `config`.
        token_endpoint: The token endpoint, when you have no `config`.
        client_secret: Your app's client secret, if it has one (desktop apps usually do not).
        scope: A space-separated string or a list of scope tokens.
        use_legacy_format: Use Launchpad's legacy `type=web_server` parameters.
        host: `127.0.0.1` (default), `::1` or `localhost` (which listens on 127.0.0.1).
        port: The port to listen on; 0 picks a free one. Use a fixed port when the server
            requires the exact registered redirect URI.
        path: The redirect URI's path.
        timeout: Seconds to wait for the user to finish in the browser.
        open_browser: Called with the authorization URL. By default `webbrowser.open`, which
            prints the URL when no browser opens; `None` only prints it (headless machines).
        request_timeout: Seconds allowed for the code exchange.
        transport: An httpx transport for the code exchange (tests).

    Returns:
        The `OAuthToken`.

    Raises:
        UsageError: Bad arguments, or the port is in use.
        OAuthTimeoutError: No redirect arrived within `timeout`.
        OAuthRejectedError: The user declined, or the server rejected the code or client.
        OAuthError: A wrong `state` or `iss`, or another error from the server.
        NetworkError: The token endpoint could not be reached.
    """
    check_text(client_id, "client_id")
    wait = check_timeout(timeout)
    if config is not None:
        if authorization_endpoint is not None or token_endpoint is not None:
            raise UsageError("Pass config= or the two endpoints, not both.")
        if not isinstance(config, OAuthConfig):
            raise UsageError("config must be an OAuthConfig from discover().")
        authorization_endpoint = config.authorization_endpoint
        token_endpoint = config.token_endpoint
    if authorization_endpoint is None or token_endpoint is None:
        raise UsageError("Pass config=, or both authorization_endpoint= and token_endpoint=.")
    check_endpoint(authorization_endpoint, "authorization_endpoint")
    check_endpoint(token_endpoint, "token_endpoint")
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

    actual_port = listener.server_address[1]
    uri_host = "[::1]" if host == "::1" else host
    redirect_uri = f"http://{uri_host}:{actual_port}{path}"
    pkce, state = generate_pkce(), generate_state()
    listener.callback_path = path
    listener.state = state
    listener.issuer = config.issuer if config is not None else None
    listener.require_iss = bool(
        config is not None and config.authorization_response_iss_parameter_supported
    )
    url = build_authorization_url(
        endpoint=authorization_endpoint,
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=state,
        pkce=pkce,
        scope=scope,
        use_legacy_format=use_legacy_format,
    )
    serving = threading.Thread(
        target=listener.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    serving.start()
    try:
        if open_browser is None:
            _print_url(url)
        else:
            open_browser(url)
        listener.done.wait(wait)
    finally:
        listener.shutdown()
        listener.server_close()
        serving.join()
    outcome = listener.outcome

    if outcome is None:
        raise OAuthTimeoutError(f"No redirect from the browser arrived within {wait:g} seconds.")
    if not isinstance(outcome, str):
        raise outcome
    return exchange_code(
        token_endpoint=token_endpoint,
        code=outcome,
        redirect_uri=redirect_uri,
        client_id=client_id,
        client_secret=client_secret,
        code_verifier=pkce.verifier,
        use_legacy_format=use_legacy_format,
        timeout=request_timeout,
        transport=transport,
    )
