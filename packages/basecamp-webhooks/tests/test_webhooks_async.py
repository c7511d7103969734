"""Async dispatch, and the sync path refusing coroutine handlers and middleware."""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
import warnings
from collections.abc import Awaitable, Callable

import pytest

from basecamp.webhooks import (
    AsyncHandlerError,
    AsyncNextFn,
    NextFn,
    WebhookEvent,
    WebhookReceiver,
)

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]


async def test_async_handlers_are_awaited_in_order_with_sync_ones(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    async def first(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        log.append("async-exact")

    def second(event: WebhookEvent) -> None:
        log.append("sync-glob")

    async def third(event: WebhookEvent) -> None:
        log.append("async-any")

    receiver.on("todo_created", first).on("todo_*", second).on_any(third)
    body = make_body()
    result = await receiver.handle_request_async(body, sign(body))
    assert log == ["async-exact", "sync-glob", "async-any"]
    assert result.handlers_run == (first, second, third)


async def test_async_and_sync_middleware_order(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    async def outer(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        log.append("outer:before")
        await next_fn()
        log.append("outer:after")

    async def middle(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        log.append("middle:before")
        await next_fn()
        log.append("middle:after")

    def inner(event: WebhookEvent, next_fn: NextFn) -> None:
        log.append(f"inner:before:main={threading.current_thread() is threading.main_thread()}")
        next_fn()
        log.append("inner:after")

    def handler(event: WebhookEvent) -> None:
        log.append("handler")

    receiver.use(outer).use(middle).use(inner).on_any(handler)
    body = make_body()
    await receiver.handle_request_async(body, sign(body))
    # A plain middleware behind the async ones runs inline on the loop thread and still wraps
    # the (plain) handlers.
    assert log == [
        "outer:before",
        "middle:before",
        "inner:before:main=True",
        "handler",
        "inner:after",
        "middle:after",
        "outer:after",
    ]


async def test_sync_middleware_before_sync_handlers_runs_inline(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def mw(event: WebhookEvent, next_fn: NextFn) -> None:
        log.append(f"mw:main={threading.current_thread() is threading.main_thread()}")
        next_fn()
        log.append("mw:after")

    receiver.use(mw).on_any(lambda e: log.append("handler"))
    body = make_body()
    await receiver.handle_request_async(body, sign(body))
    assert log == ["mw:main=True", "handler", "mw:after"]


async def test_async_middleware_can_stop_dispatch(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def stop(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        return None

    calls: list[object] = []
    receiver.use(stop).on_any(calls.append)
    body = make_body()
    result = await receiver.handle_request_async(body, sign(body))
    assert result.handled
    assert result.stopped_by_middleware
    assert calls == []


async def test_inline_sync_middleware_sees_handler_errors(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    seen: list[str] = []

    async def outer(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await next_fn()

    def mw(event: WebhookEvent, next_fn: NextFn) -> None:
        try:
            next_fn()
        except RuntimeError as exc:
            seen.append(str(exc))
            raise

    def boom(event: WebhookEvent) -> None:
        raise RuntimeError("boom")

    receiver.use(outer).use(mw).on_any(boom)
    body = make_body(id=3)
    with pytest.raises(RuntimeError, match="boom"):
        await receiver.handle_request_async(body, sign(body))
    assert seen == ["boom"]
    assert not receiver.has_seen(3)


async def test_async_callable_instances_and_partials(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    class Handler:
        async def __call__(self, event: WebhookEvent) -> None:
            log.append("instance")

    async def tagged(tag: str, event: WebhookEvent) -> None:
        log.append(tag)

    receiver.on_any(Handler()).on_any(functools.partial(tagged, "partial"))
    body = make_body(id=1)
    await receiver.handle_request_async(body, sign(body))
    assert log == ["instance", "partial"]
    body = make_body(id=2)
    with pytest.raises(AsyncHandlerError):
        receiver.handle_request(body, sign(body))


def _no_unawaited_coroutine_warnings(action: Callable[[], object]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
        gc.collect()
    assert not [w for w in caught if "was never awaited" in str(w.message)]


def test_sync_path_refuses_async_handler_before_running_anything(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []
    started: list[bool] = []

    async def async_handler(event: WebhookEvent) -> None:
        started.append(True)

    receiver.on_any(lambda e: log.append("sync"))
    receiver.on("todo_created", async_handler)
    body = make_body(id=1)

    def attempt() -> None:
        with pytest.raises(AsyncHandlerError, match="async_handler") as info:
            receiver.handle_request(body, sign(body))
        assert isinstance(info.value, TypeError)
        assert "handle_request_async" in str(info.value)

    _no_unawaited_coroutine_warnings(attempt)
    assert log == []
    assert started == []
    assert not receiver.has_seen(1)
    # Events that do not match the async handler still work synchronously.
    body = make_body(id=2, kind="message_created")
    assert receiver.handle_request(body, sign(body)).handled
    assert log == ["sync"]


def test_sync_path_refuses_async_middleware(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def mw(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await next_fn()

    receiver.use(mw)
    body = make_body()

    def attempt() -> None:
        with pytest.raises(AsyncHandlerError, match="mw"):
            receiver.handle_request(body, sign(body))

    _no_unawaited_coroutine_warnings(attempt)


def test_sync_path_refuses_disguised_coroutine_and_closes_it(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def real(event: WebhookEvent) -> None:
        raise AssertionError("must never run")

    def disguised(event: WebhookEvent) -> Awaitable[None]:
        return real(event)  # a plain function returning a coroutine

    receiver.on_any(disguised)
    body = make_body(id=4)

    def attempt() -> None:
        with pytest.raises(AsyncHandlerError, match="returned an awaitable"):
            receiver.handle_request(body, sign(body))

    _no_unawaited_coroutine_warnings(attempt)
    assert not receiver.has_seen(4)  # the claim was released


async def test_disguised_coroutine_is_awaited_on_async_path(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    async def real(event: WebhookEvent) -> None:
        log.append("ran")

    receiver.on_any(lambda e: real(e))
    body = make_body()
    await receiver.handle_request_async(body, sign(body))
    assert log == ["ran"]


def test_handle_request_async_from_asyncio_run(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0)

    receiver.on_any(handler)
    body = make_body()
    result = asyncio.run(receiver.handle_request_async(body, sign(body)))
    assert result.handled
    assert result.handlers_run == (handler,)
