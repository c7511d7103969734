"""The fake's event and inbox feeds, and the SDK's feed followers against them over loopback."""

from __future__ import annotations

import asyncio
import collections
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from basecamp import AsyncClient, Client, Config
from basecamp.services import (
    Checkpoint,
    FeedGap,
    FileCheckpointStore,
    MemoryCheckpointStore,
    SQLiteCheckpointStore,
)
from basecamp.testing import FakeBasecamp

FAST = {"poll_interval": 0.001, "jitter": 0.0}


def _bulk(
    fake: FakeBasecamp, count: int, *, bucket: int = 1, event_type: str = "todo.created"
) -> None:
    for n in range(count):
        fake.feeds.record(
            event_type=event_type,
            bucket_id=bucket,
            recording_id=10_000 + n,
            creator_id=int(fake.me["id"]),
            performed_by_id=int(fake.me["id"]),
            created_at="2026-01-01T00:00:00.000Z",
        )


def _get(fake: FakeBasecamp, path: str, **params: str) -> tuple[int, Any]:
    url = f"https://3.basecampapi.com/{fake.account_id}{path}?{urlencode(params)}"
    response = fake.handle("GET", url, {"Authorization": f"Bearer {fake.token}"})
    return response.status, response.json()


# -- the fake's semantics -----------------------------------------------------------------------


def test_the_fakes_own_writes_are_events_in_id_order() -> None:
    fake = FakeBasecamp()
    project = fake.add_project("P")
    todoset = fake.dock(project["id"], "todoset")
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        todolist = account.todolists.create(todoset_id=todoset["id"], name="L")
        todo = account.todos.create(todolist_id=todolist["id"], content="T")
        account.todos.complete(todo_id=todo["id"])
        page = account.event_feed.poll(since="0")
    types = [e["event_type"] for e in page["events"]]
    assert types == ["todolist.created", "todo.created", "todo.completed"]
    ids = [e["id"] for e in page["events"]]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert page["events"][1]["recording_id"] == todo["id"]
    assert page["events"][1]["bucket_id"] == project["id"]
    assert "next" not in page


def test_pages_hold_at_most_100_and_next_only_while_more() -> None:
    fake = FakeBasecamp()
    _bulk(fake, 250)
    status, first = _get(fake, "/events.json", since="0")
    assert status == 200
    assert [len(first["events"]), "next" in first] == [100, True]
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        second = account.get(first["next"])
        third = account.get(second["next"])
    assert [e["id"] for e in second["events"]] == list(range(101, 201))
    assert [len(third["events"]), "next" in third] == [50, False]
    status, idle = _get(fake, "/events.json", position=third["position"])
    assert (status, idle["events"], "next" in idle) == (200, [], False)


def test_entry_points() -> None:
    fake = FakeBasecamp()
    _bulk(fake, 5)
    assert _get(fake, "/events.json")[1]["events"] == []  # the present
    assert _get(fake, "/events.json", since="now")[1]["events"] == []
    assert [e["id"] for e in _get(fake, "/events.json", since="3")[1]["events"]] == [4, 5]
    assert len(_get(fake, "/events.json", since="0")[1]["events"]) == 5
    position = _get(fake, "/events.json")[1]["position"]
    _bulk(fake, 2)
    assert [e["id"] for e in _get(fake, "/events.json", position=position)[1]["events"]] == [6, 7]


def test_filters_select_and_bad_ones_answer_400() -> None:
    fake = FakeBasecamp()
    _bulk(fake, 3, bucket=1)
    _bulk(fake, 2, bucket=2, event_type="message.created")
    me = str(fake.me["id"])
    assert len(_get(fake, "/events.json", since="0", buckets="2")[1]["events"]) == 2
    assert len(_get(fake, "/events.json", since="0", types="todo.created")[1]["events"]) == 3
    assert len(_get(fake, "/events.json", since="0", performers="self")[1]["events"]) == 5
    assert _get(fake, "/events.json", since="0", exclude_performers=me)[1]["events"] == []
    assert _get(fake, "/events.json", since="0", actor_types="agent")[1]["events"] == []
    for name, value in (("buckets", "x"), ("actor_types", "robot"), ("performers", "me")):
        status, body = _get(fake, "/events.json", since="0", **{name: value})
        assert (status, body["reason"]) == (400, name)
    status, body = _get(fake, "/events.json", buckets=",".join(str(i) for i in range(1, 102)))
    assert (status, body["reason"]) == (400, "buckets")


