"""`RequestCycle`, table-driven: events in, actions out. No HTTP, no clock, no sleeping.

Each row is one logical request: the events its attempts produce, in order, and the action the
cycle must answer to each. Event shorthand:

- `200`, `(503, {"retry-after": "7"})`, `(422, {}, b'{"error": "x"}')`: a response's status,
  headers and body (`respond` then `replied`);
- an exception instance: the attempt failed without a response (`failed`);
- `"refreshed"` / `"not-refreshed"` / `"refresh-broke"`: how the refresh after a 401 ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from basecamp import ApiError, AuthError, NetworkError, RateLimitError, ValidationError
from basecamp._cycle import Action, RequestCycle
from basecamp._retry import RetryPolicy

SEND, SLEEP, REFRESH, RETURN, RAISE = (
    Action.SEND,
    Action.SLEEP,
    Action.REFRESH,
    Action.RETURN,
    Action.RAISE,
)
# No jitter, 1 s first delay: delays read 1, 2, 4, ...
POLICY = RetryPolicy(max_retries=3, base_delay=1.0, max_jitter=0.5, random=lambda: 0.0)


@dataclass
class Row:
    name: str
    events: list[Any]
    actions: list[Action]
    idempotent: bool = True
    accept_redirect: bool = False
    refreshable: bool = True
    policy: RetryPolicy = POLICY
    delays: list[float] = field(default_factory=list)  # `delay` after each SLEEP
    attempts: int | None = None  # `attempt` after the last event
    error: type[Exception] | None = None  # `failure` after a final RAISE
    retryable: bool | None = None
    says: str | None = None  # in the final error's message or hint


TABLE = [
    # -- answers ------------------------------------------------------------------------------
    Row("200 is the answer", [200], [RETURN], attempts=1),
    Row("204 is the answer", [204], [RETURN]),
    Row("302 is an error by default", [302], [RAISE], error=ApiError),
    Row("302 is the answer for hop 1", [302], [RETURN], accept_redirect=True),
    Row("304 is the answer for hop 1", [304], [RETURN], accept_redirect=True),
    # -- retried statuses ---------------------------------------------------------------------
    Row("500 then 200", [500, 200], [SLEEP, RETURN], delays=[1.0], attempts=2),
    Row("502 then 200", [502, 200], [SLEEP, RETURN], delays=[1.0]),
    Row("504 then 200", [504, 200], [SLEEP, RETURN], delays=[1.0]),
    Row("429 then 200", [429, 200], [SLEEP, RETURN], delays=[1.0]),
    Row(
        "backoff doubles, then the budget runs out",
        [503, 503, 503, 503],
        [SLEEP, SLEEP, SLEEP, RAISE],
        delays=[1.0, 2.0, 4.0],
        attempts=4,
        error=ApiError,
        retryable=True,
    ),
    Row(
        "max_retries=0 means one attempt",
        [500],
        [RAISE],
        policy=RetryPolicy(max_retries=0),
        attempts=1,
        error=ApiError,
    ),
    # -- Retry-After --------------------------------------------------------------------------
    Row(
        "Retry-After replaces the backoff on 429",
        [(429, {"retry-after": "7"}), 200],
        [SLEEP, RETURN],
        delays=[7.0],
    ),
    Row(
        "Retry-After replaces the backoff on 503",
        [(503, {"retry-after": "12"}), 200],
        [SLEEP, RETURN],
        delays=[12.0],
    ),
    Row(
        "Retry-After: 0 is no value: backoff",
        [(429, {"retry-after": "0"}), 200],
        [SLEEP, RETURN],
        delays=[1.0],
    ),
    Row(
        "Retry-After is ignored on 500",
        [(500, {"retry-after": "30"}), 200],
        [SLEEP, RETURN],
        delays=[1.0],
    ),
    Row(
        "Retry-After beyond the cap raises at once",
        [(429, {"retry-after": "61"})],
        [RAISE],
        error=RateLimitError,
        says="Rate limit",
    ),
    # -- never retried ------------------------------------------------------------------------
    *(
        Row(f"{status} is raised at once", [status], [RAISE], attempts=1)
        for status in (400, 403, 404, 409, 422, 501, 507)
    ),
    Row(
        "422 carries the field errors",
        [(422, {}, b'{"error": "Invalid", "errors": {"title": ["is too long"]}}')],
        [RAISE],
        error=ValidationError,
        says="Invalid (title: is too long)",
    ),
    # -- writes that are not idempotent -------------------------------------------------------
    Row(
        "a POST is never retried on 503",
        [503],
        [RAISE],
        idempotent=False,
        error=ApiError,
        retryable=True,
    ),
    *(
        Row(
            f"a POST after {status} may or may not have been applied",
            [status],
            [RAISE],
            idempotent=False,
            error=ApiError,
            retryable=False,
            says="may or may not have been applied",
        )
        for status in (500, 502, 504)
    ),
    Row(
        "a POST is never retried on 429",
        [(429, {"retry-after": "1"})],
        [RAISE],
        idempotent=False,
        error=RateLimitError,
    ),
    Row(
        "a POST that broke after it was sent may have been applied",
        [httpx.ReadError("reset")],
        [RAISE],
        idempotent=False,
        error=NetworkError,
        retryable=False,
        says="may or may not have been applied",
    ),
    Row(
        "a POST that never connected was not sent",
        [httpx.ConnectError("refused")],
        [RAISE],
        idempotent=False,
        error=NetworkError,
        retryable=True,
        says="was not sent",
    ),
    # -- network errors -----------------------------------------------------------------------
    Row(
        "a GET is retried after a reset",
        [httpx.ReadError("reset"), 200],
        [SLEEP, RETURN],
        delays=[1.0],
        attempts=2,
    ),
    Row(
        "a GET that keeps timing out",
        [TimeoutError(), httpx.ReadTimeout("slow"), httpx.ConnectTimeout("x"), TimeoutError()],
        [SLEEP, SLEEP, SLEEP, RAISE],
        delays=[1.0, 2.0, 4.0],
        error=NetworkError,
        says="timed out",
    ),
    Row(
        "a body over the cap is not retried",
        [ApiError("The response body is larger than the 1024-byte limit.")],
        [RAISE],
        error=ApiError,
    ),
    Row(
        "the deadline passing mid-body is retried",
        [NetworkError("The response took longer than the request deadline."), 200],
        [SLEEP, RETURN],
        delays=[1.0],
    ),
    # -- 401 ----------------------------------------------------------------------------------
    Row(
        "401, refreshed, replayed once",
        [401, "refreshed", 200],
        [REFRESH, SEND, RETURN],
        attempts=2,
    ),
    Row(
        "401 twice: the second is the answer",
        [401, "refreshed", 401],
        [REFRESH, SEND, RAISE],
        error=AuthError,
        attempts=2,
    ),
    Row(
        "401 without a refresh is raised",
        [401, "not-refreshed"],
        [REFRESH, RAISE],
        error=AuthError,
        attempts=1,
    ),
    Row(
        "401 on an unauthenticated request never refreshes",
        [401],
        [RAISE],
        refreshable=False,
        error=AuthError,
    ),
    Row(
        "a refresh that breaks is an AuthError",
        [401, "refresh-broke"],
        [REFRESH, RAISE],
        error=AuthError,
        says="refreshing it failed (NetworkError",
    ),
    Row(
        "a replay does not spend the retry budget",
        [500, 401, "refreshed", 500, 500, 500],
        [SLEEP, REFRESH, SEND, SLEEP, SLEEP, RAISE],
        delays=[1.0, 2.0, 4.0],
        attempts=5,
        error=ApiError,
    ),
]


def drive(cycle: RequestCycle, event: Any) -> Action:
    if event == "refreshed":
        return cycle.refreshed(True)
    if event == "not-refreshed":
        return cycle.refreshed(False)
    if event == "refresh-broke":
        return cycle.refresh_failed(NetworkError("Could not reach the token endpoint."))
    if isinstance(event, BaseException):
        return cycle.failed(event)
    status, headers, body = (event, {}, b"") if isinstance(event, int) else (*event, b"")[:3]
    cycle.respond(status)
    return cycle.replied(httpx.Headers(headers), body, secret="tok")


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.name)
def test_cycle(row: Row) -> None:
    cycle = RequestCycle(
        row.policy,
        idempotent=row.idempotent,
        accept_redirect=row.accept_redirect,
        refreshable=row.refreshable,
    )
    actions, delays = [], []
    for event in row.events:
        action = drive(cycle, event)
        actions.append(action)
        if action is SLEEP:
            delays.append(cycle.delay)
    assert actions == row.actions
    assert delays == row.delays
    if row.attempts is not None:
        assert cycle.attempt == row.attempts
    if actions[-1] is RAISE:
        error = cycle.failure
        if row.error is not None:
            assert type(error) is row.error
        if row.retryable is not None:
            assert error.retryable is row.retryable
        if row.says is not None:
            assert row.says in f"{error.message} {error.hint}"
    else:
        assert cycle.error is None


def test_state_after_each_event_is_what_hooks_report() -> None:
    cycle = RequestCycle(POLICY, idempotent=True)
    assert cycle.respond(503) is False
    assert cycle.replied(httpx.Headers({"retry-after": "3", "x-request-id": "r1"}), b"") is SLEEP
    assert (cycle.status, cycle.retry_after, cycle.retries, cycle.attempt) == (503, 3.0, 1, 2)
    assert isinstance(cycle.error, ApiError)
    assert cycle.error.request_id == "r1"
    assert cycle.failed(httpx.ReadError("reset")) is SLEEP
    assert (cycle.status, cycle.retry_after, cycle.retries) == (None, None, 2)
    assert isinstance(cycle.error, NetworkError)
    assert cycle.respond(200) is True
    assert cycle.replied(httpx.Headers(), b"") is RETURN
    assert (cycle.status, cycle.error, cycle.retry_after) == (200, None, None)


def test_an_echoed_secret_is_redacted() -> None:
    cycle = RequestCycle(POLICY, idempotent=True)
    cycle.respond(403)
    assert (
        cycle.replied(httpx.Headers(), b'{"error": "bad token sekret"}', secret="sekret") is RAISE
    )
    assert "sekret" not in cycle.failure.message


def test_the_refresh_error_keeps_the_request_id() -> None:
    cycle = RequestCycle(POLICY, idempotent=True)
    cycle.respond(401)
    assert cycle.replied(httpx.Headers({"x-request-id": "r9"}), b"") is REFRESH
    assert cycle.refresh_failed(AuthError("invalid_grant")) is RAISE
    assert cycle.failure.request_id == "r9"
    assert cycle.failure.http_status == 401


def test_a_storage_error_loses_the_signed_query_and_an_echoed_request_id() -> None:
    signed = "https://storage.example/b/x?sig=0123456789abcdef&expires=1"
    cycle = RequestCycle(
        RetryPolicy(max_retries=0), idempotent=True, refreshable=False, signed_url=signed
    )
    assert not cycle.respond(403)
    body = b'{"error": "denied: /b/x?sig=0123456789abcdef"}'
    action = cycle.replied({"x-request-id": "id 0123456789abcdef"}, body)
    assert action is Action.RAISE
    assert cycle.failure.message == "denied: /b/x?<redacted>"
    assert cycle.failure.request_id == "id <redacted>"


def test_a_failed_read_keeps_no_echoed_secret_in_its_request_id() -> None:
    cycle = RequestCycle(RetryPolicy(max_retries=0), idempotent=True)
    too_large = ApiError("The response body is too large.", request_id="r-TOKEN-1")
    assert cycle.failed(too_large, secret="TOKEN") is Action.RAISE
    assert cycle.failure.request_id == "r-<redacted>-1"
    plain = RequestCycle(RetryPolicy(max_retries=0), idempotent=True)
    plain.failed(ApiError("x", request_id="abc-123"), secret="TOKEN")
    assert plain.failure.request_id == "abc-123"
