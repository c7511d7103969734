"""`WebhookReceiver`: verify, deduplicate and route webhook deliveries."""

from __future__ import annotations

import inspect
import json
import re
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Self, cast

from ._adapters._asgi import WebhookAsgiApp
from ._adapters._http import DEFAULT_MAX_BODY_SIZE, WebhookResponse, respond, respond_async
from ._adapters._wsgi import WebhookWsgiApp
from ._dedup import DEFAULT_DEDUP_WINDOW_SIZE, DedupStore, MemoryStore, dedup_key
from ._errors import (
    AsyncHandlerError,
    WebhookConfigurationError,
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
)
from ._events import WebhookEvent
from ._signature import SIGNATURE_HEADER, _verify_with_key

__all__ = [
    "AsyncMiddleware",
    "AsyncNextFn",
    "DeliveryStatus",
    "Handler",
    "Middleware",
    "NextFn",
    "SyncMiddleware",
    "WebhookReceiver",
    "WebhookResult",
]

Handler = Callable[[WebhookEvent], object]
"""An event handler: a plain function, or an `async def` (awaited by the async path only)."""

NextFn = Callable[[], None]
"""What a synchronous middleware calls to continue dispatch."""

AsyncNextFn = Callable[[], Awaitable[None]]
"""What an `async def` middleware awaits to continue dispatch."""

SyncMiddleware = Callable[[WebhookEvent, NextFn], object]
"""`middleware(event, next_fn)`: call `next_fn()` to continue, or return to stop dispatch."""

AsyncMiddleware = Callable[[WebhookEvent, AsyncNextFn], Awaitable[object]]
"""`async def middleware(event, next_fn)`: `await next_fn()` to continue."""

Middleware = SyncMiddleware | AsyncMiddleware
"""Either kind of middleware."""


class DeliveryStatus(StrEnum):
    """What `WebhookReceiver.handle_request` did with a delivery."""

    HANDLED = "handled"
    """The event was dispatched (to zero or more handlers) and is now remembered."""

    DUPLICATE = "duplicate"
    """The event id was already processed, or is being processed right now: nothing ran."""


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """The outcome of one delivery.

    Attributes:
        status: `DeliveryStatus.HANDLED` or `DeliveryStatus.DUPLICATE`.
        event: The verified, parsed event.
        handlers_run: The handlers that ran, in the order they ran (empty for a duplicate).
        stopped_by_middleware: `True` when a middleware returned without calling `next_fn`,
            so no handler ran. The event still counts as handled (and is remembered).
    """

    status: DeliveryStatus
    event: WebhookEvent
    handlers_run: tuple[Handler, ...] = ()
    stopped_by_middleware: bool = False

    @property
    def handled(self) -> bool:
        """`True` unless the delivery was a duplicate."""
        return self.status is DeliveryStatus.HANDLED

    @property
    def duplicate(self) -> bool:
        """`True` when the delivery was skipped as a duplicate."""
        return self.status is DeliveryStatus.DUPLICATE

    @property
    def handler_names(self) -> tuple[str, ...]:
        """The qualified names of `handlers_run`, handy for logs."""
        return tuple(_callable_name(handler) for handler in self.handlers_run)


@dataclass(frozen=True, slots=True)
class _Route:
    pattern: str
    regex: re.Pattern[str] | None  # None: an exact kind, compared with ==
    handler: Handler
    is_async: bool

    def matches(self, kind: str) -> bool:
        if self.regex is None:
            return self.pattern == kind
        return self.regex.fullmatch(kind) is not None


_Entry = tuple[Handler, bool]  # (handler, is_async)
_MiddlewareEntry = tuple[Middleware, bool]


class _Claim(NamedTuple):
    """What claiming a delivery's event id gave: whether to dispatch, and what to settle."""

    dispatch: bool
    """`False` for a duplicate: nothing may run."""
    key: str | None = None
    """The claimed key, to commit or release afterwards; `None` when nothing was claimed."""


_UNTRACKED = _Claim(dispatch=True)  # no id, or deduplication off
_DUPLICATE = _Claim(dispatch=False)


