"""Load and soak against the fake Basecamp with 5% injected 503s, 429s and resets.

- GETs always succeed within the retry budget, and every retry answers exactly one fault.
- Creations are never duplicated: each either succeeds once or raises an error that tells the
  caller whether it may have been applied.
- One client shared by 16 threads, or by 500 tasks, never hands a response to the wrong caller.
- A token expiring during a burst of 50 concurrent calls is refreshed exactly once.

The figures (calls, faults, retries, duplicates, wall time) are printed at the end of the run.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from reliability_kit import (
    CLIENT_SECRET_MARKER,
    REFRESH_MARKER,
    SOAK_FIGURES,
    TOKEN_MARKER,
)

import basecamp.hooks
from basecamp import (
    ApiError,
    AsyncClient,
    AsyncOAuthTokenProvider,
    Client,
    Config,
    NetworkError,
    OAuthTokenProvider,
    RateLimitError,
)
from basecamp.testing import FakeBasecamp

FAULT_RATE = 0.05
MAX_RETRIES = 5
NEW_TOKEN = "tok-REFRESHED-RELIABILITY-NEVER-LOG"


class SoakHooks(basecamp.hooks.BasecampHooks):
    """Counts attempts (`on_request_start`) and retries (`on_retry`), thread-safely."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.attempts = 0
        self.retries = 0
        self.max_attempt = 0

    def on_request_start(self, info: basecamp.hooks.RequestInfo) -> None:
        with self._lock:
            self.attempts += 1
            self.max_attempt = max(self.max_attempt, info.attempt)

    def on_retry(
        self, info: basecamp.hooks.RequestInfo, attempt: int, error: BaseException, delay: float
    ) -> None:
        with self._lock:
            self.retries += 1


@dataclass
class Soak:
    fake: FakeBasecamp
    todolist_id: int
    todo_ids: list[int]


def make_soak(*, seed: int, todos: int = 200) -> Soak:
    fake = FakeBasecamp(webhook_delivery="sync")
    project = fake.add_project("Soak")
    todoset = fake.dock(project["id"], "todoset")
    todolist = fake.add_todolist(todoset["id"], "Soak list")
    ids = [fake.add_todo(todolist["id"], f"seeded {i}")["id"] for i in range(todos)]
    fake.faults.random(FAULT_RATE, statuses=(503, 429), resets=True, seed=seed, retry_after=0)
    return Soak(fake, todolist["id"], ids)


@pytest.fixture
def soak() -> Iterator[Soak]:
    state = make_soak(seed=20240601)
    try:
        yield state
    finally:
        state.fake.close()


def config(**overrides: Any) -> Config:
    values: dict[str, Any] = {"base_delay": 0, "max_jitter": 0, "max_retries": MAX_RETRIES}
    values.update(overrides)
    return Config(**values)


def injected(fake: FakeBasecamp) -> int:
    return fake.faults.stats.total


def assert_fault_rate_was_real(fake: FakeBasecamp, requests: int) -> None:
    # The soak means nothing if the faults were not injected.
    share = injected(fake) / requests
    assert 0.03 < share < 0.07, f"fault share {share:.3f} of {requests} requests"


# -- 10,000 GETs ------------------------------------------------------------------------------


def test_soak_10k_gets_all_succeed_within_the_retry_budget(soak: Soak) -> None:
    hooks = SoakHooks()
    fake = soak.fake
    calls = 10_000
    started = time.monotonic()
    with Client(
        access_token=fake.token, config=config(), hooks=hooks, transport=fake.transport()
    ) as client:
        account = client.for_account(fake.account_id)
        for i in range(calls):
            todo_id = soak.todo_ids[i % len(soak.todo_ids)]
            assert account.todos.get(todo_id=todo_id)["id"] == todo_id
    wall = time.monotonic() - started
    faults = injected(fake)
    SOAK_FIGURES["10k GETs, sync, transport"] = {
        "calls": calls,
        "injected_faults": faults,
        "retries": hooks.retries,
        "attempts": hooks.attempts,
        "max_attempt": hooks.max_attempt,
        "wall_s": round(wall, 2),
    }
    assert_fault_rate_was_real(fake, hooks.attempts)
    # Every fault on a GET costs exactly one retry, and nothing else does.
    assert hooks.retries == faults
    assert hooks.attempts == calls + hooks.retries
    assert hooks.max_attempt <= MAX_RETRIES + 1
    assert len(fake.requests) == hooks.attempts


