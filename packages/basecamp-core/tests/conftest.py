"""Fixtures for the basecamp-core tests. Helpers live in `core_testkit.py`, loaded here by path
(the suite runs with `--import-mode=importlib`, so test modules cannot import each other)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import respx


def _load_testkit() -> None:
    if "core_testkit" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "core_testkit", Path(__file__).with_name("core_testkit.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["core_testkit"] = module
    spec.loader.exec_module(module)


_load_testkit()

from core_testkit import BASE_URL, Loopback, RecordingHooks, Runner  # noqa: E402

from basecamp import Config  # noqa: E402


@pytest.fixture(params=["sync", "async"])
async def runner(request: pytest.FixtureRequest) -> AsyncIterator[Runner]:
    """The sync or the async client family; clients it builds are closed afterwards."""
    r = Runner(request.param)
    yield r
    await r.aclose_all()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make retries instant in both shells; the list records every delay requested."""
    recorded: list[float] = []

    async def fake_async_sleep(delay: float) -> None:
        recorded.append(delay)

    def fake_sync_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr("basecamp._async.client.sleep", fake_async_sleep)
    monkeypatch.setattr("basecamp._sync.client.sleep", fake_sync_sleep)
    return recorded


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the default base URL (unmatched requests fail the call)."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def recording_hooks() -> RecordingHooks:
    return RecordingHooks()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A real HTTP server on 127.0.0.1, scripted per test."""
    server = Loopback()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def loop_config(loopback: Loopback) -> Config:
    """A config pointing at the loopback server, with instant backoff."""
    return Config(base_url=loopback.url, base_delay=0, max_jitter=0)
