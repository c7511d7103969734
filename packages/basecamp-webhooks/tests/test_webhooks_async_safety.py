"""The async path never uses threads, never outlives its claim, and never stalls under load.

Regression tests for two review findings:

- a cancelled async delivery released its event id while a worker thread running a plain
  middleware still went on to schedule the handlers, so a redelivery ran them a second time;
- a burst of async deliveries with plain middleware in front of `async def` handlers held one
  executor thread per middleware and deadlocked the default executor.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from basecamp.webhooks import (
    AsyncHandlerError,
    AsyncNextFn,
    NextFn,
    WebhookError,
    WebhookEvent,
    WebhookReceiver,
)

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]

BURST = 50
BURST_TIMEOUT = 5.0  # generous for slow CI; a deadlock never finishes at all


class _NoThreadsExecutor(concurrent.futures.ThreadPoolExecutor):
    """A default executor that fails the test if the receiver ever hands it work."""

    submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        type(self).submitted += 1
        raise AssertionError("the async dispatch path must not use worker threads")


@pytest.fixture
def no_threads() -> type[_NoThreadsExecutor]:
    _NoThreadsExecutor.submitted = 0
    return _NoThreadsExecutor


def _install(executor_type: type[_NoThreadsExecutor]) -> concurrent.futures.ThreadPoolExecutor:
    executor = executor_type(max_workers=1)
    asyncio.get_running_loop().set_default_executor(executor)
    return executor


# -- refusal of plain middleware in front of coroutine functions -------------------------------


async def test_sync_middleware_before_async_handler_is_refused_before_anything_runs(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def plain(event: WebhookEvent, next_fn: NextFn) -> None:
        log.append("plain")
        next_fn()

    async def handler(event: WebhookEvent) -> None:
        log.append("handler")

    receiver.use(plain).on("todo_created", handler).on_any(lambda e: log.append("sync"))
    body = make_body(id=11)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AsyncHandlerError, match=r"plain.*handler") as info:
            await receiver.handle_request_async(body, sign(body))
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert isinstance(info.value, TypeError)
    assert "async def" in str(info.value)
    assert log == []
    # Nothing was claimed: a later delivery of the id is not reported as a duplicate.
    assert not receiver.has_seen(11)
    with pytest.raises(AsyncHandlerError):
        await receiver.handle_request_async(body, sign(body))
    # An event the async handler does not match has only plain code downstream: it runs inline.
    other = make_body(id=12, kind="message_created")
    result = await receiver.handle_request_async(other, sign(other))
    assert result.handled
    assert log == ["plain", "sync"]


async def test_sync_middleware_before_async_middleware_is_refused(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    log: list[str] = []

    def plain(event: WebhookEvent, next_fn: NextFn) -> None:
        log.append("plain")
        next_fn()

    async def inner(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        log.append("inner")
        await next_fn()

    receiver.use(plain).use(inner).on_any(lambda e: log.append("handler"))
    body = make_body(id=13)
    with pytest.raises(AsyncHandlerError, match=r"plain.*inner"):
        await receiver.handle_request_async(body, sign(body))
    assert log == []
    assert not receiver.has_seen(13)


async def test_sync_middleware_after_async_middleware_before_async_handler_is_refused(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def outer(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        raise AssertionError("must not run")

    def plain(event: WebhookEvent, next_fn: NextFn) -> None:
        raise AssertionError("must not run")

    async def handler(event: WebhookEvent) -> None:
        raise AssertionError("must not run")

    receiver.use(outer).use(plain).on_any(handler)
    body = make_body()
    with pytest.raises(AsyncHandlerError, match="plain"):
        await receiver.handle_request_async(body, sign(body))


async def test_asgi_answers_500_for_the_refused_combination(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    async def handler(event: WebhookEvent) -> None:
        raise AssertionError("must not run")

    receiver.use(lambda event, next_fn: next_fn()).on_any(handler)
    body = make_body()
    headers = [(k.lower().encode(), v.encode()) for k, v in sign(body).items()]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    await receiver.asgi_app()(scope, receive, send)
    assert sent[0]["status"] == 500


# -- finding 1: cancellation never leaves handlers running behind a released claim ------------


async def test_reviewer_cancel_repro_is_refused_and_handler_never_runs(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    """/tmp/rv/cancel.py: slow plain middleware, async handler, wait_for, redelivery."""
    ran: list[object] = []

    def slow_sync_mw(event: WebhookEvent, next_fn: NextFn) -> None:
        time.sleep(0.2)
        next_fn()

    async def handler(event: WebhookEvent) -> None:
        ran.append(event.id)

    receiver.use(slow_sync_mw).on_any(handler)
    body = make_body(id=7)
    with pytest.raises(AsyncHandlerError):
        await asyncio.wait_for(receiver.handle_request_async(body, sign(body)), 0.05)
    with pytest.raises(AsyncHandlerError):
        await receiver.handle_request_async(body, sign(body))  # the redelivery
    await asyncio.sleep(0.3)
    assert ran == []


async def test_cancelled_before_handlers_then_redelivered_runs_handlers_once(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    """The supported form of the repro: an `async def` middleware in front."""
    ran: list[object] = []

    async def slow_mw(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await asyncio.sleep(0.2)
        await next_fn()

    async def handler(event: WebhookEvent) -> None:
        ran.append(event.id)

    receiver.use(slow_mw).on_any(handler)
    body = make_body(id=7)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(receiver.handle_request_async(body, sign(body)), 0.05)
    assert not receiver.has_seen(7)
    result = await receiver.handle_request_async(body, sign(body))  # the redelivery
    assert result.handled
    assert result.handlers_run == (handler,)
    await asyncio.sleep(0.3)  # anything left behind by the first delivery would run by now
    assert ran == [7]
    assert (await receiver.handle_request_async(body, sign(body))).duplicate
    assert ran == [7]


async def test_cancelled_with_plain_middleware_and_handlers_runs_them_once(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    ran: list[object] = []

    async def slow_mw(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await asyncio.sleep(0.2)
        await next_fn()

    def plain(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()

    receiver.use(slow_mw).use(plain).on_any(lambda event: ran.append(event.id))
    body = make_body(id=8)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(receiver.handle_request_async(body, sign(body)), 0.05)
    assert (await receiver.handle_request_async(body, sign(body))).handled
    await asyncio.sleep(0.3)
    assert ran == [8]


async def test_cancelled_inside_handler_releases_only_after_it_unwound(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    started: list[object] = []
    finished: list[object] = []
    entered = asyncio.Event()

    async def handler(event: WebhookEvent) -> None:
        started.append(event.id)
        entered.set()
        await asyncio.sleep(0.2 if len(started) == 1 else 0)
        finished.append(event.id)

    receiver.on_any(handler)
    body = make_body(id=9)
    first = asyncio.create_task(receiver.handle_request_async(body, sign(body)))
    await asyncio.wait_for(entered.wait(), 5)
    assert (await receiver.handle_request_async(body, sign(body))).duplicate  # in flight
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert not receiver.has_seen(9)
    assert (await receiver.handle_request_async(body, sign(body))).handled
    await asyncio.sleep(0.3)
    assert started == [9, 9]
    assert finished == [9]  # the cancelled run never completed; the redelivery did, once


async def test_shielded_handler_keeps_the_claim_until_it_returns(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    """A middleware that shields next_fn() from cancellation lets a handler outlive the
    delivery; the id then stays claimed until that handler returns, so a redelivery meanwhile
    is a duplicate rather than a concurrent second run."""
    gate = asyncio.Event()
    entered = asyncio.Event()
    done = asyncio.Event()
    running: list[int] = []
    overlaps: list[int] = []

    async def shielding(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await asyncio.shield(next_fn())

    async def handler(event: WebhookEvent) -> None:
        running.append(1)
        overlaps.append(len(running))
        entered.set()
        await gate.wait()
        running.pop()
        done.set()

    receiver.use(shielding).on_any(handler)
    body = make_body(id=10)
    first = asyncio.create_task(receiver.handle_request_async(body, sign(body)))
    await asyncio.wait_for(entered.wait(), 5)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    # The delivery is over, but its handler still runs: the claim is held.
    redelivery = await asyncio.wait_for(receiver.handle_request_async(body, sign(body)), 5)
    assert redelivery.duplicate
    gate.set()
    await asyncio.wait_for(done.wait(), 5)
    await asyncio.sleep(0)  # let the shielded task finish unwinding after the handler
    assert running == []
    assert not receiver.has_seen(10)  # released (the delivery failed) once the handler ended
    assert (await receiver.handle_request_async(body, sign(body))).handled
    assert overlaps == [1, 1]  # never two runs at once


async def test_next_fn_from_a_detached_task_runs_nothing(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    ran: list[object] = []
    tasks: list[asyncio.Task[None]] = []

    async def detaching(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        tasks.append(asyncio.ensure_future(next_fn()))

    receiver.use(detaching).on_any(lambda event: ran.append(event.id))
    body = make_body(id=14)
    result = await receiver.handle_request_async(body, sign(body))
    assert result.stopped_by_middleware
    with pytest.raises(WebhookError, match="after its delivery had ended"):
        await tasks[0]
    assert ran == []


def test_next_fn_called_after_the_delivery_ended_runs_nothing(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    ran: list[object] = []
    kept: list[NextFn] = []

    def keeping(event: WebhookEvent, next_fn: NextFn) -> None:
        kept.append(next_fn)

    receiver.use(keeping).on_any(lambda event: ran.append(event.id))
    body = make_body(id=15)
    assert receiver.handle_request(body, sign(body)).stopped_by_middleware
    with pytest.raises(WebhookError, match="keeping"):
        kept[0]()
    assert ran == []


def test_thread_handler_outliving_sync_delivery_holds_the_claim(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    entered = threading.Event()
    gate = threading.Event()
    ran: list[object] = []
    threads: list[threading.Thread] = []

    def detaching(event: WebhookEvent, next_fn: NextFn) -> None:
        thread = threading.Thread(target=next_fn)
        threads.append(thread)
        thread.start()
        entered.wait(5)
        raise RuntimeError("middleware failed while the handler runs elsewhere")

    def handler(event: WebhookEvent) -> None:
        ran.append(event.id)
        entered.set()
        gate.wait(5)

    receiver.use(detaching).on_any(handler)
    body = make_body(id=16)
    with pytest.raises(RuntimeError):
        receiver.handle_request(body, sign(body))
    assert receiver.handle_request(body, sign(body)).duplicate  # its handler still runs
    gate.set()
    threads[0].join(5)
    assert not receiver.has_seen(16)  # released once the handler returned
    assert ran == [16]


# -- finding 2: a burst never stalls, and never touches the executor --------------------------


def _burst_body(make_body: BodyFactory, i: int) -> bytes:
    return make_body(id=1000 + i)


@pytest.mark.parametrize("executor_kind", ["refusing", "two_workers"])
async def test_reviewer_burst_repro_is_refused_promptly_without_threads(
    receiver: WebhookReceiver,
    make_body: BodyFactory,
    sign: HeaderFactory,
    no_threads: type[_NoThreadsExecutor],
    executor_kind: str,
) -> None:
    """/tmp/rv/deadlock2.py: two plain middlewares in front of an async handler.

    With a real, small default executor the old design deadlocked; with one that refuses work
    the test proves no thread is asked for at all.
    """
    if executor_kind == "refusing":
        executor: concurrent.futures.ThreadPoolExecutor = _install(no_threads)
    else:
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        asyncio.get_running_loop().set_default_executor(executor)

    def mw_a(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()

    def mw_b(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0.01)

    receiver.use(mw_a).use(mw_b).on_any(handler)
    bodies = [_burst_body(make_body, i) for i in range(BURST)]
    results = await asyncio.wait_for(
        asyncio.gather(
            *(receiver.handle_request_async(b, sign(b)) for b in bodies), return_exceptions=True
        ),
        BURST_TIMEOUT,
    )
    assert len(results) == BURST
    assert all(isinstance(r, AsyncHandlerError) for r in results)
    assert no_threads.submitted == 0
    executor.shutdown(wait=False)


async def test_burst_with_plain_middleware_and_plain_handlers_completes(
    receiver: WebhookReceiver,
    make_body: BodyFactory,
    sign: HeaderFactory,
    no_threads: type[_NoThreadsExecutor],
) -> None:
    executor = _install(no_threads)
    ran: list[object] = []

    def mw_a(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()

    def mw_b(event: WebhookEvent, next_fn: NextFn) -> None:
        next_fn()

    receiver.use(mw_a).use(mw_b).on_any(lambda event: ran.append(event.id))
    bodies = [_burst_body(make_body, i) for i in range(BURST)]
    results = await asyncio.wait_for(
        asyncio.gather(*(receiver.handle_request_async(b, sign(b)) for b in bodies)),
        BURST_TIMEOUT,
    )
    assert all(r.handled for r in results)
    assert len(ran) == BURST
    assert set(ran) == {1000 + i for i in range(BURST)}
    assert no_threads.submitted == 0
    executor.shutdown(wait=False)


async def test_burst_with_async_middleware_and_async_handlers_completes(
    receiver: WebhookReceiver,
    make_body: BodyFactory,
    sign: HeaderFactory,
    no_threads: type[_NoThreadsExecutor],
) -> None:
    executor = _install(no_threads)
    ran: list[object] = []

    async def mw_a(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await asyncio.sleep(0)
        await next_fn()

    async def mw_b(event: WebhookEvent, next_fn: AsyncNextFn) -> None:
        await next_fn()

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0.01)
        ran.append(event.id)

    receiver.use(mw_a).use(mw_b).on("todo_*", handler)
    bodies = [_burst_body(make_body, i) for i in range(BURST)]
    results = await asyncio.wait_for(
        asyncio.gather(*(receiver.handle_request_async(b, sign(b)) for b in bodies)),
        BURST_TIMEOUT,
    )
    assert all(r.handled for r in results)
    assert len(ran) == BURST
    assert set(ran) == {1000 + i for i in range(BURST)}
    assert no_threads.submitted == 0
    # A duplicate burst of the same ids is answered at once, and runs nothing.
    again = await asyncio.wait_for(
        asyncio.gather(*(receiver.handle_request_async(b, sign(b)) for b in bodies)),
        BURST_TIMEOUT,
    )
    assert all(r.duplicate for r in again)
    assert len(ran) == BURST
    executor.shutdown(wait=False)
