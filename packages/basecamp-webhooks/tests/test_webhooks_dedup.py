"""Deduplication: LRU window, release on failure, concurrent duplicates (threads and tasks)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from basecamp.webhooks import WebhookEvent, WebhookReceiver

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]


def _deliver(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory, event_id: object
) -> bool:
    """Deliver an event; True if handled, False if a duplicate."""
    body = make_body(id=event_id)
    return receiver.handle_request(body, sign(body)).handled


def test_same_id_is_a_duplicate(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    calls: list[object] = []
    receiver.on_any(lambda e: calls.append(e.id))
    assert _deliver(receiver, make_body, sign, 1)
    assert not _deliver(receiver, make_body, sign, 1)
    assert calls == [1]


def test_int_and_str_ids_are_the_same(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    assert _deliver(receiver, make_body, sign, 1)
    assert not _deliver(receiver, make_body, sign, "1")
    assert _deliver(receiver, make_body, sign, "2")
    assert not _deliver(receiver, make_body, sign, 2)
    big = 9007199254740993  # above 2**53: must not collide with its float neighbour
    assert _deliver(receiver, make_body, sign, big)
    assert _deliver(receiver, make_body, sign, big - 1)
    assert not _deliver(receiver, make_body, sign, str(big))
    assert receiver.has_seen(1)
    assert receiver.has_seen("1")
    assert receiver.has_seen(big)


def test_events_without_id_are_never_deduplicated(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    calls: list[object] = []
    receiver.on_any(calls.append)
    for event_id in (..., ..., None, None, ""):
        assert _deliver(receiver, make_body, sign, event_id)
    assert len(calls) == 5


def test_lru_eviction_order(make_body: BodyFactory, sign: HeaderFactory, secret: str) -> None:
    receiver = WebhookReceiver(secret=secret, dedup_window_size=2)

    def deliver(event_id: int) -> bool:
        return _deliver(receiver, make_body, sign, event_id)

    assert deliver(1)
    assert deliver(2)
    assert not deliver(1)  # a duplicate hit refreshes 1: [2, 1]
    assert deliver(3)  # evicts 2, the least recently used: [1, 3]
    assert not receiver.has_seen(2)
    assert not deliver(1)  # still remembered: [3, 1]
    assert deliver(2)  # forgotten, so processed again; evicts 3: [1, 2]
    assert deliver(3)  # evicts 1: [2, 3]
    assert deliver(1)


def test_window_zero_disables_dedup(
    make_body: BodyFactory, sign: HeaderFactory, secret: str
) -> None:
    receiver = WebhookReceiver(secret=secret, dedup_window_size=0)
    calls: list[object] = []
    receiver.on_any(calls.append)
    assert _deliver(receiver, make_body, sign, 1)
    assert _deliver(receiver, make_body, sign, 1)
    assert len(calls) == 2
    assert not receiver.has_seen(1)


def test_failure_releases_the_claim(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    attempts: list[int] = []

    def flaky(event: WebhookEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("downstream unavailable")

    receiver.on_any(flaky)
    with pytest.raises(ConnectionError):
        _deliver(receiver, make_body, sign, 7)
    assert not receiver.has_seen(7)  # not marked seen: handlers did not succeed
    assert _deliver(receiver, make_body, sign, 7)  # redelivery is processed again
    assert receiver.has_seen(7)
    assert not _deliver(receiver, make_body, sign, 7)
    assert len(attempts) == 2


def test_base_exception_also_releases_the_claim(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    state = {"raise": True}

    def interrupted(event: WebhookEvent) -> None:
        if state.pop("raise", False):
            raise KeyboardInterrupt

    receiver.on_any(interrupted)
    with pytest.raises(KeyboardInterrupt):
        _deliver(receiver, make_body, sign, 8)
    assert _deliver(receiver, make_body, sign, 8)


def test_marked_seen_only_after_handlers_succeed(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    observed: list[bool] = []
    receiver.on_any(lambda e: observed.append(receiver.has_seen(e.id or 0)))
    _deliver(receiver, make_body, sign, 9)
    assert observed == [False]
    assert receiver.has_seen(9)


def test_concurrent_duplicate_in_threads_is_reported_as_duplicate(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    entered = threading.Event()
    release = threading.Event()
    calls: list[object] = []

    def slow(event: WebhookEvent) -> None:
        calls.append(event.id)
        entered.set()
        assert release.wait(5)

    receiver.on_any(slow)
    results: list[bool] = []
    first = threading.Thread(target=lambda: results.append(_deliver(receiver, make_body, sign, 1)))
    first.start()
    assert entered.wait(5)
    # While the first delivery is in flight, the second returns at once as a duplicate.
    assert not _deliver(receiver, make_body, sign, 1)
    release.set()
    first.join(5)
    assert results == [True]
    assert calls == [1]


def test_concurrent_duplicate_then_failure_allows_redelivery(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    entered = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def slow_then_fail(event: WebhookEvent) -> None:
        calls.append(1)
        if len(calls) == 1:
            entered.set()
            assert release.wait(5)
            raise RuntimeError("first attempt fails")

    receiver.on_any(slow_then_fail)
    errors: list[BaseException] = []

    def first_delivery() -> None:
        try:
            _deliver(receiver, make_body, sign, 1)
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=first_delivery)
    thread.start()
    assert entered.wait(5)
    assert not _deliver(receiver, make_body, sign, 1)  # in flight: duplicate
    release.set()
    thread.join(5)
    assert len(errors) == 1
    assert _deliver(receiver, make_body, sign, 1)  # the retry after the failure runs
    assert len(calls) == 2


def test_many_threads_same_id_run_handlers_once(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    calls: list[object] = []
    lock = threading.Lock()

    def handler(event: WebhookEvent) -> None:
        with lock:
            calls.append(event.id)

    receiver.on_any(handler)
    body = make_body(id=42)
    headers = sign(body)
    barrier = threading.Barrier(16)
    outcomes: list[bool] = []

    def worker() -> None:
        barrier.wait(5)
        handled = receiver.handle_request(body, headers).handled
        with lock:
            outcomes.append(handled)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert calls == [42]
    assert sorted(outcomes) == [False] * 15 + [True]


def test_many_threads_distinct_ids_are_all_handled(
    make_body: BodyFactory, sign: HeaderFactory, secret: str
) -> None:
    receiver = WebhookReceiver(secret=secret, dedup_window_size=10_000)
    counter: list[int] = []
    receiver.on_any(lambda e: counter.append(1))
    bodies = [make_body(id=i) for i in range(400)]

    def worker(chunk: list[bytes]) -> None:
        for body in chunk:
            receiver.handle_request(body, sign(body))

    threads = [threading.Thread(target=worker, args=(bodies[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(counter) == 400
    assert all(receiver.has_seen(i) for i in range(400))


async def test_concurrent_duplicate_in_asyncio_tasks(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    entered = asyncio.Event()
    release = asyncio.Event()
    calls: list[object] = []

    async def slow(event: WebhookEvent) -> None:
        calls.append(event.id)
        entered.set()
        await release.wait()

    receiver.on_any(slow)
    body = make_body(id=5)
    first = asyncio.create_task(receiver.handle_request_async(body, sign(body)))
    await asyncio.wait_for(entered.wait(), 5)
    second = await receiver.handle_request_async(body, sign(body))
    assert second.duplicate
    release.set()
    assert (await first).handled
    assert calls == [5]


async def test_many_tasks_same_id_run_handler_once(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    calls: list[object] = []

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0.01)
        calls.append(event.id)

    receiver.on_any(handler)
    body = make_body(id=6)
    results = await asyncio.gather(
        *(receiver.handle_request_async(body, sign(body)) for _ in range(20))
    )
    assert calls == [6]
    assert sum(r.handled for r in results) == 1


async def test_async_failure_and_cancellation_release_the_claim(
    receiver: WebhookReceiver, make_body: BodyFactory, sign: HeaderFactory
) -> None:
    gate = asyncio.Event()
    mode = {"value": "fail"}

    async def handler(event: WebhookEvent) -> None:
        if mode["value"] == "fail":
            raise ValueError("nope")
        if mode["value"] == "hang":
            await gate.wait()

    receiver.on_any(handler)
    body = make_body(id=11)
    with pytest.raises(ValueError, match="nope"):
        await receiver.handle_request_async(body, sign(body))
    assert not receiver.has_seen(11)

    mode["value"] = "hang"
    task = asyncio.create_task(receiver.handle_request_async(body, sign(body)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    mode["value"] = "ok"
    assert (await receiver.handle_request_async(body, sign(body))).handled
    assert receiver.has_seen(11)