def test_positions_are_signed_and_bound_to_account_and_filters() -> None:
    fake = FakeBasecamp()
    _bulk(fake, 3)
    position = _get(fake, "/events.json", since="0", types="todo.created")[1]["position"]
    body, _, signature = position.partition(".")
    status, answer = _get(
        fake, "/events.json", position=f"{body}x.{signature}", types="todo.created"
    )
    assert (status, answer["reason"]) == (400, "position")
    other = FakeBasecamp()  # another account's key
    foreign = _get(other, "/events.json")[1]["position"]
    assert _get(fake, "/events.json", position=foreign)[0] == 400
    status, answer = _get(fake, "/events.json", position=position, types="message.created")
    assert status == 409
    assert answer["filters_digest"] != answer["position_digest"]
    inbox_position = _get(fake, "/inbox.json")[1]["position"]
    assert _get(fake, "/events.json", position=inbox_position)[0] == 400


def test_a_position_older_than_what_is_kept_answers_410_with_resume() -> None:
    fake = FakeBasecamp()
    _bulk(fake, 3)
    early = _get(fake, "/events.json", since="0")[1]["position"]  # after event 3
    _bulk(fake, 7)
    late = _get(fake, "/events.json", since="7")[1]["position"]  # after event 10
    fake.feeds.expire(through_id=6)
    assert _get(fake, "/events.json", position=late)[0] == 200  # still inside what is kept
    status, gone = _get(fake, "/events.json", position=early)
    assert (status, gone["epoch_after_id"]) == (410, 6)
    resumed = _get(fake, "/events.json", position=gone["resume"])[1]
    assert [e["id"] for e in resumed["events"]] == [7, 8, 9, 10]


def test_the_inbox_holds_what_is_assigned_to_the_owner() -> None:
    fake = FakeBasecamp()
    project = fake.add_project("P")
    todolist = fake.add_todolist(fake.dock(project["id"], "todoset")["id"], "L")
    fake.add_todo(todolist["id"], "Mine", assignee_ids=[fake.me["id"]])
    fake.add_todo(todolist["id"], "Nobody's")
    with fake.client() as client:
        page = client.for_account(fake.account_id).inbox.poll(since="0", reasons=["assignment"])
    assert [(i["addressing_id"], i["reason"]) for i in page["items"]] == [(1, "assignment")]
    assert page["items"][0]["event"]["event_type"] == "todo.created"


def test_the_stream_ticket() -> None:
    fake = FakeBasecamp()
    with fake.client() as client:
        ticket = client.for_account(fake.account_id).event_feed.create_stream_ticket()
    assert ticket["ticket"] and ticket["expires_in"] > 0
    assert ticket["url"].startswith("wss://")


# -- followers over loopback ------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[tuple[FakeBasecamp, str]]:
    with FakeBasecamp() as fake, fake.serve() as url:
        yield fake, url


def _client(fake: FakeBasecamp, url: str) -> Client:
    return Client(access_token=fake.token, config=Config(base_url=url, base_delay=0))


def test_resume_after_a_crash_between_processing_and_checkpoint(
    served: tuple[FakeBasecamp, str], tmp_path: Path
) -> None:
    fake, url = served
    _bulk(fake, 250)
    seen: list[int] = []

    class CrashError(Exception):
        pass

    def run(store: SQLiteCheckpointStore, crash_at: int | None) -> None:
        with _client(fake, url) as client:
            feed = client.for_account(fake.account_id).event_feed
            for event in feed.follow(consumer="indexer", store=store, since=0, stop_when_idle=True):
                seen.append(event["id"])
                if event["id"] == crash_at:
                    raise CrashError  # handled, not yet checkpointed

    with SQLiteCheckpointStore(tmp_path / "cp.db") as store:
        with pytest.raises(CrashError):
            run(store, crash_at=200)  # the last event of page 2
        run(store, crash_at=None)
    counts = collections.Counter(seen)
    assert set(counts) == set(range(1, 251))  # nothing skipped
    assert {i for i, n in counts.items() if n > 1} == set(range(101, 201))  # page 2, again


class ConsumerOnlyStore:
    """A user's store that ignores the filter identity: a filter change meets a stale position."""

    def __init__(self) -> None:
        self.data: dict[str, Checkpoint] = {}

    def load(self, consumer: str, identity: str) -> Checkpoint | None:
        return self.data.get(consumer)

    def save(self, consumer: str, identity: str, checkpoint: Checkpoint) -> None:
        self.data[consumer] = checkpoint