# -- 1,000 creations --------------------------------------------------------------------------


def classify_create_error(error: BaseException) -> str:
    """Each failure must say whether the change may have happened."""
    if isinstance(error, NetworkError):
        # The connection broke after the request went out: the SDK must not retry, and must say
        # the change may have happened.
        assert "may or may not have been applied" in str(error), str(error)
        assert error.retryable is False
        return "unknown"
    if isinstance(error, RateLimitError | ApiError) and error.http_status in (429, 503):
        # Refused with a status: not applied, safe to send again.
        assert error.retryable is True
        return "refused"
    raise AssertionError(f"unexpected error {error!r}")


def test_soak_1000_creations_are_never_duplicated(soak: Soak) -> None:
    hooks = SoakHooks()
    fake = soak.fake
    calls = 1_000
    outcomes: dict[str, str] = {}
    returned_ids: dict[str, int] = {}
    started = time.monotonic()
    with Client(
        access_token=fake.token, config=config(), hooks=hooks, transport=fake.transport()
    ) as client:
        account = client.for_account(fake.account_id)
        for i in range(calls):
            content = f"soak create {i}"
            try:
                todo = account.todos.create(todolist_id=soak.todolist_id, content=content)
            except Exception as exc:
                outcomes[content] = classify_create_error(exc)
            else:
                outcomes[content] = "created"
                returned_ids[content] = todo["id"]
    wall = time.monotonic() - started
    stored = Counter(t["content"] for t in fake.todos(soak.todolist_id))
    duplicates = sum(n - 1 for n in stored.values() if n > 1)
    kinds = Counter(outcomes.values())
    SOAK_FIGURES["1k creates, sync, transport"] = {
        "calls": calls,
        "injected_faults": injected(fake),
        "retries": hooks.retries,
        "created": kinds["created"],
        "refused": kinds["refused"],
        "maybe_applied": kinds["unknown"],
        "duplicates": duplicates,
        "wall_s": round(wall, 2),
    }
    assert_fault_rate_was_real(fake, hooks.attempts)
    assert duplicates == 0
    assert hooks.retries == 0  # a mutation is never sent twice
    assert hooks.attempts == calls
    by_content = {t["content"]: t["id"] for t in fake.todos(soak.todolist_id)}
    for content, outcome in outcomes.items():
        if outcome == "created":
            assert stored[content] == 1
            assert by_content[content] == returned_ids[content]
        elif outcome == "refused":
            assert stored[content] == 0
        else:
            assert stored[content] <= 1
    assert kinds["refused"] > 0 and kinds["unknown"] > 0


# -- one client, many callers -----------------------------------------------------------------


def test_16_threads_share_one_sync_client_without_crossed_responses(soak: Soak) -> None:
    hooks = SoakHooks()
    fake = soak.fake
    threads, per_thread = 16, 250
    started = time.monotonic()
    with Client(
        access_token=fake.token, config=config(), hooks=hooks, transport=fake.transport()
    ) as client:
        account = client.for_account(fake.account_id)

        def worker(seed: int) -> int:
            rng = random.Random(seed)
            mismatches = 0
            for _ in range(per_thread):
                todo_id = rng.choice(soak.todo_ids)
                if account.todos.get(todo_id=todo_id)["id"] != todo_id:
                    mismatches += 1
            return mismatches

        with ThreadPoolExecutor(threads) as pool:
            mismatches = sum(pool.map(worker, range(threads)))
    calls = threads * per_thread
    SOAK_FIGURES["16 threads x 250, one sync client"] = {
        "calls": calls,
        "injected_faults": injected(fake),
        "retries": hooks.retries,
        "crossed": mismatches,
        "wall_s": round(time.monotonic() - started, 2),
    }
    assert mismatches == 0
    assert hooks.attempts == calls + hooks.retries
    assert hooks.retries == injected(fake)
    assert_fault_rate_was_real(fake, hooks.attempts)


