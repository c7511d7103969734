"""pytest plugin: fixtures for the fake Basecamp (registered through the `pytest11` entry point).

Fixtures:

- `basecamp_fake`: a fresh `FakeBasecamp` with the demo seed, per test.
- `basecamp_client` / `basecamp_async_client`: a `Client` / `AsyncClient` wired to it through
  the in-process transport, with zero retry delays.
- `basecamp_account` / `basecamp_async_account`: their `for_account(...)`.
- `basecamp_server`: the base URL of the same fake served on 127.0.0.1 for the test.

Nothing heavy is imported until a fixture is used, so the plugin costs nothing in runs that do
not use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from basecamp import AccountClient, AsyncAccountClient, AsyncClient, Client
    from basecamp.testing import FakeBasecamp

# pytest-asyncio in strict mode only runs async fixtures declared through its own decorator; use it
# when it is installed (it is then already imported as a plugin, so this costs nothing).
_async_fixture: Callable[..., Any]
try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # anyio, or no async plugin at all
    _async_fixture = pytest.fixture

__all__ = [
    "basecamp_account",
    "basecamp_async_account",
    "basecamp_async_client",
    "basecamp_client",
    "basecamp_fake",
    "basecamp_server",
]


@pytest.fixture
def basecamp_fake() -> Iterator[FakeBasecamp]:
    """A fresh in-memory Basecamp with the demo account (`fake.seeded` has its ids)."""
    from basecamp.testing import FakeBasecamp

    fake = FakeBasecamp(seed="demo")
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def basecamp_client(basecamp_fake: FakeBasecamp) -> Iterator[Client]:
    """A sync `basecamp.Client` talking to `basecamp_fake` in-process (no retry delays)."""
    with basecamp_fake.client() as client:
        yield client


@pytest.fixture
def basecamp_account(basecamp_fake: FakeBasecamp, basecamp_client: Client) -> AccountClient:
    """`basecamp_client.for_account(...)` for the fake's account."""
    return basecamp_client.for_account(basecamp_fake.account_id)


@_async_fixture
async def basecamp_async_client(basecamp_fake: FakeBasecamp) -> AsyncIterator[AsyncClient]:
    """An `AsyncClient` talking to `basecamp_fake` in-process (needs pytest-asyncio or anyio)."""
    async with basecamp_fake.async_client() as client:
        yield client


@pytest.fixture
def basecamp_async_account(
    basecamp_fake: FakeBasecamp, basecamp_async_client: AsyncClient
) -> AsyncAccountClient:
    """`basecamp_async_client.for_account(...)` for the fake's account."""
    return basecamp_async_client.for_account(basecamp_fake.account_id)


@pytest.fixture
def basecamp_server(basecamp_fake: FakeBasecamp) -> Iterator[str]:
    """The base URL of `basecamp_fake` served over HTTP on 127.0.0.1 for this test."""
    with basecamp_fake.serve() as url:
        yield url
