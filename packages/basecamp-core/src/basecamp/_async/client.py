"""The async client and its transport loop.

This module is the source of truth for `basecamp/_sync/client.py`, which `tools/unasync.py`
generates from it (`make generate`). Edit this file, never the twin.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypedDict, cast
from urllib.parse import urlencode

import httpx

from .._auth import AsyncTokenProvider, AuthStrategy, check_token
from .._config import Config
from .._errors import (
    ApiError,
    AuthError,
    BasecampError,
    NetworkError,
    UsageError,
    error_from_response,
)
from .._logging import signed_url
from .._primitives_async import Gate, deadline, http_transport, sleep
from .._request import NO_BODY, PreparedBody, check_header_value, redact_url, validate_account_id
from .._response import decode_json, expect_object
from .._retry import decide_retry, parse_retry_after
from .._version import __version__
from ..hooks import (
    BasecampHooks,
    OperationInfo,
    OperationResult,
    RequestInfo,
    RequestResult,
    safe_call,
)
from .auth import AsyncOAuthTokenProvider, AsyncStaticTokenProvider
from .body import read_capped

if TYPE_CHECKING:
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
# Server errors after which a write may or may not have been applied.
_MAYBE_APPLIED = frozenset({500, 502, 504})
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


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


@dataclass(slots=True)
class Reply:
    """A response whose status the transport accepted.

    `body` holds the capped body; for streamed replies it is empty and `response` is still open.
    """

    status: int
    headers: httpx.Headers
    body: bytes
    url: str
    response: httpx.Response | None = None

    @property
    def request_id(self) -> str | None:
        """The server's `X-Request-Id`, if sent."""
        value: str | None = self.headers.get("x-request-id")
        return value

    def json(self) -> object:
        """The body decoded as JSON, or `ApiError`."""
        try:
            return decode_json(self.body, self.headers.get("content-type"))
        except ApiError as exc:
            # Which response was unusable: worth a support ticket's time.
            exc.http_status = self.status
            exc.request_id = self.request_id
            raise


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
        self._hooks = hooks
        agent = DEFAULT_USER_AGENT
        if user_agent:
            agent = f"{check_header_value('User-Agent', user_agent)} {DEFAULT_USER_AGENT}"
        self._base_headers = {"User-Agent": agent, "Accept": "application/json"}
        # Requests without credentials (download storage) carry httpx's defaults, not ours.
        self._anonymous_headers = {
            "User-Agent": f"python-httpx/{httpx.__version__}",
            "Accept": "*/*",
        }
        limit = self.config.max_concurrency
        limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,
            # The API needs no cookies, and a stored one would ride along to download storage.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            transport=transport or http_transport(limits),
            limits=limits,  # used when httpx builds the transport itself (a proxy from the env)
            # Only encodings `read_capped` can inflate within the size cap. The SDK's own headers
            # are the pool's defaults, so a request adds only its credentials: merging headers
            # that override defaults is a measurable part of a small GET's cost in httpx.
            headers={"Accept-Encoding": "gzip, deflate", **self._base_headers},
        )
        self._gate = Gate(limit)
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

    async def close(self) -> None:
        """Close pooled connections. The client cannot be used afterwards."""
        self._closed = True
        await self._http.aclose()

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

    @contextlib.asynccontextmanager
    async def _operation(self, info: OperationInfo | None) -> AsyncIterator[None]:
        """Report one SDK call to the operation hooks, with its duration and outcome."""
        hooks = self._hooks
        if hooks is None or info is None:
            yield
            return
        safe_call(hooks.on_operation_start, info)
        started = time.monotonic()
        error: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            error = exc
            raise
        finally:
            duration = (time.monotonic() - started) * 1000
            safe_call(hooks.on_operation_end, info, OperationResult(duration, error))

    # -- transport ---------------------------------------------------------------------------

    async def _authorize(self, headers: dict[str, str]) -> str | None:
        if self._provider is not None:
            token = await self._provider.access_token()
            if token is not self._checked_token:
                # A provider's token is checked like a given one (once per token): it must not
                # split the request.
                self._checked_token = check_token(token)
            headers["Authorization"] = f"Bearer {token}"
            return token
        assert self._auth is not None
        headers.update(self._base_headers)  # a strategy sees the headers it always saw
        self._auth.authenticate(headers)
        # Not a token we can refresh, but a secret all the same: errors must never echo it.
        credential = headers.get("Authorization", "").rpartition(" ")[2]
        return credential or None

    async def _replace_rejected_token(self, used: str | None) -> bool:
        """After a 401: get a fresh token, refreshing only if nobody else already did."""
        provider = self._provider
        if provider is None or not provider.refreshable:
            return False
        if isinstance(provider, AsyncOAuthTokenProvider):
            # Decided under the provider's lock, so two threads that were refused the same
            # token cannot both refresh it.
            return await provider.refresh(rejected=used)
        if used is not None and await provider.access_token() != used:
            return True
        return await provider.refresh()

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
        # A streamed 2xx: `_send` handed it over still holding its place in the gate.
        try:
            yield reply
        finally:
            try:
                await reply.response.aclose()
            finally:
                self._gate.release()

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
        """The retry loop under `_request` and `_open`. It is not a context manager itself, so
        a buffered request (the common case) does not pay for one.

        With `stream`, a 2xx comes back with its response open and its place in the gate still
        taken: the caller must close the response and then release the gate, as `_open` does.
        """
        if self._closed:
            raise UsageError("This client is closed.")
        config = self.config
        if authenticated and not url.startswith(
            (config.base_url + "/", config.launchpad_url + "/")
        ):
            raise UsageError("Credentials are only sent to the API origin (base_url).")
        hooks = self._hooks
        # Unauthenticated fetches (download storage) and anything off the API origin: hide the
        # signed query string from hooks. A bare prefix test would also match look-alike hosts
        # such as `https://3.basecampapi.com.example`, so the origin must end with "/".
        on_api = authenticated and url.startswith(config.base_url + "/")
        shown_url = url if on_api else redact_url(url)
        if on_api and params and hooks is not None:
            shown_url = f"{url}?{urlencode(params)}"  # hooks tell pages and filters apart
        attempt = 0
        retries = 0
        replayed_after_401 = False
        while True:
            attempt += 1
            headers = {} if authenticated else dict(self._anonymous_headers)
            token = await self._authorize(headers) if authenticated else None
            if body.content_type:
                headers["Content-Type"] = body.content_type
            try:
                request = self._http.build_request(
                    method,
                    url,
                    params=tuple(params) if params else None,
                    content=body.content,
                    headers=headers,
                )
            except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
                # A caller's value that cannot go on the wire: not a network problem.
                raise UsageError(
                    f"The request cannot be encoded ({type(exc).__name__}); check the path and "
                    "parameters for characters a URL cannot carry."
                ) from None
            info = RequestInfo(method, shown_url, attempt)
            if hooks is not None:
                safe_call(hooks.on_request_start, info)
            started = time.monotonic()
            reply: Reply | None = None
            failure: BasecampError
            await self._gate.acquire()
            keep_gate = False
            try:
                try:
                    async with deadline(config.request_deadline):
                        if authenticated:
                            response = await self._http.send(request, stream=True)
                        else:  # a signed storage URL: keep its query out of httpx's log line
                            with signed_url(url):
                                response = await self._http.send(request, stream=True)
                        status = response.status_code
                        accepted = 200 <= status < 300 or (accept_redirect and 300 <= status < 400)
                        if accepted and stream:
                            reply = Reply(status, response.headers, b"", url, response)
                        else:
                            limit = config.max_response_bytes
                            if accepted and body_limit is not None:
                                limit = body_limit
                            try:
                                content = await read_capped(
                                    response,
                                    limit,
                                    started + config.request_deadline,
                                    truncate=not accepted,
                                )
                            finally:
                                await response.aclose()
                            reply = Reply(status, response.headers, content, url)
                except BasecampError as exc:
                    failure = exc
                except _CONNECT_ERRORS as exc:
                    failure = self._network_error(exc, idempotent=idempotent, sent=False)
                except (httpx.HTTPError, TimeoutError) as exc:
                    failure = self._network_error(exc, idempotent=idempotent)
                if reply is not None and reply.response is not None:
                    # A streamed 2xx: hand the open response over, still holding the gate.
                    if hooks is not None:
                        result = RequestResult(reply.status, time.monotonic() - started)
                        safe_call(hooks.on_request_end, info, result)
                    keep_gate = True
                    return reply
            finally:
                if not keep_gate:
                    self._gate.release()
            duration = time.monotonic() - started
            retry_after: float | None = None
            status_code: int | None = None
            if reply is not None:
                status_code = reply.status
                if 200 <= reply.status < 300 or (accept_redirect and 300 <= reply.status < 400):
                    if hooks is not None:
                        safe_call(hooks.on_request_end, info, RequestResult(status_code, duration))
                    return reply
                retry_after = parse_retry_after(reply.headers.get("retry-after"))
                failure = error_from_response(
                    reply.status,
                    reply.body,
                    request_id=reply.request_id,
                    retry_after=retry_after,
                    redact=(token,) if token else (),
                )
                if not idempotent and reply.status in _MAYBE_APPLIED:
                    # The server may have done the work before failing: sending it again could
                    # duplicate it, so this error is not one to retry blindly.
                    failure.retryable = False
                    failure.hint = "The change may or may not have been applied; check first."
            if hooks is not None:
                end = RequestResult(status_code, duration, failure, retry_after)
                safe_call(hooks.on_request_end, info, end)
            if status_code == 401 and authenticated and not replayed_after_401:
                replayed_after_401 = True
                try:
                    replaced = await self._replace_rejected_token(token)
                except BasecampError as exc:
                    # The caller asked for a resource, not a token: report what went wrong with
                    # the credentials, as the contract says, whatever broke the refresh.
                    raise AuthError(
                        f"The access token was rejected and refreshing it failed "
                        f"({type(exc).__name__}: {exc.message})",
                        http_status=401,
                        request_id=failure.request_id,
                    ) from None
                if replaced:
                    continue
            decision = decide_retry(
                attempt=retries + 1,
                max_retries=config.max_retries,
                idempotent=idempotent,
                status=status_code,
                network_error=reply is None and isinstance(failure, NetworkError),
                retry_after=retry_after,
                base_delay=config.base_delay,
                max_jitter=config.max_jitter,
                max_backoff=config.max_backoff,
                max_retry_after=config.max_retry_after,
                random_value=random.random(),  # noqa: S311 (jitter, not security)
            )
            if not decision.retry:
                raise failure
            retries += 1
            if hooks is not None:
                safe_call(hooks.on_retry, info, retries, failure, decision.delay)
            await sleep(decision.delay)

    @staticmethod
    def _network_error(exc: BaseException, *, idempotent: bool, sent: bool = True) -> NetworkError:
        kind = type(exc).__name__
        if not sent:
            return NetworkError(
                f"Could not connect to the server ({kind}); the request was not sent."
            )
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            message = f"The request timed out ({kind})."
        else:
            message = f"The request failed on the network ({kind})."
        if idempotent:
            return NetworkError(message)
        return NetworkError(
            message + " It may or may not have been applied; it was not retried.",
            hint="Check whether the change happened before sending it again.",
            retryable=False,
        )


_AUTHORIZATION = OperationInfo("authorization", "get", "GetAuthorization", is_mutation=False)


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
        async with self._client._operation(_AUTHORIZATION):
            reply = await self._client._request("GET", url, idempotent=True)
        return cast(AuthorizationInfo, expect_object(reply.json(), "authorization"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
