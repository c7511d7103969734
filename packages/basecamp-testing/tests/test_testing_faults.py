"""The SDK's retry policy against injected faults, and the fault API's own semantics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import basecamp._async.client as async_client_module
import basecamp._sync.client as sync_client_module
from basecamp import ApiError, NetworkError, RateLimitError
from basecamp.testing import FakeBasecamp


class _Clock:
    """A monotonic clock the patched `sleep` advances, so rate-limit windows pass instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(sync_client_module, "sleep", clock.sleep)
    monkeypatch.setattr(async_client_module, "sleep", clock.async_sleep)
    return clock


@pytest.fixture
def fake(clock: _Clock) -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo", clock=clock, webhook_delivery="sync") as fake:
        yield fake


def _gets(fake: FakeBasecamp, operation: str) -> int:
    return sum(1 for r in fake.requests if r.operation_id == operation)


def test_recovers_from_503(fake: FakeBasecamp, clock: _Clock) -> None:
    fake.faults.fail_next(2, status=503)
    with fake.client() as client:
        projects = client.for_account(fake.account_id).projects.list()
    assert len(projects) == 3
    assert [r.status for r in fake.requests] == [503, 503, 200]
    assert clock.sleeps == [0.0, 0.0]  # base_delay=0, max_jitter=0
    assert fake.faults.stats.statuses == 2


def test_recovers_from_429_honouring_retry_after(fake: FakeBasecamp, clock: _Clock) -> None:
    fake.faults.fail_next(1, status=429, retry_after=1, operation="GetTodo")
    with fake.client() as client:
        todo = client.for_account(fake.account_id).todos.get(todo_id=fake.todos()[0]["id"])
    assert todo["content"] == "Write the launch brief"
    assert clock.sleeps == [1.0]
    assert fake.requests[0].status == 429


async def test_async_recovers_from_429_and_503(fake: FakeBasecamp, clock: _Clock) -> None:
    fake.faults.fail_next(1, status=429, retry_after=0)
    fake.faults.fail_next(1, status=503, retry_after=1)
    async with fake.async_client() as client:
        people = await client.for_account(fake.account_id).people.list()
    assert len(people) == 5
    assert clock.sleeps == [0.0, 1.0]


