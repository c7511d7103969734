"""The async client and its transport loop.

This module is the source of truth for `basecamp/_sync/client.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypedDict, cast
from urllib.parse import urlencode

import httpx

from .._auth import AsyncTokenProvider, AuthStrategy, check_token
from .._config import Config
from .._cycle import Action, RequestCycle
from .._errors import BasecampError, UsageError
from .._logging import signed_url
from .._primitives_async import Gate, deadline, http_transport, sleep
from .._reply import Reply
from .._report import report
from .._request import NO_BODY, PreparedBody, check_header_value, redact_url, validate_account_id
from .._response import expect_object
from .._retry import RetryPolicy
from .._version import __version__
from .auth import AsyncStaticTokenProvider
from .body import read_capped

if TYPE_CHECKING:
    # `basecamp.hooks` loads with the first hook, and `_cache` with a cache, not with the client.
    from .._cache import CacheEntry, CacheStore
    from ..hooks import BasecampHooks, RequestInfo
    from .account import AsyncAccountClient

__all__ = [
    "AsyncAuthorization",
    "AsyncClient",
    "AuthorizationAccount",
    "AuthorizationIdentity",
    "AuthorizationInfo",
    "Reply",
]

DEFAULT_USER_AGENT = f"basecamp-python/{__version__} (+https://pypi.org/project/basecamp-sdk/)"


class AuthorizationIdentity(TypedDict):
    """The person a token belongs to, in `AuthorizationInfo["identity"]`."""

    id: int
    first_name: str
    last_name: str
    email_address: str


class AuthorizationAccount(TypedDict):
    """One account a token reaches, in `AuthorizationInfo["accounts"]`.

    `id` goes straight to `client.for_account(...)`. `product` is `"bc3"` for Basecamp 3 and 4
    (the accounts this SDK speaks to); Launchpad also lists other 37signals products.
    """

    product: str
    id: int
    name: str
    href: str
    app_href: str


class AuthorizationInfo(TypedDict):
    """Launchpad's `authorization.json`: who the token belongs to and which accounts it reaches."""

    expires_at: str
    identity: AuthorizationIdentity
    accounts: list[AuthorizationAccount]


