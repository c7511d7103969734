"""Transport faults from a raw socket server: every fault ends in the right typed error (or a
successful retry where the operation allows one) within the configured time, sync and async."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from typing import Any

import pytest
from reliability_kit import (
    CountingHooks,
    RawServer,
    head_then_trickle,
    refused_url,
    reset_after_headers,
    reset_before_response,
    reset_mid_body,
    respond,
    response_head,
    run_call,
    short_body,
    silent,
    stream_forever,
    trickle,
)

from basecamp import ApiError, Config, NetworkError

TODO = b'{"id": 1, "content": "ok"}'


def get_todo(account: Any) -> Any:
    return account.todos.get(todo_id=1)


def create_todo(account: Any) -> Any:
    return account.todos.create(todolist_id=1, content="write tests")


def fast(url: str, **overrides: Any) -> Config:
    values: dict[str, Any] = {
        "base_url": url,
        "base_delay": 0,
        "max_jitter": 0,
        "timeout": 2.0,
        "request_deadline": 5.0,
        "max_retries": 2,
    }
    values.update(overrides)
    return Config(**values)


def assert_may_not_have_been_applied(error: BaseException | None) -> None:
    assert isinstance(error, NetworkError), repr(error)
    assert "may or may not have been applied" in str(error)
    assert error.retryable is False


# -- connection refused ---------------------------------------------------------------------


async def test_connection_refused_is_network_error_after_the_retry_budget(flavour: str) -> None:
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(refused_url()), get_todo, hooks=hooks)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert outcome.error.retryable
    assert hooks.attempts == 3  # max_retries + 1
    assert outcome.elapsed < 3


async def test_connection_refused_mutation_is_not_retried_but_says_it_was_not_sent(
    flavour: str,
) -> None:
    # Non-idempotent writes are never retried; the server cannot have seen a request whose
    # connection was never established, so the error says it is safe to send again.
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(refused_url()), create_todo, hooks=hooks)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert "may or may not" not in str(outcome.error)
    assert outcome.error.retryable
    assert hooks.attempts == 1


# -- resets and short bodies ----------------------------------------------------------------

FAULTS = {
    "reset-before-response": reset_before_response,
    "reset-after-headers": reset_after_headers,
    "reset-mid-body": reset_mid_body,
    "content-length-larger-than-body": short_body,
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_get_recovers_from_a_broken_response_by_retrying(
    flavour: str, raw_server: RawServer, fault: str
) -> None:
    raw_server.script(FAULTS[fault](), respond(200, TODO))
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(raw_server.url), get_todo, hooks=hooks)
    assert outcome.error is None, repr(outcome.error)
    assert outcome.value == {"id": 1, "content": "ok"}
    assert hooks.attempts == 2
    assert hooks.retries == 1


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_get_that_keeps_breaking_ends_in_network_error(
    flavour: str, raw_server: RawServer, fault: str
) -> None:
    raw_server.script(FAULTS[fault]())
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(raw_server.url, max_retries=1), get_todo, hooks=hooks)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert outcome.error.retryable
    assert hooks.attempts == 2
    assert outcome.elapsed < 3


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_mutation_broken_after_sending_is_not_retried_and_says_so(
    flavour: str, raw_server: RawServer, fault: str
) -> None:
    raw_server.script(FAULTS[fault](), respond(201, TODO))
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(raw_server.url), create_todo, hooks=hooks)
    assert_may_not_have_been_applied(outcome.error)
    assert hooks.attempts == 1
    assert [r.method for r in raw_server.requests] == ["POST"]


# -- silence and trickles -------------------------------------------------------------------


async def test_server_that_never_answers_times_out_per_attempt(
    flavour: str, raw_server: RawServer
) -> None:
    raw_server.script(silent())
    hooks = CountingHooks()
    config = fast(raw_server.url, timeout=0.3, max_retries=1)
    outcome = await run_call(flavour, config, get_todo, hooks=hooks)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert "timed out" in str(outcome.error)
    assert hooks.attempts == 2
    assert 0.5 < outcome.elapsed < 2.5  # two attempts of ~0.3 s


async def test_silent_server_on_a_mutation_is_not_retried(
    flavour: str, raw_server: RawServer
) -> None:
    raw_server.script(silent())
    hooks = CountingHooks()
    config = fast(raw_server.url, timeout=0.3)
    outcome = await run_call(flavour, config, create_todo, hooks=hooks)
    assert_may_not_have_been_applied(outcome.error)
    assert hooks.attempts == 1
    assert outcome.elapsed < 2


def trickled_body_server(raw_server: RawServer) -> None:
    # Headers at once, then a 1,000-byte body at one byte per 50 ms: 50 s in all, but no single
    # read ever waits long enough for the socket timeout to fire.
    head = response_head(200, {"Content-Type": "application/json"}, content_length=1000)
    raw_server.script(head_then_trickle(head, b"[" + b" " * 998 + b"]", 0.05))


async def test_body_trickle_is_bounded_by_the_request_deadline(
    flavour: str, raw_server: RawServer
) -> None:
    trickled_body_server(raw_server)
    config = fast(raw_server.url, timeout=1.0, request_deadline=0.5, max_retries=0)
    outcome = await run_call(flavour, config, get_todo)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    # deadline + at most one byte interval (sync checks between chunks) + slack
    assert outcome.elapsed < 1.5


async def test_body_trickle_deadline_is_per_attempt(flavour: str, raw_server: RawServer) -> None:
    trickled_body_server(raw_server)
    hooks = CountingHooks()
    config = fast(raw_server.url, timeout=1.0, request_deadline=0.4, max_retries=2)
    outcome = await run_call(flavour, config, get_todo, hooks=hooks)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert hooks.attempts == 3
    assert outcome.elapsed < 3.0


# A status line and headers sent one byte per 30 ms: ~1.9 s before the body starts.
TRICKLED_HEAD = response_head(
    200, {"Content-Type": "application/json", "X-Pad": "abcdefgh"}, content_length=2
)
HEAD_INTERVAL = 0.03


async def test_async_header_trickle_is_bounded_by_the_request_deadline(
    raw_server: RawServer,
) -> None:
    raw_server.script(trickle(TRICKLED_HEAD + b"{}", HEAD_INTERVAL))
    config = fast(raw_server.url, timeout=1.0, request_deadline=0.5, max_retries=0)
    outcome = await run_call("async", config, get_todo)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert "timed out" in str(outcome.error)
    assert outcome.elapsed < 1.2


async def test_sync_header_trickle_is_bounded_by_the_request_deadline(
    raw_server: RawServer,
) -> None:
    """The sync client bounds every socket read by the deadline (its transport's network
    backend), so a trickled status line and headers are cut off like in the async client."""
    raw_server.script(trickle(TRICKLED_HEAD + b"{}", HEAD_INTERVAL))
    config = fast(raw_server.url, timeout=1.0, request_deadline=0.5, max_retries=0)
    outcome = await run_call("sync", config, get_todo)
    assert isinstance(outcome.error, NetworkError), repr(outcome.error)
    assert "timed out" in str(outcome.error)
    assert outcome.elapsed < 1.2


# -- bodies that are not what was promised ----------------------------------------------------

BAD_BODIES = {
    "invalid-json": (b'{"id": 1,', "application/json", "not valid JSON"),
    "empty-body": (b"", "application/json", "empty"),
    "whitespace-body": (b"  \r\n ", "application/json", "empty"),
    "html-content-type": (b"<html>maintenance</html>", "text/html; charset=utf-8", "text/html"),
    "json-array-for-object": (b"[1, 2]", "application/json", "JSON object"),
    "invalid-utf8": (b'{"id": "\xff\xfe"}', "application/json", "not valid JSON"),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, "application/json", "not valid JSON"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
async def test_unusable_2xx_body_is_api_error(
    flavour: str, raw_server: RawServer, case: str
) -> None:
    body, content_type, fragment = BAD_BODIES[case]
    raw_server.script(respond(200, body, content_type=content_type))
    hooks = CountingHooks()
    outcome = await run_call(flavour, fast(raw_server.url), get_todo, hooks=hooks)
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert fragment in str(outcome.error)
    assert hooks.attempts == 1  # a bad body is not a reason to send the request again


# -- size caps --------------------------------------------------------------------------------

CAP = 64 * 1024


async def test_declared_oversized_body_is_refused_before_reading(
    flavour: str, raw_server: RawServer
) -> None:
    # Declares 1 GB, then sends nothing: refusing must not wait for the body.
    head = response_head(200, {"Content-Type": "application/json"}, content_length=1 << 30)
    raw_server.script(head_then_trickle(head, b" " * 100, 1.0))
    config = fast(raw_server.url, max_response_bytes=CAP)
    outcome = await run_call(flavour, config, get_todo)
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert f"{CAP}-byte limit" in str(outcome.error)
    assert outcome.elapsed < 1


async def test_endless_undeclared_body_is_refused_at_the_cap(
    flavour: str, raw_server: RawServer
) -> None:
    # No Content-Length, body ends at close: the cap must stop the read, not the server.
    head = response_head(200, {"Content-Type": "application/json", "Connection": "close"})
    raw_server.script(stream_forever(head, b" " * 16384))
    config = fast(raw_server.url, max_response_bytes=CAP)
    outcome = await run_call(flavour, config, get_todo)
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert "limit" in str(outcome.error)
    assert outcome.elapsed < 2


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 1 MB of gzip that expands to 1 GiB of spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [compressor.compress(block) for _ in range(1024)]
    parts.append(compressor.flush())
    bomb = b"".join(parts)
    assert len(bomb) < 1_100_000
    return bomb


@pytest.mark.parametrize("cap", [1 << 20, 16 << 20])
async def test_gzip_bomb_is_refused_quickly_with_memory_bounded_by_the_cap(
    flavour: str, raw_server: RawServer, gzip_bomb: bytes, cap: int
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.script(respond(200, gzip_bomb, content_type=None, headers=headers))
    config = fast(raw_server.url, max_response_bytes=cap)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        outcome = await run_call(flavour, config, get_todo)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert f"{cap}-byte limit" in str(outcome.error)
    assert outcome.elapsed < 5
    # The body buffer holds at most the cap; decompression adds a bounded constant on top,
    # never the 1 GiB the bomb expands to.
    assert peak < 2 * cap + 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {cap}-byte cap"


async def test_gzip_body_within_the_cap_is_decoded(flavour: str, raw_server: RawServer) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.script(respond(200, gzip.compress(TODO), content_type=None, headers=headers))
    outcome = await run_call(flavour, fast(raw_server.url), get_todo)
    assert outcome.value == {"id": 1, "content": "ok"}