async def test_500_tasks_share_one_async_client_without_crossed_responses(soak: Soak) -> None:
    hooks = SoakHooks()
    fake = soak.fake
    tasks, per_task = 500, 4
    started = time.monotonic()
    async with AsyncClient(
        access_token=fake.token, config=config(), hooks=hooks, transport=fake.async_transport()
    ) as client:
        account = client.for_account(fake.account_id)

        async def worker(seed: int) -> int:
            rng = random.Random(seed)
            mismatches = 0
            for _ in range(per_task):
                todo_id = rng.choice(soak.todo_ids)
                await asyncio.sleep(0)  # interleave the tasks
                if (await account.todos.get(todo_id=todo_id))["id"] != todo_id:
                    mismatches += 1
            return mismatches

        results = await asyncio.gather(*(worker(n) for n in range(tasks)))
    calls = tasks * per_task
    SOAK_FIGURES["500 tasks x 4, one async client"] = {
        "calls": calls,
        "injected_faults": injected(fake),
        "retries": hooks.retries,
        "crossed": sum(results),
        "wall_s": round(time.monotonic() - started, 2),
    }
    assert sum(results) == 0
    assert hooks.attempts == calls + hooks.retries
    assert hooks.retries == injected(fake)


# -- real sockets -----------------------------------------------------------------------------


def test_real_socket_soak_sync_threads(soak: Soak) -> None:
    """The same guarantees over real loopback sockets and a keep-alive pool."""
    hooks = SoakHooks()
    fake = soak.fake
    threads, gets, creates = 4, 75, 25
    with fake.serve() as url:
        cfg = config(base_url=url, timeout=5.0)
        started = time.monotonic()
        with Client(access_token=fake.token, config=cfg, hooks=hooks) as client:
            account = client.for_account(fake.account_id)

            def worker(n: int) -> tuple[int, dict[str, str]]:
                rng = random.Random(n)
                crossed = 0
                outcomes: dict[str, str] = {}
                for _ in range(gets):
                    todo_id = rng.choice(soak.todo_ids)
                    crossed += account.todos.get(todo_id=todo_id)["id"] != todo_id
                for i in range(creates):
                    content = f"socket {n}-{i}"
                    try:
                        account.todos.create(todolist_id=soak.todolist_id, content=content)
                    except Exception as exc:
                        outcomes[content] = classify_create_error(exc)
                    else:
                        outcomes[content] = "created"
                return crossed, outcomes

            with ThreadPoolExecutor(threads) as pool:
                results = list(pool.map(worker, range(threads)))
        wall = time.monotonic() - started
    crossed = sum(r[0] for r in results)
    outcomes = {k: v for r in results for k, v in r[1].items()}
    stored = Counter(
        t["content"] for t in fake.todos(soak.todolist_id) if t["content"].startswith("socket")
    )
    duplicates = sum(n - 1 for n in stored.values() if n > 1)
    SOAK_FIGURES["real sockets, 4 threads"] = {
        "calls": threads * (gets + creates),
        "injected_faults": injected(fake),
        "retries": hooks.retries,
        "crossed": crossed,
        "duplicates": duplicates,
        "wall_s": round(wall, 2),
    }
    assert crossed == 0
    assert duplicates == 0
    for content, outcome in outcomes.items():
        assert stored[content] == (1 if outcome == "created" else stored[content])
        if outcome == "refused":
            assert stored[content] == 0
    assert hooks.attempts == threads * (gets + creates) + hooks.retries