class AsyncClient:
    """The Basecamp client for asyncio. Create one and share it: it pools connections.

    Pass exactly one of `access_token`, `token_provider` or `auth`.

    Args:
        access_token: A fixed OAuth access token.
        token_provider: Supplies (and refreshes) tokens, e.g. `AsyncOAuthTokenProvider`.
        auth: A custom `AuthStrategy` that sets headers itself.
        config: Timeouts, retries and limits; `Config()` by default.
        hooks: Observability hooks (`basecamp.hooks`).
        user_agent: Your app's name and contact, put before the SDK's own User-Agent.
        transport: An httpx transport, e.g. a fake server for tests.
        cache: A `CacheStore` (e.g. `MemoryCache()`) for HTTP caching of GETs: a repeat sends
            the stored validators and a `304 Not Modified` is answered from the store. Off by
            default. Entries are keyed by a hash of the credential and the full URL.

    Example:
        ```python
        async with AsyncClient(access_token="...") as client:
            projects = await client.for_account(12345).projects.list()
        ```
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        token_provider: AsyncTokenProvider | None = None,
        auth: AuthStrategy | None = None,
        config: Config | None = None,
        hooks: BasecampHooks | None = None,
        user_agent: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        cache: CacheStore | None = None,
    ) -> None:
        given = sum(x is not None for x in (access_token, token_provider, auth))
        if given != 1:
            raise UsageError(
                "Pass exactly one of access_token=, token_provider= or auth= "
                f"({'none' if given == 0 else given} given)."
            )
        if access_token is not None:
            token_provider = AsyncStaticTokenProvider(check_token(access_token))
        self._provider = token_provider
        self._auth = auth
        self.config: Config = config or Config()
        self._retry_policy = RetryPolicy.from_config(self.config)
        self._hooks = hooks
        if cache is not None:
            from .._cache import CacheStore

            if not isinstance(cache, CacheStore):
                raise UsageError(
                    "cache= must be a CacheStore (get, set, delete), e.g. MemoryCache()."
                )
        self._cache = cache
        # (token, its hash) as one value: a thread never pairs one token with another's hash.
        self._cache_identity: tuple[str | None, str] = (None, "")
        # `Config` is frozen: the origin checks every request makes are built once.
        self._api_prefix = self.config.base_url + "/"
        self._credential_prefixes = (self._api_prefix, self.config.launchpad_url + "/")
        agent = DEFAULT_USER_AGENT
        if user_agent:
            agent = f"{check_header_value('User-Agent', user_agent)} {DEFAULT_USER_AGENT}"
        self._base_headers = {"User-Agent": agent, "Accept": "application/json"}
        # Every header a request carries but its credentials and Content-Type, in the order
        # httpx would send them. Only encodings `read_capped` can inflate within the size cap.
        self._api_headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "keep-alive",
            "User-Agent": agent,
        }
        # Requests without credentials (download storage) carry httpx's defaults, not ours.
        self._storage_headers = {
            **self._api_headers,
            "Accept": "*/*",
            "User-Agent": f"python-httpx/{httpx.__version__}",
        }
        timeout = httpx.Timeout(self.config.timeout)
        self._timeouts = timeout.as_dict()  # each request carries them as its extension
        limit = self.config.max_concurrency
        # As many connections again for download storage, which has slots of its own.
        limits = httpx.Limits(max_connections=2 * limit, max_keepalive_connections=2 * limit)
        # Requests go straight to the transport: what `httpx.AsyncClient.send` adds (its auth
        # flow, redirects, cookies, event hooks) the SDK does itself or refuses, and it costs
        # about a sixth of a small GET's CPU. Only a proxy from the environment (no transport:
        # httpx routes each URL) goes through an `httpx.AsyncClient`.
        self._transport = transport or http_transport(limits)
        self._proxied: httpx.AsyncClient | None = None
        if self._transport is None:
            self._proxied = httpx.AsyncClient(
                timeout=timeout,
                follow_redirects=False,
                # The API needs no cookies; a stored one would ride along to download storage.
                cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
                limits=limits,
            )
        # API calls and storage hops (unauthenticated, off the API's rate limit) take their
        # places in separate gates, so slow storage cannot starve calls to the API.
        self._api_gate = Gate(limit, self.config.pool_timeout)
        self._storage_gate = Gate(limit, self.config.pool_timeout)
        self._checked_token: str | None = None
        self._closed = False
        self._authorization: AsyncAuthorization | None = None

    def for_account(self, account_id: int | str) -> AsyncAccountClient:
        """Return a client scoped to one Basecamp account.

        Args:
            account_id: The account number (digits), as in `https://3.basecamp.com/<id>/`.

        Raises:
            UsageError: `account_id` is not a string of digits.
        """
        # With the first account, not with the client: building one needs no service code.
        from .account import AsyncAccountClient

        return AsyncAccountClient(self, validate_account_id(account_id))

    @property
    def authorization(self) -> AsyncAuthorization:
        """Launchpad's view of the token: identity and reachable accounts."""
        if self._authorization is None:
            self._authorization = AsyncAuthorization(self)
        return self._authorization

    @property
    def hooks(self) -> BasecampHooks | None:
        """The hooks this client reports to."""
        return self._hooks

    @property
    def cache(self) -> CacheStore | None:
        """The store of cached GET responses, or `None` when caching is off."""
        return self._cache

    async def close(self) -> None:
        """Close pooled connections. The client cannot be used afterwards: calls waiting for a
        slot fail with `UsageError`, and an open stream fails on its next read."""
        self._closed = True
        self._api_gate.close()
        self._storage_gate.close()
        if self._transport is not None:
            await self._transport.aclose()
        else:
            assert self._proxied is not None
            await self._proxied.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.base_url!r})"

    # -- transport ---------------------------------------------------------------------------

    async def _credentials(self) -> tuple[dict[str, str] | httpx.Headers, str | None]:
        """An API request's headers with fresh credentials, and the secret they carry."""
        if self._provider is not None:
            token = await self._provider.access_token()
            if token is not self._checked_token:
                # A provider's token is checked like a given one (once per token): it must not
                # split the request.
                self._checked_token = check_token(token)
            return {**self._api_headers, "Authorization": f"Bearer {token}"}, token
        assert self._auth is not None
        seen = dict(self._base_headers)  # a strategy sees the headers it always saw
        self._auth.authenticate(seen)
        # Merged as httpx merges a request's headers over its defaults: names match in any case.
        headers = httpx.Headers(self._api_headers)
        headers.update(seen)
        # Not a token we can refresh, but a secret all the same: errors must never echo it.
        credential = headers.get("authorization", "").rpartition(" ")[2]
        return headers, credential or None

    async def _refresh(self, cycle: RequestCycle, used: str | None) -> Action:
        """After a 401: get a fresh token, refreshing only if nobody else already did."""
        provider = self._provider
        try:
            if provider is None or not provider.refreshable:
                replaced = False
            else:
                # The provider decides, under its own lock, whether `used` is still its token,
                # so two threads that were refused the same token cannot both refresh it.
                replaced = await provider.refresh(reason="rejected", rejected=used)
        except BasecampError as exc:
            return cycle.refresh_failed(exc)
        return cycle.refreshed(replaced)

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: PreparedBody = NO_BODY,
        idempotent: bool,
        authenticated: bool = True,
        accept_redirect: bool = False,
        body_limit: int | None = None,
    ) -> Reply:
        """Send a request with the retry policy and return the buffered, capped reply.

        This is the engine under every call; most code wants `AccountClient` instead.
        `body_limit` caps an accepted body (default `max_response_bytes`); error bodies are
        always capped at `max_response_bytes`.
        """
        return await self._send(
            method,
            url,
            params=params,
            body=body,
            idempotent=idempotent,
            authenticated=authenticated,
            accept_redirect=accept_redirect,
            stream=False,
            body_limit=body_limit,
        )

    @contextlib.asynccontextmanager
    async def _open(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None,
        body: PreparedBody,
        idempotent: bool,
        authenticated: bool,
        accept_redirect: bool,
        stream: bool,
        body_limit: int | None = None,
    ) -> AsyncIterator[Reply]:
        """`_request`, or with `stream` a reply whose 2xx response stays open until exit."""
        reply = await self._send(
            method,
            url,
            params=params,
            body=body,
            idempotent=idempotent,
            authenticated=authenticated,
            accept_redirect=accept_redirect,
            stream=stream,
            body_limit=body_limit,
        )
        if reply.response is None:
            yield reply
            return
        # A streamed 2xx: `_send` handed it over still holding its place in the gate. A caller
        # that abandons the stream (a generator closed or garbage-collected) lands here too.
        try:
            yield reply
        finally:
            try:
                await reply.response.aclose()
            finally:
                (self._api_gate if authenticated else self._storage_gate).release()

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None,
        body: PreparedBody,
        idempotent: bool,
        authenticated: bool,
        accept_redirect: bool,
        stream: bool,
        body_limit: int | None = None,
    ) -> Reply:
        """The driver of a `RequestCycle` under `_request` and `_open`: it does the I/O, the
        cycle decides. Not a context manager itself, so a buffered request (the common case)
        does not pay for one.

        With `stream`, a 2xx comes back with its response open and its place in the gate still
        taken: the caller must close the response and then release the gate, as `_open` does.
        """
        shown_url = self._shown_url(url, params, authenticated)
        hooks = self._hooks
        if hooks is not None:  # whoever set hooks has loaded `basecamp.hooks` already
            from ..hooks import RequestInfo, RequestResult, safe_call
        # Buffered GETs of the API only: no download hop, no streamed reply.
        cached = (
            self._cache is not None
            and method == "GET"
            and authenticated
            and not stream
            and not accept_redirect
        )
        cycle = RequestCycle(
            self._retry_policy,
            idempotent=idempotent,
            accept_redirect=accept_redirect,
            refreshable=authenticated,
            signed_url=None if authenticated else url,
            accept_not_modified=cached,
        )
        gate = self._api_gate if authenticated else self._storage_gate
        key = ""
        entry: CacheEntry | None = None
        info: RequestInfo | None = None
        while True:
            request, token = await self._prepare(method, url, params, body, authenticated)
            if cached:
                key, entry = self._cache_lookup(request, token, cycle.accept_not_modified)
            await gate.acquire()  # past Config.pool_timeout: a NetworkError, nothing was sent
            reply: Reply | None = None
            try:
                if hooks is not None:
                    info = RequestInfo(method, shown_url, cycle.attempt)
                    safe_call(hooks.on_request_start, info)
                started = time.monotonic()
                reply = await self._exchange(
                    request, url, cycle, authenticated, stream, body_limit, started
                )
            except (BasecampError, httpx.HTTPError, TimeoutError) as exc:
                action = cycle.failed(exc, secret=token)
            else:
                action = cycle.replied(reply.headers, reply.body, secret=token)
            finally:
                if reply is None or reply.response is None:  # a streamed 2xx keeps its place
                    gate.release()
            if hooks is not None:
                assert info is not None
                result = RequestResult(
                    cycle.status,
                    time.monotonic() - started,
                    cycle.error,
                    cycle.retry_after,
                    entry is not None and cycle.status == 304,
                )
                safe_call(hooks.on_request_end, info, result)
            if action is Action.RETURN and reply is not None:
                reply.secret = token  # for the request id of an error decoding the body
                if not cached:
                    return reply
                served = self._cache_answer(key, entry, reply)
                if served is not None:
                    served.secret = token
                    return served
                action = cycle.not_modified_unserved()
            if action is Action.REFRESH:
                action = await self._refresh(cycle, token)
            if action is Action.RAISE:
                raise cycle.failure
            if action is Action.SLEEP:
                if hooks is not None:
                    assert info is not None
                    safe_call(hooks.on_retry, info, cycle.retries, cycle.error, cycle.delay)
                await sleep(cycle.delay)

    def _cache_lookup(
        self, request: httpx.Request, token: str | None, conditional: bool
    ) -> tuple[str, CacheEntry | None]:
        """The cache key of this attempt and, when `conditional`, the entry to revalidate (its
        validators are added to `request`)."""
        assert self._cache is not None
        from .._cache import cache_key, conditional_headers, credential_identity

        if self._provider is not None and token is not None:
            memo = self._cache_identity
            if memo[0] is not token:
                memo = (token, credential_identity(token))
                self._cache_identity = memo
            identity = memo[1]
        else:
            # A custom strategy may put credentials in any header: all of them make the key.
            identity = credential_identity(request.headers.multi_items())
        key = cache_key(identity, str(request.url))
        entry = self._cache.get(key) if conditional else None
        if entry is not None:
            conditional_headers(entry, request.headers)
        return key, entry

    def _cache_answer(self, key: str, entry: CacheEntry | None, reply: Reply) -> Reply | None:
        """The reply to hand back for a cached GET, the store updated; `None` for a `304`
        with no entry to serve (the request is then sent again without validators)."""
        store = self._cache
        assert store is not None
        from .._cache import entry_from_response, revalidated

        if reply.status == 304:
            if entry is None:
                return None
            served, keep = revalidated(entry, reply.headers.multi_items())
            if keep:
                store.set(key, served)
            else:
                store.delete(key)
            headers = httpx.Headers(list(served.headers))
            return Reply(200, headers, served.body, reply.url, from_cache=True)
        fresh = entry_from_response(reply.status, reply.headers.multi_items(), reply.body)
        if fresh is not None:
            store.set(key, fresh)
        else:
            store.delete(key)  # what was stored no longer describes the resource
        reply.from_cache = False
        return reply

    def _shown_url(
        self, url: str, params: list[tuple[str, str]] | None, authenticated: bool
    ) -> str:
        """Refuse what must not be sent; return the URL as the hooks may see it."""
        if self._closed:
            raise UsageError("This client is closed.")
        if authenticated and not url.startswith(self._credential_prefixes):
            raise UsageError("Credentials are only sent to the API origin (base_url).")
        # Unauthenticated fetches (download storage) and anything off the API origin: hide the
        # signed query string from hooks. A bare prefix test would also match look-alike hosts
        # such as `https://3.basecampapi.com.example`, so the origin must end with "/".
        if not (authenticated and url.startswith(self._api_prefix)):
            return redact_url(url)
        if params and self._hooks is not None:
            return f"{url}?{urlencode(params)}"  # hooks tell pages and filters apart
        return url

    async def _prepare(
        self,
        method: str,
        url: str,
        params: list[tuple[str, str]] | None,
        body: PreparedBody,
        authenticated: bool,
    ) -> tuple[httpx.Request, str | None]:
        """One attempt's request, with fresh credentials, and the secret it carries."""
        headers: dict[str, str] | httpx.Headers
        if authenticated:
            headers, token = await self._credentials()
        else:
            headers, token = dict(self._storage_headers), None
        if body.content_type:
            headers["Content-Type"] = body.content_type
        try:
            request = httpx.Request(
                method,
                url,
                params=tuple(params) if params else None,
                content=body.content,
                headers=headers,
                extensions={"timeout": self._timeouts},
            )
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            failure = type(exc).__name__
        else:
            return request, token
        # Raised outside the handler: httpx's error quotes the URL (a signed one, for storage),
        # and it must not ride along as `__context__`.
        raise UsageError(
            f"The request cannot be encoded ({failure}); check the path and "
            "parameters for characters a URL cannot carry."
        )

    async def _exchange(
        self,
        request: httpx.Request,
        url: str,
        cycle: RequestCycle,
        authenticated: bool,
        stream: bool,
        body_limit: int | None,
        started: float,
    ) -> Reply:
        """One attempt on the wire, headers and body within the request deadline."""
        config = self.config
        ends_at = started + config.request_deadline
        async with deadline(config.request_deadline):
            if self._transport is not None:
                response = await self._transport.handle_async_request(request)
                response.request = request
            else:
                response = await self._send_proxied(request, url, authenticated)
            answered = cycle.respond(response.status_code)
            if answered and stream:
                return Reply(response.status_code, response.headers, b"", url, response)
            limit = config.max_response_bytes
            if answered and body_limit is not None:
                limit = body_limit
            try:
                content = await read_capped(response, limit, ends_at, truncate=not answered)
            finally:
                await response.aclose()
            return Reply(response.status_code, response.headers, content, url)

    async def _send_proxied(
        self, request: httpx.Request, url: str, authenticated: bool
    ) -> httpx.Response:
        """Send through the `httpx.AsyncClient` that routes by the environment's proxies."""
        assert self._proxied is not None
        if authenticated:
            return await self._proxied.send(request, stream=True)
        with signed_url(url):  # a signed storage URL: keep its query out of httpx's log line
            return await self._proxied.send(request, stream=True)


class AsyncAuthorization:
    """Launchpad's `authorization.json`: the only credentialed request off the API origin."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def get(self) -> AuthorizationInfo:
        """Return the token's identity and the accounts it can reach.

        Raises:
            AuthError: The token is invalid or expired.
            ApiError: Launchpad answered with something unusable.
        """
        url = f"{self._client.config.launchpad_url}/authorization.json"
        hooks = self._client.hooks
        info = None
        if hooks is not None:
            from ..hooks import OperationInfo

            info = OperationInfo("authorization", "get", "GetAuthorization", is_mutation=False)
        with report(hooks, info) as rep:
            reply = await self._client._request("GET", url, idempotent=True)
            if reply.from_cache is not None:
                rep.note(reply.from_cache)
        return cast(AuthorizationInfo, expect_object(reply.json(), "authorization"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