class _Run:
    """Mutable bookkeeping of one dispatch, and the gate that ends it.

    A delivery is *open* while `handle_request(_async)` is dispatching it. Once it returns or
    raises, `close` shuts the gate: a `next_fn` or a handler reached after that (say from a task
    or thread a middleware spawned) raises `WebhookError` instead of running. The claim on the
    event id is settled (committed or released) by `close` only when no handler of this
    delivery is running any more, so a redelivery can never run concurrently with it.
    """

    __slots__ = ("_active", "_closed", "_lock", "_settle", "ran", "reached")

    def __init__(self) -> None:
        self.ran: list[Handler] = []
        self.reached = False
        self._active = 0  # handlers running right now
        self._closed = False
        self._settle: Callable[[], None] | None = None
        # Only ever held for a few field updates: no user code and no await runs under it.
        self._lock = threading.Lock()

    def check_open(self, what: object) -> None:
        if self._closed:
            raise _ended(what)

    def start_handler(self, handler: Handler) -> None:
        with self._lock:
            if self._closed:
                raise _ended(handler)
            self._active += 1

    def end_handler(self) -> None:
        with self._lock:
            self._active -= 1
            settle = self._settle if self._closed and self._active == 0 else None
            if settle is not None:
                self._settle = None
        if settle is not None:
            settle()

    def close(self, settle: Callable[[], None]) -> None:
        """End the delivery; run `settle` now, or when its last running handler returns."""
        with self._lock:
            self._closed = True
            if self._active:
                self._settle = settle
                return
        settle()


def _ended(what: object) -> WebhookError:
    return WebhookError(
        f"{_callable_name(what)} was reached after its delivery had ended: next_fn() must be "
        "called (or awaited) while the middleware runs, not from a task or thread it spawned"
    )