async def test_real_socket_soak_async_tasks(soak: Soak) -> None:
    hooks = SoakHooks()
    fake = soak.fake
    tasks, per_task = 100, 3
    with fake.serve() as url:
        cfg = config(base_url=url, timeout=5.0)
        started = time.monotonic()
        async with AsyncClient(access_token=fake.token, config=cfg, hooks=hooks) as client:
            account = client.for_account(fake.account_id)

            async def worker(n: int) -> int:
                rng = random.Random(n)
                crossed = 0
                for _ in range(per_task):
                    todo_id = rng.choice(soak.todo_ids)
                    crossed += (await account.todos.get(todo_id=todo_id))["id"] != todo_id
                return crossed

            crossed = sum(await asyncio.gather(*(worker(n) for n in range(tasks))))
        wall = time.monotonic() - started
    SOAK_FIGURES["real sockets, 100 async tasks"] = {
        "calls": tasks * per_task,
        "injected_faults": injected(fake),
        "retries": hooks.retries,
        "crossed": crossed,
        "wall_s": round(wall, 2),
    }
    assert crossed == 0
    assert hooks.attempts == tasks * per_task + hooks.retries


# -- token expiry during a burst --------------------------------------------------------------


class TokenEndpoint:
    """A token endpoint that counts refreshes and takes a moment to answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.refreshes = 0
        self.forms: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # long enough for every caller to pile up behind the refresh
        with self.lock:
            self.refreshes += 1
            self.forms.append(request.content)
        return httpx.Response(
            200,
            json={"access_token": NEW_TOKEN, "refresh_token": "r2", "expires_in": 3600},
        )


@pytest.mark.parametrize("expiry", ["clock", "server-401"])
async def test_token_expiry_during_a_burst_refreshes_exactly_once(
    flavour: str, expiry: str
) -> None:
    """`clock`: the provider sees the token expire at the burst. `server-401`: the provider
    does not know the expiry, and the server starts rejecting the old token."""
    fake = FakeBasecamp(tokens=[NEW_TOKEN])  # only the refreshed token is accepted
    project = fake.add_project("Burst")
    todolist = fake.add_todolist(fake.dock(project["id"], "todoset")["id"], "L")
    ids = [fake.add_todo(todolist["id"], f"t{i}")["id"] for i in range(50)]
    endpoint = TokenEndpoint()
    now = [1_000.0]
    provider_kwargs: dict[str, Any] = {
        "refresh_token": REFRESH_MARKER,
        "expires_at": 1_100.0 if expiry == "clock" else None,
        "clock": lambda: now[0],
        "transport": httpx.MockTransport(endpoint),
    }
    hooks = SoakHooks()
    now[0] = 2_000.0  # the token is now expired (clock mode); the server rejects it anyway
    cfg = config()
    if flavour == "sync":
        provider = OAuthTokenProvider(
            TOKEN_MARKER, "client-id", CLIENT_SECRET_MARKER, **provider_kwargs
        )
        with Client(
            token_provider=provider, config=cfg, hooks=hooks, transport=fake.transport()
        ) as client:
            account = client.for_account(fake.account_id)
            barrier = threading.Barrier(50)

            def call(todo_id: int) -> int:
                barrier.wait()
                return int(account.todos.get(todo_id=todo_id)["id"])

            with ThreadPoolExecutor(50) as pool:
                got = list(pool.map(call, ids))
    else:
        aprovider = AsyncOAuthTokenProvider(
            TOKEN_MARKER, "client-id", CLIENT_SECRET_MARKER, **provider_kwargs
        )
        async with AsyncClient(
            token_provider=aprovider, config=cfg, hooks=hooks, transport=fake.async_transport()
        ) as aclient:
            aaccount = aclient.for_account(fake.account_id)

            async def acall(todo_id: int) -> int:
                return int((await aaccount.todos.get(todo_id=todo_id))["id"])

            got = list(await asyncio.gather(*(acall(i) for i in ids)))
    assert got == ids
    assert endpoint.refreshes == 1
    assert REFRESH_MARKER.encode() in endpoint.forms[0]
    rejected = sum(1 for r in fake.requests if r.status == 401)
    if expiry == "clock":
        assert rejected == 0  # refreshed before sending: no call used the old token
    assert len(fake.requests) == 50 + rejected