def test_a_post_is_not_retried_and_nothing_is_created(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    before = len(fake.todos())
    fake.faults.fail_next(1, status=503, method="POST")
    with fake.client() as client, pytest.raises(ApiError):
        client.for_account(fake.account_id).todos.create(
            todolist_id=fake.seeded.todolist_id, content="Once"
        )
    assert _gets(fake, "CreateTodo") == 1
    assert len(fake.todos()) == before  # a status fault fails before the record is created


def test_a_reset_after_a_create_applies_it_and_is_not_retried(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    fake.faults.reset_next(when="after", operation="CreateTodo")
    with fake.client() as client, pytest.raises(NetworkError) as caught:
        client.for_account(fake.account_id).todos.create(
            todolist_id=fake.seeded.todolist_id, content="Maybe"
        )
    assert "may or may not have been applied" in caught.value.message
    assert _gets(fake, "CreateTodo") == 1
    assert [t["content"] for t in fake.todos()].count("Maybe") == 1
    assert fake.faults.stats.resets_after == 1
    assert fake.faults.log[-1].applied


def test_a_reset_before_a_get_is_retried(fake: FakeBasecamp) -> None:
    fake.faults.reset_next(2, path="*/projects.json")
    with fake.client() as client:
        assert len(client.for_account(fake.account_id).projects.list()) == 3
    assert fake.faults.stats.resets_before == 2
    assert [r.status for r in fake.requests] == [0, 0, 200]


def test_rate_limit_answers_429_with_retry_after_and_recovers(
    fake: FakeBasecamp, clock: _Clock
) -> None:
    fake.faults.rate_limit(2, per=10)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        for _ in range(3):
            account.projects.get(project_id=fake.projects()[0]["id"])
    assert [r.status for r in fake.requests] == [200, 200, 429, 200]
    assert clock.sleeps == [10.0]
    assert fake.faults.stats.rate_limited == 1


def test_rate_limit_beyond_the_cap_raises(fake: FakeBasecamp) -> None:
    fake.faults.rate_limit(1, per=120)
    with fake.client(max_retry_after=60) as client:
        account = client.for_account(fake.account_id)
        account.projects.list()
        with pytest.raises(RateLimitError) as caught:
            account.projects.list()
    assert caught.value.retry_after == 120


def test_a_slow_answer_is_delayed(fake: FakeBasecamp) -> None:
    import time

    fake.faults.delay_next(seconds=0.05, method="GET")
    started = time.perf_counter()
    with fake.client() as client:
        client.for_account(fake.account_id).projects.list()
    assert time.perf_counter() - started >= 0.05
    assert fake.faults.stats.delays == 1


def test_random_faults_are_reproducible_and_counted(clock: _Clock) -> None:
    def run() -> list[tuple[str, int | None]]:
        with FakeBasecamp(seed="demo", clock=clock) as fake:
            fake.faults.random(rate=0.3, statuses=(503, 429), resets=True, seed=7)
            for _ in range(40):
                fake.handle(
                    "GET",
                    f"https://x.test/{fake.account_id}/projects.json",
                    {"Authorization": "Bearer t"},
                )
            stats = fake.faults.stats
            assert stats.total == len(fake.faults.log) > 0
            assert stats.resets_before == 0  # the random mode resets only after handling
            return [(r.kind, r.status) for r in fake.faults.log]

    assert run() == run()


def test_random_soak_keeps_creates_exactly_once_or_reported(fake: FakeBasecamp) -> None:
    """Under chaos every create either succeeds, fails cleanly (nothing created), or raises the
    ambiguous NetworkError after the fake applied it: the fake's counts reconcile exactly."""
    assert fake.seeded is not None
    fake.faults.random(rate=0.2, statuses=(503, 429), resets=True, seed=3, retry_after=0)
    outcomes = {"ok": 0, "failed": 0, "ambiguous": 0}
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        for n in range(60):
            try:
                account.todos.create(todolist_id=fake.seeded.small_todolist_id, content=f"s{n}")
                outcomes["ok"] += 1
            except NetworkError:
                outcomes["ambiguous"] += 1
            except (ApiError, RateLimitError):
                outcomes["failed"] += 1
    created = [t for t in fake.todos() if t["content"].startswith("s")]
    assert len(created) == outcomes["ok"] + outcomes["ambiguous"]
    assert outcomes["ambiguous"] == sum(1 for r in fake.faults.log if r.kind == "reset")
    assert min(outcomes.values()) > 0


def test_fault_rules_match_method_path_and_operation(fake: FakeBasecamp) -> None:
    rule = fake.faults.fail_next(1, status=500, method="PUT", path="*/todos/*")
    url = f"https://x.test/{fake.account_id}/projects.json"
    assert fake.handle("GET", url, {"Authorization": "Bearer t"}).status == 200
    assert fake.faults.pending == 1
    todo = fake.todos()[0]["id"]
    body = b'{"content": "x"}'
    headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    put = fake.handle("PUT", f"https://x.test/{fake.account_id}/todos/{todo}", headers, body)
    assert put.status == 500
    assert rule.remaining == 0
    assert fake.faults.pending == 0
    fake.faults.fail_next(3)
    fake.faults.clear()
    assert fake.faults.pending == 0


def test_fault_arguments_are_validated(fake: FakeBasecamp) -> None:
    with pytest.raises(ValueError):
        fake.faults.fail_next(0)
    with pytest.raises(ValueError):
        fake.faults.random(rate=2)
    with pytest.raises(ValueError):
        fake.faults.reset_next(when="later")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fake.faults.rate_limit(0)