def test_a_filter_change_meets_409_and_re_enters_after_the_last_event(
    served: tuple[FakeBasecamp, str],
) -> None:
    fake, url = served
    _bulk(fake, 5)
    store = ConsumerOnlyStore()
    with _client(fake, url) as client:
        feed = client.for_account(fake.account_id).event_feed
        first = [e["id"] for e in feed.follow(store=store, since=0, stop_when_idle=True, **FAST)]
        _bulk(fake, 3, event_type="message.created")
        _bulk(fake, 2)
        changed = feed.follow(store=store, types=["todo.created"], stop_when_idle=True, **FAST)
        after = [e["id"] for e in changed]
    assert first == [1, 2, 3, 4, 5]
    assert after == [9, 10]
    assert [r.status for r in fake.requests if r.operation_id == "PollEvents"][-2:] == [409, 200]


def test_expiry_answers_410_and_the_gap_is_reported(
    served: tuple[FakeBasecamp, str], tmp_path: Path
) -> None:
    fake, url = served
    _bulk(fake, 4)
    store = FileCheckpointStore(tmp_path / "cp.json")
    gaps: list[FeedGap] = []
    with _client(fake, url) as client:
        feed = client.for_account(fake.account_id).event_feed
        first = [e["id"] for e in feed.follow(store=store, since=0, stop_when_idle=True, **FAST)]
        _bulk(fake, 6)  # 5..10 arrive while the consumer is down, and 5..7 expire
        fake.feeds.expire(through_id=7)
        follower = feed.follow(store=store, on_gap=gaps.append, stop_when_idle=True, **FAST)
        after = [e["id"] for e in follower]
    assert first == [1, 2, 3, 4]
    assert after == [8, 9, 10]
    assert gaps == [FeedGap(after_id=4, resumed_after_id=7)]


async def test_cancelling_an_async_follower(served: tuple[FakeBasecamp, str]) -> None:
    fake, url = served
    _bulk(fake, 150)
    store = MemoryCheckpointStore()
    caught_up = asyncio.Event()
    seen: list[int] = []
    config = Config(base_url=url, base_delay=0)
    async with AsyncClient(access_token=fake.token, config=config) as client:
        follower = client.for_account(fake.account_id).event_feed.follow(
            store=store, since=0, poll_interval=60.0
        )

        async def consume() -> None:
            async for event in follower:
                seen.append(event["id"])
                if event["id"] == 150:
                    caught_up.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(caught_up.wait(), timeout=30)
        await asyncio.sleep(0.05)  # into the poll wait
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert seen == list(range(1, 151))
    assert store.load("default", follower.identity) is not None
    assert store.load("default", follower.identity).last_id == 150  # type: ignore[union-attr]


async def test_an_async_consumer_under_load_loses_nothing(
    served: tuple[FakeBasecamp, str], tmp_path: Path
) -> None:
    fake, url = served
    total = 10_000
    _bulk(fake, total)
    store = FileCheckpointStore(tmp_path / "cp.json")
    seen: list[int] = []
    crash_at = 4_321  # in the middle of page 44 (events 4,301..4,400)

    class CrashError(Exception):
        pass

    async def run(crash: int | None) -> None:
        config = Config(base_url=url, base_delay=0)
        async with AsyncClient(access_token=fake.token, config=config) as client:
            follower = client.for_account(fake.account_id).event_feed.follow(
                consumer="loader", store=store, since=0, stop_when_idle=True, **FAST
            )
            async for event in follower:
                seen.append(event["id"])
                if event["id"] == crash:
                    raise CrashError

    with pytest.raises(CrashError):
        await run(crash_at)
    await run(None)
    counts = collections.Counter(seen)
    assert set(counts) == set(range(1, total + 1))  # zero lost
    assert {i for i, n in counts.items() if n > 1} == set(range(4_301, crash_at + 1))
    (entry,) = json.loads(store.path.read_text())["checkpoints"].values()
    assert entry["last_id"] == total


def test_transient_failures_mid_walk_lose_nothing(served: tuple[FakeBasecamp, str]) -> None:
    fake, url = served
    _bulk(fake, 1_000)
    fake.faults.fail_next(3, status=503, operation="PollEvents")
    fake.faults.reset_next(2, when="after", operation="PollEvents")
    fake.faults.fail_next(1, status=429, retry_after=0, operation="PollEvents")
    config = Config(base_url=url, base_delay=0, max_jitter=0, max_retries=1)
    with Client(access_token=fake.token, config=config) as client:
        feed = client.for_account(fake.account_id).event_feed
        ids = [e["id"] for e in feed.follow(since=0, stop_when_idle=True, **FAST)]
    assert ids == list(range(1, 1_001))
    assert fake.faults.pending == 0