class WebhookReceiver:
    """Verifies, deduplicates and routes Basecamp webhook deliveries.

    Dispatch order for one event:

    1. Middleware, in registration order: the first registered is the outermost. Each one
       receives `(event, next_fn)` and continues by calling `next_fn()`; one that returns
       without calling it stops dispatch (the event still counts as handled).
    2. Handlers registered with `on` whose pattern matches `event.kind`, in registration order
       (exact kinds and globs interleaved as registered).
    3. Handlers registered with `on_any`, in registration order.

    A handler registered twice (or under two matching patterns) runs once per registration. If a
    handler raises, the later ones do not run, the exception propagates, and the event id is
    released so that a redelivery is processed again: handlers should be idempotent. The id is
    committed or released only once no handler of the delivery is running; a delivery is over
    when `handle_request(_async)` returns or raises, and no `next_fn` or handler of it starts
    after that (see `use`).

    Deduplication uses the event `id` (`1` and `"1"` are the same id) in a `DedupStore`: by
    default an in-memory LRU window of `dedup_window_size` ids (`MemoryStore`), or the store
    passed as `dedup_store` (`SQLiteStore` for several worker processes, `RedisStore` for
    several hosts). An id is remembered only after dispatch succeeds. While a delivery is in
    flight, a concurrent delivery of the same id is reported as a duplicate at once (it does
    not wait); if the first one then fails, Basecamp's own retry delivers it again. Events
    without an `id` are never deduplicated. A failing store fails the delivery
    (`WebhookStoreError`, a 500 from the adapters). The receiver is thread-safe and may be
    shared by threads and asyncio tasks.

    Args:
        secret: The webhook secret used to verify `signature_header`. Required unless
            `insecure_skip_verification` is `True`.
        signature_header: The header carrying the hex HMAC-SHA256 signature (any case).
        dedup_window_size: How many processed event ids the default in-memory store
            remembers; `0` disables deduplication entirely (including of concurrent
            deliveries). Only without `dedup_store`.
        dedup_store: Where to record event ids instead of the default `MemoryStore`.
        insecure_skip_verification: Accept unsigned deliveries. Only for local development:
            anyone who can reach the endpoint can then forge events.

    Raises:
        WebhookConfigurationError: If `secret` is missing without the opt-out, if both are
            given, if `dedup_window_size` and `dedup_store` are both given, or if an option
            has an invalid value.
    """

    def __init__(
        self,
        *,
        secret: str | None,
        signature_header: str = SIGNATURE_HEADER,
        dedup_window_size: int | None = None,
        dedup_store: DedupStore | None = None,
        insecure_skip_verification: bool = False,
    ) -> None:
        if insecure_skip_verification is not True and insecure_skip_verification is not False:
            raise WebhookConfigurationError("insecure_skip_verification must be a bool")
        if secret is not None and not isinstance(secret, str):
            raise WebhookConfigurationError("secret must be a str")
        if insecure_skip_verification:
            if secret:
                raise WebhookConfigurationError(
                    "pass either a secret or insecure_skip_verification=True, not both"
                )
            self._key: bytes | None = None
        else:
            if not secret:
                raise WebhookConfigurationError(
                    "a webhook secret is required; pass insecure_skip_verification=True to "
                    "accept unsigned requests (never in production)"
                )
            try:
                self._key = secret.encode()
            except UnicodeEncodeError:
                raise WebhookConfigurationError("secret is not encodable as UTF-8") from None
        if not isinstance(signature_header, str) or not signature_header.strip():
            raise WebhookConfigurationError("signature_header must be a non-empty string")
        if dedup_store is not None:
            if dedup_window_size is not None:
                raise WebhookConfigurationError(
                    "pass dedup_window_size or dedup_store, not both (size the store itself)"
                )
            for method in ("claim", "commit", "release", "seen"):
                if not callable(getattr(dedup_store, method, None)):
                    raise WebhookConfigurationError(f"dedup_store has no {method}() method")
            dedup_window_size = 0
        elif dedup_window_size is None:
            dedup_window_size = DEFAULT_DEDUP_WINDOW_SIZE
        if isinstance(dedup_window_size, bool) or not isinstance(dedup_window_size, int):
            raise WebhookConfigurationError("dedup_window_size must be an int")
        if dedup_window_size < 0:
            raise WebhookConfigurationError("dedup_window_size must be >= 0")
        if dedup_store is None and dedup_window_size:
            dedup_store = MemoryStore(dedup_window_size)

        self._signature_header = signature_header.strip()
        self._signature_header_lower = self._signature_header.lower()
        self._dedup = dedup_store
        self._dedup_window_size = dedup_window_size
        # Registrations are immutable tuples swapped on change, so dispatch never needs a lock;
        # the lock only keeps concurrent registrations from losing one another.
        self._registration_lock = threading.Lock()
        self._routes: tuple[_Route, ...] = ()
        self._any: tuple[_Entry, ...] = ()
        self._middleware: tuple[_MiddlewareEntry, ...] = ()

    # -- configuration -------------------------------------------------------------------

    @property
    def signature_header(self) -> str:
        """The name of the header that carries the signature."""
        return self._signature_header

    @property
    def dedup_window_size(self) -> int:
        """The size of the default in-memory window (`0`: off, or a `dedup_store` is used)."""
        return self._dedup_window_size

    @property
    def dedup_store(self) -> DedupStore | None:
        """The store recording event ids, or `None` when deduplication is off."""
        return self._dedup

    @property
    def insecure_skip_verification(self) -> bool:
        """`True` when signatures are not checked."""
        return self._key is None

    def __repr__(self) -> str:
        insecure = ", insecure_skip_verification=True" if self._key is None else ""
        if self._dedup is None or self._dedup_window_size:
            dedup = f"dedup_window_size={self._dedup_window_size}"
        else:
            dedup = f"dedup_store={self._dedup!r}"
        return (
            f"WebhookReceiver(signature_header={self._signature_header!r}, "
            f"{dedup}{insecure}, "
            f"handlers={len(self._routes) + len(self._any)}, "
            f"middleware={len(self._middleware)})"
        )

    # -- registration --------------------------------------------------------------------

    def on(self, pattern: str, handler: Handler) -> Self:
        """Run `handler` for events whose kind matches `pattern`.

        Args:
            pattern: An exact kind (`"todo_created"`) or a glob in which `*` matches any run of
                characters (`"todo_*"`, `"*_trashed"`). No other character is special.
            handler: Called with the `WebhookEvent`; may be an `async def` (then only
                `handle_request_async` can run it).

        Returns:
            The receiver, so calls chain.

        Raises:
            WebhookConfigurationError: If `pattern` is empty or not a string.
            TypeError: If `handler` is not callable.
        """
        if not isinstance(pattern, str) or not pattern:
            raise WebhookConfigurationError("pattern must be a non-empty string")
        _require_callable(handler, "handler")
        regex = None
        if "*" in pattern:
            regex = re.compile(".*".join(map(re.escape, pattern.split("*"))), re.DOTALL)
        route = _Route(pattern, regex, handler, _is_async(handler))
        with self._registration_lock:
            self._routes = (*self._routes, route)
        return self

    def on_any(self, handler: Handler) -> Self:
        """Run `handler` for every event, after the handlers registered with `on`.

        Args:
            handler: Called with the `WebhookEvent`; may be an `async def`.

        Returns:
            The receiver, so calls chain.

        Raises:
            TypeError: If `handler` is not callable.
        """
        _require_callable(handler, "handler")
        entry = (handler, _is_async(handler))
        with self._registration_lock:
            self._any = (*self._any, entry)
        return self

    def use(self, middleware: Middleware) -> Self:
        """Wrap dispatch in `middleware(event, next_fn)`.

        The first middleware registered is the outermost. A middleware continues dispatch by
        calling `next_fn()` (`await next_fn()` in an `async def` middleware) and stops it by
        returning without doing so. Exceptions from handlers propagate through it.

        `next_fn` is only valid while the middleware runs: calling it later (from a task or a
        thread the middleware spawned) raises `WebhookError` and runs nothing.

        In `handle_request_async`, a plain (sync) middleware runs inline on the event loop, so
        its `next_fn()` must complete synchronously: everything registered after it, and every
        handler matching the event, must then be plain too. A plain middleware in front of an
        `async def` middleware or handler is refused with `AsyncHandlerError` at call time,
        before anything runs. No worker thread is ever used.

        Args:
            middleware: A sync or `async def` callable taking `(event, next_fn)`.

        Returns:
            The receiver, so calls chain.

        Raises:
            TypeError: If `middleware` is not callable.
        """
        _require_callable(middleware, "middleware")
        entry = (middleware, _is_async(middleware))
        with self._registration_lock:
            self._middleware = (*self._middleware, entry)
        return self

    # -- verification --------------------------------------------------------------------

    def parse_request(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify a request and parse its body, without dispatching or deduplicating.

        Args:
            raw_body: The request body, byte for byte as received.
            headers: The request headers; the signature header is looked up in any case.

        Returns:
            The parsed event.

        Raises:
            WebhookSignatureError: If the signature header is missing or wrong, or repeated
                with different values.
            WebhookPayloadError: If the body is not a JSON object shaped like an event.
            TypeError: If `raw_body` is not bytes-like.
        """
        raw_body = _as_bytes(raw_body)
        if self._key is not None:
            signature = _find_header(headers, self._signature_header, self._signature_header_lower)
            if not signature:
                raise WebhookSignatureError(f"missing {self._signature_header} header")
            if "," in signature:
                # A repeated header reaches us joined with commas (as HTTP servers join it);
                # no signature contains one. Copies of one value are that value; differing
                # values are refused, whichever of them is right.
                values = {part.strip() for part in signature.split(",")}
                if len(values) != 1:
                    raise WebhookSignatureError(
                        f"conflicting values in repeated {self._signature_header} headers"
                    )
                signature = values.pop()
            if not _verify_with_key(raw_body, self._key, signature):
                raise WebhookSignatureError("webhook signature does not match the request body")
        try:
            payload = json.loads(raw_body)
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; deep nesting recurses out.
        except (ValueError, RecursionError) as exc:
            raise WebhookPayloadError("webhook body is not valid JSON") from exc
        if not isinstance(payload, dict):
            raise WebhookPayloadError("webhook body must be a JSON object")
        return WebhookEvent.from_payload(payload)

    def has_seen(self, event_id: int | str) -> bool:
        """Whether `event_id` is in the deduplication window (does not refresh it)."""
        key = dedup_key(event_id)
        return self._dedup is not None and key is not None and self._dedup.seen(key)

    # -- dispatch ------------------------------------------------------------------------

    def handle_request(self, raw_body: bytes, headers: Mapping[str, str]) -> WebhookResult:
        """Verify, deduplicate and dispatch one delivery synchronously.

        Args:
            raw_body: The request body, byte for byte as received.
            headers: The request headers (case-insensitive lookup).

        Returns:
            A `WebhookResult` saying whether the event was handled or a duplicate.

        Raises:
            WebhookVerificationError: For a missing or wrong signature
                (`WebhookSignatureError`) or a malformed body (`WebhookPayloadError`).
            AsyncHandlerError: If a middleware or a handler matching the event is an
                `async def`; raised before anything runs.
            Exception: Whatever a handler or middleware raised (the event id is released).
        """
        event = self.parse_request(raw_body, headers)
        middleware = self._middleware
        handlers = self._handlers_for(event.kind)
        _refuse_async(middleware, handlers)
        with self._delivery(event) as run:
            if run is not None:
                _run_sync(event, middleware, handlers, run, 0)
        return _result(event, run)

    async def handle_request_async(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> WebhookResult:
        """Like `handle_request`, awaiting `async def` handlers and middleware.

        Everything runs in the calling task, on the event loop thread: plain handlers and
        middleware are called inline (keep them quick), and no worker thread is used. Since a
        plain middleware cannot await its `next_fn()`, a plain middleware in front of an
        `async def` middleware or matching handler is refused (see `use`).

        Cancellation is a failure like any other: the event id is released, and as nothing of
        the delivery runs outside the calling task, no handler of it can still start or be
        running once it is released, so a redelivery runs the handlers exactly once more.

        Args:
            raw_body: The request body, byte for byte as received.
            headers: The request headers (case-insensitive lookup).

        Returns:
            A `WebhookResult` saying whether the event was handled or a duplicate.

        Raises:
            WebhookVerificationError: For a missing or wrong signature or a malformed body.
            AsyncHandlerError: If a plain middleware precedes an `async def` middleware or a
                handler matching the event; raised before the id is claimed or anything runs.
            Exception: Whatever a handler or middleware raised (the event id is released).
        """
        event = self.parse_request(raw_body, headers)
        middleware = self._middleware
        handlers = self._handlers_for(event.kind)
        _refuse_sync_middleware_over_async(middleware, handlers)
        with self._delivery(event) as run:  # cancellation is a failure like any other
            if run is not None:
                await _run_async(event, middleware, handlers, run, 0)
        return _result(event, run)

    # -- HTTP ----------------------------------------------------------------------------

    def respond(
        self,
        *,
        method: str,
        body: bytes,
        headers: Mapping[str, str],
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> WebhookResponse:
        """Answer one HTTP request from a framework view, exactly as `wsgi_app()` would.

        The same cap and status codes as the adapters (405 for a method other than POST, 413
        above `max_body_size`, 401, 400, 204, and 500 when a handler raises, logged), and no
        exception escapes, so the framework never turns one into a dropped connection.

        Args:
            method: The request method, e.g. `request.method`.
            body: The raw request body, byte for byte as received.
            headers: The request headers (case-insensitive lookup).
            max_body_size: Largest accepted body in bytes; larger requests get 413.

        Returns:
            The status, headers and body to send.

        Raises:
            WebhookConfigurationError: If `max_body_size` is invalid.
        """
        return respond(self, method=method, body=body, headers=headers, max_body_size=max_body_size)

    async def respond_async(
        self,
        *,
        method: str,
        body: bytes,
        headers: Mapping[str, str],
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
    ) -> WebhookResponse:
        """Like `respond`, for async views: dispatches as `asgi_app()` does.

        Args:
            method: The request method.
            body: The raw request body, byte for byte as received.
            headers: The request headers (case-insensitive lookup).
            max_body_size: Largest accepted body in bytes; larger requests get 413.

        Returns:
            The status, headers and body to send.

        Raises:
            WebhookConfigurationError: If `max_body_size` is invalid.
        """
        return await respond_async(
            self, method=method, body=body, headers=headers, max_body_size=max_body_size
        )

    # -- adapters ------------------------------------------------------------------------

    def asgi_app(self, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE) -> WebhookAsgiApp:
        """An ASGI 3 application serving this receiver (see `WebhookAsgiApp`).

        Args:
            max_body_size: Largest accepted body in bytes; larger requests get 413.

        Returns:
            The ASGI callable.
        """
        return WebhookAsgiApp(self, max_body_size=max_body_size)

    def wsgi_app(self, *, max_body_size: int = DEFAULT_MAX_BODY_SIZE) -> WebhookWsgiApp:
        """A WSGI application serving this receiver (see `WebhookWsgiApp`).

        Args:
            max_body_size: Largest accepted body in bytes; larger requests get 413.

        Returns:
            The WSGI callable.
        """
        return WebhookWsgiApp(self, max_body_size=max_body_size)

    # -- internals -----------------------------------------------------------------------

    def _handlers_for(self, kind: str) -> tuple[_Entry, ...]:
        routed = tuple((r.handler, r.is_async) for r in self._routes if r.matches(kind))
        return routed + self._any

    @contextmanager
    def _delivery(self, event: WebhookEvent) -> Iterator[_Run | None]:
        """The frame of one delivery, for both entry points: claim the event id, then commit it
        when the block succeeds or release it when it raises (so a redelivery runs again).
        Yields `None` for a duplicate: the block must then run nothing."""
        claim = self._claim(event)
        if not claim.dispatch:
            yield None
            return
        run = _Run()
        try:
            yield run
        except BaseException:
            run.close(lambda: self._release(claim))
            raise
        run.close(lambda: self._commit(claim))

    def _claim(self, event: WebhookEvent) -> _Claim:
        if self._dedup is None:
            return _UNTRACKED
        key = dedup_key(event.id)
        if key is None:
            return _UNTRACKED
        return _Claim(dispatch=True, key=key) if self._dedup.claim(key) else _DUPLICATE

    def _commit(self, claim: _Claim) -> None:
        if claim.key is not None and self._dedup is not None:
            self._dedup.commit(claim.key)

    def _release(self, claim: _Claim) -> None:
        if claim.key is not None and self._dedup is not None:
            self._dedup.release(claim.key)


# -- dispatch machinery ----------------------------------------------------------------------


def _result(event: WebhookEvent, run: _Run | None) -> WebhookResult:
    if run is None:
        return WebhookResult(DeliveryStatus.DUPLICATE, event)
    return WebhookResult(
        DeliveryStatus.HANDLED,
        event,
        handlers_run=tuple(run.ran),
        stopped_by_middleware=not run.reached,
    )


class _Once:
    """Guards a `next_fn`: once per middleware, and only while the delivery is open."""

    __slots__ = ("_called", "_owner", "_run")

    def __init__(self, owner: object, run: _Run) -> None:
        self._owner = owner
        self._run = run
        self._called = False

    def enter(self) -> None:
        self._run.check_open(self._owner)
        if self._called:
            raise WebhookError(f"{_callable_name(self._owner)} called next_fn() more than once")
        self._called = True


def _refuse_async(middleware: Sequence[_MiddlewareEntry], handlers: Sequence[_Entry]) -> None:
    """On the sync path, refuse any coroutine function before anything runs."""
    for callable_, is_async in (*middleware, *handlers):
        if is_async:
            raise AsyncHandlerError(
                f"{_callable_name(callable_)} is a coroutine function; use "
                "handle_request_async() or the ASGI adapter to run it"
            )


def _refuse_sync_middleware_over_async(
    middleware: Sequence[_MiddlewareEntry], handlers: Sequence[_Entry]
) -> None:
    """On the async path, refuse a plain middleware with coroutine functions downstream.

    A plain middleware runs inline on the event loop, so its `next_fn()` must finish
    synchronously; it cannot await what comes after it. Running it in a worker thread instead
    would let cancellation release the event id while that thread still dispatches, and would
    exhaust the executor under load, so the combination is refused before anything runs.
    """
    downstream: object = next((handler for handler, is_async in handlers if is_async), None)
    for current, is_async in reversed(middleware):  # innermost first
        if is_async:
            downstream = current
        elif downstream is not None:
            raise AsyncHandlerError(
                f"{_callable_name(current)} is a plain (sync) middleware in front of the "
                f"coroutine function {_callable_name(downstream)}, and its "
                "next_fn() cannot await it; make the middleware an `async def` that awaits "
                "next_fn(), or make everything after it plain functions"
            )


def _run_sync(
    event: WebhookEvent,
    middleware: Sequence[_MiddlewareEntry],
    handlers: Sequence[_Entry],
    run: _Run,
    index: int,
) -> None:
    if index == len(middleware):
        run.reached = True
        for handler, _ in handlers:
            run.start_handler(handler)
            try:
                _expect_sync(handler(event), handler)
            finally:
                run.end_handler()
            run.ran.append(handler)
        return
    current = middleware[index][0]
    once = _Once(current, run)

    def next_fn() -> None:
        once.enter()
        _run_sync(event, middleware, handlers, run, index + 1)

    _expect_sync(cast(SyncMiddleware, current)(event, next_fn), current)


async def _run_async(
    event: WebhookEvent,
    middleware: Sequence[_MiddlewareEntry],
    handlers: Sequence[_Entry],
    run: _Run,
    index: int,
) -> None:
    # Everything runs in the caller's task, on the loop thread: no worker threads, so when the
    # task is cancelled or fails, nothing of this delivery is left running elsewhere.
    if index == len(middleware):
        run.reached = True
        for handler, _ in handlers:
            run.start_handler(handler)
            try:
                await _await_if_needed(handler(event))
            finally:
                run.end_handler()
            run.ran.append(handler)
        return
    current, current_is_async = middleware[index]
    once = _Once(current, run)

    if current_is_async:

        async def next_async() -> None:
            once.enter()
            await _run_async(event, middleware, handlers, run, index + 1)

        await _await_if_needed(cast(AsyncMiddleware, current)(event, next_async))
        return

    # A plain middleware runs inline. `_refuse_sync_middleware_over_async` guarantees that
    # everything after it is plain too, so its next_fn() completes synchronously.
    def next_sync() -> None:
        once.enter()
        _run_sync(event, middleware, handlers, run, index + 1)

    await _await_if_needed(cast(SyncMiddleware, current)(event, next_sync))


async def _await_if_needed(result: object) -> None:
    if inspect.isawaitable(result):
        await result


def _expect_sync(result: object, source: object) -> None:
    """Refuse an awaitable coming back on the sync path instead of dropping it."""
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()  # no "coroutine was never awaited" warning: we raise instead
        raise AsyncHandlerError(
            f"{_callable_name(source)} returned an awaitable on the synchronous path; "
            "use handle_request_async() or the ASGI adapter"
        )


def _is_async(obj: object) -> bool:
    if inspect.iscoroutinefunction(obj):
        return True
    call = getattr(obj, "__call__", None)  # noqa: B004  (callable instances: async __call__)
    return call is not None and inspect.iscoroutinefunction(call)


def _require_callable(obj: object, what: str) -> None:
    if not callable(obj):
        raise TypeError(f"{what} must be callable, got {type(obj).__name__}")


def _callable_name(obj: object) -> str:
    name = getattr(obj, "__qualname__", None)
    if isinstance(name, str):
        return name
    return type(obj).__qualname__


def _as_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, bytearray | memoryview):
        return bytes(raw_body)
    raise TypeError(f"raw_body must be bytes, exactly as received, not {type(raw_body).__name__}")


def _find_header(headers: Mapping[str, str], name: str, lower: str) -> str | None:
    # Exact and lowercase spellings cover dicts and case-insensitive mappings cheaply; the scan
    # handles any other spelling.
    value: object = headers.get(name)
    if value is None:
        value = headers.get(lower)
    if value is None:
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == lower:
                value = candidate
                break
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value.strip() if isinstance(value, str) else None
