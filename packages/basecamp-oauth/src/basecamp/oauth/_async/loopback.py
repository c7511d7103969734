"""The loopback flow for desktop and command-line apps (async source of truth for `_sync/`).

The listener itself (a one-shot HTTP server on its own thread) lives in `.._loopback`; this
module only drives it and exchanges the code through the shell's own `exchange_code`.
`basecamp.oauth` exports the sync twin as `run_local_flow` and this one as `arun_local_flow`.
"""

# unasync: remove-start
# `timeout` is how long the user has in the browser, not a cancellation scope (ASYNC109).
# ruff: noqa: ASYNC109
# unasync: remove-end

from __future__ import annotations

from collections.abc import Sequence

import httpx

from .._http import DEFAULT_TIMEOUT
from .._loopback import AsyncLoopback, OpenBrowser, open_webbrowser
from .._metadata import OAuthConfig
from .._token import OAuthToken
from .flows import exchange_code

__all__ = ["run_local_flow"]


async def run_local_flow(
    *,
    client_id: str,
    config: OAuthConfig | None = None,
    authorization_endpoint: str | None = None,
    token_endpoint: str | None = None,
    client_secret: str | None = None,
    scope: str | Sequence[str] | None = None,
    resource: str | Sequence[str] | None = None,
    use_legacy_format: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    path: str = "/callback",
    timeout: float = 300.0,
    open_browser: OpenBrowser | None = open_webbrowser,
    request_timeout: float = DEFAULT_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OAuthToken:
    """Sign the user in through their browser and a one-shot loopback listener.

    Starts an HTTP listener on `host` (an ephemeral port unless `port` is given), builds the
    authorization URL with PKCE and a fresh `state`, opens the browser, waits for the redirect,
    answers it with a small "you can close this tab" page, checks `state` (and `iss`, RFC 9207),
    and exchanges the code. The listener is closed before the code is exchanged.

    Pass either `config` (from `discover()`), or both `authorization_endpoint` and
    `token_endpoint`.

    The async twin (`arun_local_flow`) never blocks the event loop: the listener serves from its
    own thread, `open_browser` is called in a worker thread (`asyncio.to_thread`), and the wait
    is an `asyncio.Event`; cancelling it closes the listener.

    Args:
        client_id: Your app's client id.
        config: Discovered metadata: its endpoints, and `issuer` for the `iss` check.
        authorization_endpoint: The authorization endpoint, when you have no `config`.
        token_endpoint: The token endpoint, when you have no `config`.
        client_secret: Your app's client secret, if it has one (desktop apps usually do not).
        scope: A space-separated string or a list of scope tokens.
        resource: RFC 8707 resource indicator(s), sent on the authorization URL and the
            exchange.
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
    loopback = AsyncLoopback(
        client_id=client_id,
        config=config,
        authorization_endpoint=authorization_endpoint,
        token_endpoint=token_endpoint,
        client_secret=client_secret,
        scope=scope,
        resource=resource,
        use_legacy_format=use_legacy_format,
        host=host,
        port=port,
        path=path,
        timeout=timeout,
    )
    async with loopback:
        await loopback.open(open_browser)
        await loopback.wait()
    return await exchange_code(
        token_endpoint=loopback.token_endpoint,
        code=loopback.code(),
        redirect_uri=loopback.redirect_uri,
        client_id=client_id,
        client_secret=client_secret,
        code_verifier=loopback.pkce.verifier,
        resource=resource,
        use_legacy_format=loopback.legacy,
        timeout=request_timeout,
        transport=transport,
    )
