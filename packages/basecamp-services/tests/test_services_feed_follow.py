"""`account.event_feed.follow` / `account.inbox.follow`: the sync and async followers (respx)."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from basecamp import AsyncClient, Client, Config, NotFoundError, UsageError, ValidationError
from basecamp.services import (
    AsyncFeedFollower,
    Checkpoint,
    FeedFollower,
    FeedGap,
    MemoryCheckpointStore,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feed_support import BASE, ScriptedFeed, error, event

TOKEN = "feed-test-token"
CONFIG = Config(base_delay=0.0, max_jitter=0.0, max_retries=0)
URL = f"{BASE}/999/events.json"
FAST = {"poll_interval": 0.001, "jitter": 0.0}


def follow(client: Client, **kwargs: Any) -> FeedFollower[Any]:
    return client.for_account(999).event_feed.follow(**{**FAST, **kwargs})


def ids(items: list[Any]) -> list[int]:
    return [item["id"] for item in items]


# -- walking and checkpointing --------------------------------------------------------------


def test_replays_everything_in_order_and_checkpoints_each_page() -> None:
    feed = ScriptedFeed(range(1, 9), page_size=3)
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0, store=store, consumer="c", stop_when_idle=True)
        assert ids(list(follower)) == list(range(1, 9))
    assert feed.params(0) == {"since": "0"}
    # Then the pages' `next` URLs, which carry the position.
    assert [feed.params(i) for i in (1, 2)] == [{"position": "p3"}, {"position": "p6"}]
    assert store.load("c", follower.identity) == Checkpoint("p8", 8)
    assert follower.checkpoint == Checkpoint("p8", 8)


def test_the_position_is_saved_only_after_the_page_was_processed() -> None:
    feed = ScriptedFeed(range(1, 7), page_size=3)
    store = MemoryCheckpointStore()
    seen: list[tuple[int, Checkpoint | None]] = []
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0, store=store, stop_when_idle=True)
        for item in follower:
            seen.append((item["id"], store.load("default", follower.identity)))
    assert seen == [
        (1, None),
        (2, None),
        (3, None),
        (4, Checkpoint("p3", 3)),  # asking for event 4 said page 1 was done
        (5, Checkpoint("p3", 3)),
        (6, Checkpoint("p3", 3)),
    ]
    assert store.load("default", follower.identity) == Checkpoint("p6", 6)


def test_a_crash_after_processing_redelivers_the_page_never_skips_it() -> None:
    feed = ScriptedFeed(range(1, 7), page_size=3)
    store = MemoryCheckpointStore()
    handled: list[int] = []

    class CrashError(Exception):
        pass

    def run(follower: FeedFollower[Any]) -> None:
        for item in follower:
            handled.append(item["id"])
            if item["id"] == 6:  # processed, but dies before asking for more
                raise CrashError

    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        with pytest.raises(CrashError):
            run(follow(client, since=0, store=store, stop_when_idle=True))
        assert handled == [1, 2, 3, 4, 5, 6]
        rerun = ids(list(follow(client, since=0, store=store, stop_when_idle=True)))
    assert rerun == [4, 5, 6]  # page 2 again: delivered twice, never lost
    assert feed.params(len(feed.requests) - 1) == {"position": "p3"}


def test_pages_checkpoint_when_the_next_page_is_asked_for() -> None:
    feed = ScriptedFeed(range(1, 6), page_size=2)
    store = MemoryCheckpointStore()
    saved: list[Checkpoint | None] = []
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0, store=store, stop_when_idle=True)
        pages = []
        for page in follower.pages():
            saved.append(store.load("default", follower.identity))
            pages.append((ids(page.items), page.position, page.has_more))
    assert pages == [([1, 2], "p2", True), ([3, 4], "p4", True), ([5], "p5", False)]
    assert saved == [None, Checkpoint("p2", 2), Checkpoint("p4", 4)]
    assert store.load("default", follower.identity) == Checkpoint("p5", 5)


def test_a_stored_checkpoint_wins_over_since() -> None:
    feed = ScriptedFeed(range(1, 6))
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        first = follow(client, since=0, store=store, stop_when_idle=True)
        store.save("default", first.identity, Checkpoint("p4", 4))
        assert ids(list(first)) == [5]
    assert feed.params(0) == {"position": "p4"}


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        ({}, {}),
        ({"since": "now"}, {"since": "now"}),
        ({"since": 42}, {"since": "42"}),
        ({"since": "17"}, {"since": "17"}),
        ({"position": "p2"}, {"position": "p2"}),
        (
            {
                "types": ["todo.created", "message.created", "todo.created"],
                "buckets": [9, 3],
                "creators": [5],
                "performers": ["self", 12],
                "exclude_performers": [4],
                "actor_types": ["person", "agent"],
            },
            {
                "types": "message.created,todo.created",
                "buckets": "3,9",
                "creators": "5",
                "performers": "12,self",
                "exclude_performers": "4",
                "actor_types": "agent,person",
            },
        ),
    ],
)
def test_entry_and_filters_on_the_wire(kwargs: dict[str, Any], query: dict[str, str]) -> None:
    feed = ScriptedFeed([1, 2])
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        list(follow(client, stop_when_idle=True, **kwargs))
    assert feed.params(0) == query


def test_the_present_yields_nothing_old() -> None:
    feed = ScriptedFeed([1, 2, 3])
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        assert list(follow(client, stop_when_idle=True)) == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"types": "todo.created"}, "list of strings"),
        ({"types": []}, "must not be empty"),
        ({"types": ["a,b"]}, "without commas"),
        ({"buckets": list(range(1, 102))}, "at most 100"),
        ({"buckets": [0]}, "positive integer"),
        ({"buckets": [True]}, "positive integer"),
        ({"creators": ["self"]}, "positive integer ids;"),
        ({"performers": ["me"]}, "or 'self'"),
        ({"exclude_performers": [-1]}, "or 'self'"),
        ({"actor_types": ["robot"]}, "agent"),
        ({"since": -1}, "since takes"),
        ({"since": "yesterday"}, "since takes"),
        ({"since": 3, "position": "p1"}, "not both"),
        ({"position": ""}, "position must"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"jitter": 1.5}, "jitter"),
        ({"consumer": " "}, "consumer"),
        ({"max_failed_polls": -1}, "max_failed_polls"),
    ],
)
def test_bad_input_is_a_usage_error(kwargs: dict[str, Any], match: str) -> None:
    with (
        Client(access_token=TOKEN, config=CONFIG) as client,
        pytest.raises(UsageError, match=match),
    ):
        client.for_account(999).event_feed.follow(**kwargs)


def test_a_filter_change_gets_its_own_checkpoint() -> None:
    with Client(access_token=TOKEN, config=CONFIG) as client:
        feed = client.for_account(999).event_feed
        a = feed.follow(types=["todo.created"], buckets=[1, 2])
        b = feed.follow(buckets=[2, 1], types=["todo.created"])
        c = feed.follow(types=["todo.completed"], buckets=[1, 2])
        other_account = client.for_account(1000).event_feed.follow(types=["todo.created"])
    assert a.identity == b.identity
    assert len({a.identity, c.identity, other_account.identity}) == 3


# -- errors -----------------------------------------------------------------------------------


def test_409_re_enters_after_the_last_processed_event() -> None:
    feed = ScriptedFeed(range(1, 6), page_size=2)
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, store=store, types=["todo.created"], stop_when_idle=True)
        # A position minted for other filters, stored under this consumer's key.
        store.save("default", follower.identity, Checkpoint("minted-elsewhere", 2))
        feed.script.append(error(409, filters_digest="a", position_digest="b"))
        assert ids(list(follower)) == [3, 4, 5]
    assert feed.params(0) == {"position": "minted-elsewhere", "types": "todo.created"}
    assert feed.params(1) == {"since": "2", "types": "todo.created"}


def test_409_without_a_known_event_raises_rather_than_skip() -> None:
    feed = ScriptedFeed(range(1, 4))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script.append(error(409, filters_digest="a", position_digest="b"))
        with pytest.raises(Exception) as caught:
            list(follow(client, position="old", stop_when_idle=True))
    assert getattr(caught.value, "http_status", None) == 409
    assert "since=" in str(caught.value)


def test_410_resumes_at_the_oldest_kept_event_and_reports_the_gap() -> None:
    feed = ScriptedFeed(range(1, 11), page_size=5)
    store = MemoryCheckpointStore()
    gaps: list[FeedGap] = []
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, store=store, on_gap=gaps.append, stop_when_idle=True)
        store.save("default", follower.identity, Checkpoint("p1", 1))
        feed.script.append(error(410, resume="p6", epoch_after_id=6))
        assert ids(list(follower)) == [7, 8, 9, 10]
    assert gaps == [FeedGap(after_id=1, resumed_after_id=6)]
    assert feed.params(1) == {"position": "p6"}
    assert store.load("default", follower.identity) == Checkpoint("p10", 10)


def test_410_without_a_hook_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    feed = ScriptedFeed(range(1, 4))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script.append(error(410, resume="p2", epoch_after_id=2))
        with caplog.at_level(logging.WARNING, logger="basecamp.feed"):
            assert ids(list(follow(client, position="p0", stop_when_idle=True))) == [3]
    assert "no longer keeps" in caplog.text


def test_400_for_a_malformed_position_re_enters_with_since() -> None:
    feed = ScriptedFeed(range(1, 6), page_size=2)
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, store=store, stop_when_idle=True)
        store.save("default", follower.identity, Checkpoint("garbled", 3))
        feed.script.append(error(400, reason="position"))
        assert ids(list(follower)) == [4, 5]
    assert feed.params(1) == {"since": "3"}


def test_400_for_a_filter_raises_the_validation_error() -> None:
    feed = ScriptedFeed(range(1, 3))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script.append(error(400, reason="types"))
        with pytest.raises(ValidationError):
            list(follow(client, since=0, types=["nope.nope"], stop_when_idle=True))


def test_a_second_400_after_re_entering_raises() -> None:
    feed = ScriptedFeed(range(1, 3))
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, store=store, stop_when_idle=True)
        store.save("default", follower.identity, Checkpoint("garbled", 1))
        feed.script += [error(400, reason="position"), error(400, reason="position")]
        with pytest.raises(ValidationError):
            list(follower)
    assert len(feed.requests) == 2


def test_transient_failures_are_waited_out_between_polls() -> None:
    feed = ScriptedFeed(range(1, 4))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script += [error(503), httpx.Response(502), error(500)]
        assert ids(list(follow(client, since=0, stop_when_idle=True))) == [1, 2, 3]
    assert len(feed.requests) == 4  # three failed polls, then the page


def test_too_many_failed_polls_raise() -> None:
    feed = ScriptedFeed(range(1, 4))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script += [error(503)] * 3
        with pytest.raises(Exception) as caught:
            list(follow(client, since=0, max_failed_polls=2, stop_when_idle=True))
    assert getattr(caught.value, "http_status", None) == 503
    assert len(feed.requests) == 3


def test_the_clients_own_get_retries_are_not_multiplied() -> None:
    feed = ScriptedFeed(range(1, 2))
    config = Config(base_delay=0.0, max_jitter=0.0, max_retries=2)
    with respx.mock() as mock, Client(access_token=TOKEN, config=config) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script += [error(503)] * 3  # the client tries 3 times, then the follower waits once
        assert ids(list(follow(client, since=0, stop_when_idle=True))) == [1]
    assert len(feed.requests) == 4


def test_errors_that_retrying_cannot_fix_raise_at_once() -> None:
    feed = ScriptedFeed(range(1, 2))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script.append(error(404))
        with pytest.raises(NotFoundError):
            list(follow(client, since=0))
    assert len(feed.requests) == 1


def test_a_next_url_off_the_api_origin_is_not_followed() -> None:
    feed = ScriptedFeed(range(1, 6), page_size=2)
    feed.next_base = "https://evil.example/999/events.json"
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        assert ids(list(follow(client, since=0, stop_when_idle=True))) == [1, 2, 3, 4, 5]
    assert all(r.url.host == "3.basecampapi.com" for r in feed.requests)
    assert feed.params(1) == {"position": "p2"}


def test_items_already_handed_out_are_not_repeated_after_re_entry() -> None:
    page = {"events": [event(2), event(3), event(4)], "position": "p4"}
    feed = ScriptedFeed(range(1, 5))
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, store=store, stop_when_idle=True)
        store.save("default", follower.identity, Checkpoint("p3", 3))
        feed.script.append(httpx.Response(200, json=page))
        assert ids(list(follower)) == [4]


def test_a_page_out_of_id_order_is_an_api_error() -> None:
    page = {"events": [event(3), event(2)], "position": "p3"}
    feed = ScriptedFeed([])
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        feed.script.append(httpx.Response(200, json=page))
        with pytest.raises(Exception, match="id order"):
            list(follow(client, since=0))


# -- waiting and stopping ---------------------------------------------------------------------


def test_when_caught_up_it_polls_again_from_the_position() -> None:
    feed = ScriptedFeed([1, 2])
    seen: list[int] = []
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0)
        for item in follower:
            seen.append(item["id"])
            if item["id"] == 2:
                feed.ids.append(3)  # arrives while we wait
            if item["id"] == 3:
                follower.stop()
    assert seen == [1, 2, 3]
    assert feed.params(1) == {"position": "p2"}  # no `next` (caught up): poll from the position
    assert follower.checkpoint == Checkpoint("p3", 3)  # stopped after the page's last event


def test_stop_in_the_middle_of_a_page_does_not_checkpoint_it() -> None:
    feed = ScriptedFeed(range(1, 7), page_size=3)
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0, store=store)
        seen = []
        for item in follower:
            seen.append(item["id"])
            if item["id"] == 5:
                follower.stop()
    assert seen == [1, 2, 3, 4, 5]
    assert store.load("default", follower.identity) == Checkpoint("p3", 3)


def test_break_and_keyboard_interrupt_leave_the_last_finished_page() -> None:
    feed = ScriptedFeed(range(1, 7), page_size=3)
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0, store=store)

        def run() -> None:
            for item in follower:
                if item["id"] == 4:
                    raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            run()
        assert store.load("default", follower.identity) == Checkpoint("p3", 3)
        for item in follower:  # may be iterated again: resumes from the store
            if item["id"] == 6:
                break
    assert store.load("default", follower.identity) == Checkpoint("p3", 3)


def test_one_iteration_at_a_time() -> None:
    feed = ScriptedFeed(range(1, 3))
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        mock.get(url__startswith=URL).mock(side_effect=feed)
        follower = follow(client, since=0)
        first = iter(follower)
        next(first)
        with pytest.raises(UsageError, match="already"):
            next(iter(follower))
        first.close()  # type: ignore[attr-defined]
        assert next(iter(follower))["id"] == 1


# -- inbox ------------------------------------------------------------------------------------


def test_inbox_follows_items_by_addressing_id() -> None:
    def item(n: int) -> dict[str, Any]:
        return {
            "addressing_id": n,
            "addressed_at": "2026-01-01T00:00:00Z",
            "reason": "mention",
            "event": event(100 + n),
        }

    pages = [
        {
            "items": [item(1), item(2)],
            "position": "i2",
            "next": f"{BASE}/999/inbox.json?position=i2",
        },
        {"items": [item(3)], "position": "i3"},
    ]
    store = MemoryCheckpointStore()
    with respx.mock() as mock, Client(access_token=TOKEN, config=CONFIG) as client:
        route = mock.get(url__startswith=f"{BASE}/999/inbox.json").mock(
            side_effect=[httpx.Response(200, json=p) for p in pages]
        )
        follower = client.for_account(999).inbox.follow(
            since=0, reasons=["mention"], buckets=[4], store=store, stop_when_idle=True, **FAST
        )
        got = [i["addressing_id"] for i in follower]
    assert got == [1, 2, 3]
    assert dict(route.calls[0].request.url.params) == {
        "since": "0",
        "reasons": "mention",
        "buckets": "4",
    }
    assert store.load("default", follower.identity) == Checkpoint("i3", 3)


def test_inbox_rejects_bad_filters() -> None:
    with Client(access_token=TOKEN, config=CONFIG) as client, pytest.raises(UsageError):
        client.for_account(999).inbox.follow(reasons=[""])


# -- async ------------------------------------------------------------------------------------


async def test_async_follower_walks_and_checkpoints() -> None:
    feed = ScriptedFeed(range(1, 8), page_size=3)
    store = MemoryCheckpointStore()
    async with AsyncClient(access_token=TOKEN, config=CONFIG) as client:
        with respx.mock() as mock:
            mock.get(url__startswith=URL).mock(side_effect=feed)
            follower = client.for_account(999).event_feed.follow(
                since=0, store=store, stop_when_idle=True, **FAST
            )
            assert isinstance(follower, AsyncFeedFollower)
            got = [item["id"] async for item in follower]
            pages = [ids(page.items) async for page in follower.pages()]
    assert got == [1, 2, 3, 4, 5, 6, 7]
    assert pages == []  # the second walk resumes from the checkpoint: nothing new
    assert store.load("default", follower.identity) == Checkpoint("p7", 7)


class AsyncStore:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Checkpoint] = {}

    async def load(self, consumer: str, identity: str) -> Checkpoint | None:
        await asyncio.sleep(0)
        return self.data.get((consumer, identity))

    async def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        await asyncio.sleep(0)
        self.data[(consumer, identity)] = checkpoint


async def test_async_follower_takes_an_async_store_and_an_async_gap_hook() -> None:
    feed = ScriptedFeed(range(1, 5), page_size=2)
    store = AsyncStore()
    gaps: list[FeedGap] = []

    async def on_gap(gap: FeedGap) -> None:
        gaps.append(gap)

    async with AsyncClient(access_token=TOKEN, config=CONFIG) as client:
        with respx.mock() as mock:
            mock.get(url__startswith=URL).mock(side_effect=feed)
            feed.script.append(error(410, resume="p2", epoch_after_id=2))
            follower = client.for_account(999).event_feed.follow(
                position="p0", store=store, on_gap=on_gap, stop_when_idle=True, **FAST
            )
            assert [item["id"] async for item in follower] == [3, 4]
    assert gaps == [FeedGap(after_id=None, resumed_after_id=2)]
    assert store.data[("default", follower.identity)] == Checkpoint("p4", 4)


async def test_cancelling_the_task_while_it_waits_keeps_the_checkpoint() -> None:
    feed = ScriptedFeed(range(1, 4), page_size=3)
    store = MemoryCheckpointStore()
    caught_up = asyncio.Event()
    seen: list[int] = []
    async with AsyncClient(access_token=TOKEN, config=CONFIG) as client:
        with respx.mock() as mock:
            mock.get(url__startswith=URL).mock(side_effect=feed)
            follower = client.for_account(999).event_feed.follow(
                since=0, store=store, poll_interval=30.0
            )

            async def consume() -> None:
                async for item in follower:
                    seen.append(item["id"])
                    if item["id"] == 3:
                        caught_up.set()

            task = asyncio.create_task(consume())
            await caught_up.wait()
            await asyncio.sleep(0.01)  # let it checkpoint and start the 30 s poll wait
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert seen == [1, 2, 3]
    assert store.load("default", follower.identity) == Checkpoint("p3", 3)
    assert len(feed.requests) == 1


async def test_async_stop_wakes_the_poll_wait() -> None:
    feed = ScriptedFeed([1])
    async with AsyncClient(access_token=TOKEN, config=CONFIG) as client:
        with respx.mock() as mock:
            mock.get(url__startswith=URL).mock(side_effect=feed)
            follower = client.for_account(999).event_feed.follow(since=0, poll_interval=3600.0)

            got_one = asyncio.Event()

            async def consume() -> list[int]:
                seen = []
                async for item in follower:
                    seen.append(item["id"])
                    got_one.set()
                return seen

            task = asyncio.create_task(consume())
            await got_one.wait()
            await asyncio.sleep(0.01)  # into the hour-long poll wait
            follower.stop()
            assert await asyncio.wait_for(task, timeout=5) == [1]
