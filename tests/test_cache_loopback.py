"""HTTP caching end to end: both clients against the fake Basecamp on a loopback socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from basecamp import AsyncClient, Client, Config, MemoryCache
from basecamp.hooks import BasecampHooks, OperationInfo, OperationResult, RequestInfo, RequestResult
from basecamp.testing import FakeBasecamp


class Seen(BasecampHooks):
    def __init__(self) -> None:
        self.requests: list[tuple[int | None, bool]] = []
        self.operations: list[bool] = []

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        self.requests.append((result.status_code, result.from_cache))

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        self.operations.append(result.from_cache)


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo") as fake:
        yield fake


@pytest.fixture
def url(fake: FakeBasecamp) -> Iterator[str]:
    with fake.serve() as url:
        yield url


def _statuses(fake: FakeBasecamp, since: int) -> list[int]:
    return [r.status for r in fake.requests[since:] if r.operation_id == "ListTodos"]


def test_relisting_unchanged_pages_gets_304s_and_the_same_result(
    fake: FakeBasecamp, url: str
) -> None:
    assert fake.seeded is not None
    todolist = fake.seeded.todolist_id
    hooks = Seen()
    cache = MemoryCache()
    with Client(
        access_token=fake.token, config=Config(base_url=url), cache=cache, hooks=hooks
    ) as client:
        todos = client.for_account(fake.account_id).todos
        first = todos.list(todolist_id=todolist)
        assert first.meta.pages == 2 and first.meta.total_count == 20
        mark = len(fake.requests)
        again = todos.list(todolist_id=todolist)
        assert _statuses(fake, mark) == [304, 304]
        assert list(again) == list(first) and again.meta == first.meta
        assert hooks.requests[-2:] == [(304, True), (304, True)]
        assert hooks.operations == [False, True]
        # Lazily, page by page: the same items, still from the cache.
        mark = len(fake.requests)
        assert list(todos.iter_list(todolist_id=todolist)) == list(first)
        assert _statuses(fake, mark) == [304, 304]

        # A change: the server's validators say so, and the new data arrives.
        created = todos.create(todolist_id=todolist, content="Fresh from the server")
        mark = len(fake.requests)
        changed = todos.list(todolist_id=todolist)
        assert 200 in _statuses(fake, mark)
        assert created["id"] in [t["id"] for t in changed]
        assert changed.meta.total_count == 21
        assert hooks.operations[-1] is False
        # And the changed pages are cached in turn.
        mark = len(fake.requests)
        assert list(todos.list(todolist_id=todolist)) == list(changed)
        assert set(_statuses(fake, mark)) == {304}
    assert len(cache) >= 2


async def test_the_async_client_revalidates_too(fake: FakeBasecamp, url: str) -> None:
    assert fake.seeded is not None
    todo_id = fake.todos(fake.seeded.todolist_id)[0]["id"]
    async with AsyncClient(
        access_token=fake.token, config=Config(base_url=url), cache=MemoryCache()
    ) as client:
        account = client.for_account(fake.account_id)
        first = await account.todos.get(todo_id=todo_id)
        mark = len(fake.requests)
        assert await account.todos.get(todo_id=todo_id) == first
        assert [r.status for r in fake.requests[mark:]] == [304]
        await account.todos.update(todo_id=todo_id, content="Renamed")
        mark = len(fake.requests)
        assert (await account.todos.get(todo_id=todo_id))["content"] == "Renamed"
        assert [r.status for r in fake.requests[mark:]] == [200]
