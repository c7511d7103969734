"""The pure retry policy: `RetryPolicy.decide`, `backoff_delay` and `parse_retry_after`."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from basecamp import Config
from basecamp._retry import RetryDecision, RetryPolicy, backoff_delay, parse_retry_after

NOW = 1_700_000_000.0
POLICY: dict[str, Any] = {
    "max_retries": 3,
    "base_delay": 1.0,
    "max_jitter": 0.1,
    "max_backoff": 30.0,
    "max_retry_after": 60.0,
}


def decide(
    *,
    attempt: int = 1,
    idempotent: bool = True,
    status: int | None = None,
    network_error: bool = False,
    retry_after: float | None = None,
    random_value: float = 0.5,
    **policy: Any,
) -> RetryDecision:
    built = RetryPolicy(**{**POLICY, **policy}, random=lambda: random_value)
    return built.decide(
        attempt=attempt,
        idempotent=idempotent,
        status=status,
        network_error=network_error,
        retry_after=retry_after,
    )


def test_policy_from_config() -> None:
    config = Config(max_retries=5, base_delay=0.5, max_jitter=0, max_backoff=9, max_retry_after=7)
    policy = RetryPolicy.from_config(config)
    assert policy == RetryPolicy(
        max_retries=5, base_delay=0.5, max_jitter=0, max_backoff=9, max_retry_after=7
    )
    assert RetryPolicy.from_config(Config()) == RetryPolicy()


# -- backoff ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "random_value", "expected"),
    [
        (1, 0.0, 1.0),
        (2, 0.0, 2.0),
        (3, 0.0, 4.0),
        (4, 0.5, 8.05),
        (1, 0.999, 1.0999),
        (0, 0.0, 1.0),  # never below the first delay
        (-5, 0.0, 1.0),
    ],
)
def test_backoff_formula(attempt: int, random_value: float, expected: float) -> None:
    delay = backoff_delay(
        attempt, base_delay=1.0, max_jitter=0.1, cap=30.0, random_value=random_value
    )
    assert delay == pytest.approx(expected)


def test_backoff_capped_at_30_seconds() -> None:
    for attempt in (6, 7, 10, 64, 1000):
        delay = backoff_delay(attempt, base_delay=1.0, max_jitter=0.1, cap=30.0, random_value=0.9)
        assert delay == 30.0


@pytest.mark.parametrize("attempt", [63, 64, 1025, 10**6, 10**100])
def test_backoff_no_overflow_for_huge_attempts(attempt: int) -> None:
    delay = backoff_delay(attempt, base_delay=1.0, max_jitter=0.1, cap=30.0, random_value=0.3)
    assert delay == 30.0
    assert math.isfinite(delay)


def test_backoff_zero_base_is_jitter_only() -> None:
    delay = backoff_delay(10, base_delay=0.0, max_jitter=0.2, cap=30.0, random_value=0.5)
    assert delay == pytest.approx(0.1)


# -- Retry-After ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("3600", 3600.0),
    ],
)
def test_retry_after_delta_seconds(value: str, expected: float) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_http_date() -> None:
    when = datetime.fromtimestamp(NOW + 90, tz=UTC)
    header = format_datetime(when, usegmt=True)  # e.g. "Tue, 14 Nov 2023 22:14:50 GMT"
    assert parse_retry_after(header, now=NOW) == pytest.approx(90.0)


def test_retry_after_date_in_the_past_is_unusable() -> None:
    when = datetime.fromtimestamp(NOW - 90, tz=UTC)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=NOW) is None
    now_exactly = datetime.fromtimestamp(NOW, tz=UTC)
    assert parse_retry_after(format_datetime(now_exactly, usegmt=True), now=NOW) is None


def test_retry_after_uses_clock_by_default() -> None:
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT") is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "0",
        "000",
        "-5",
        "1.5",
        "soon",
        "5 seconds",
        "٣",  # a non-ASCII digit
        "9" * 65,
        "Tue, 14 Nov 2023 22:14:50",  # no zone
        "Tue, 99 Nov 2023 22:14:50 GMT",
    ],
)
def test_retry_after_unusable(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_retry_after_huge_delta_is_finite() -> None:
    value = parse_retry_after("9" * 60, now=NOW)
    assert value is not None
    assert value > 1e50


# -- RetryPolicy.decide -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    decision = decide(status=status)
    assert decision.retry
    assert decision.delay == pytest.approx(1.05)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501, 507, 200, 302])
def test_never_retried_statuses(status: int) -> None:
    assert not decide(status=status).retry


@pytest.mark.parametrize("status", [429, 500, 503])
def test_non_idempotent_never_retries_a_status(status: int) -> None:
    assert not decide(status=status, idempotent=False).retry


def test_no_status_and_no_network_error() -> None:
    assert not decide().retry


def test_network_error_retried_when_idempotent() -> None:
    assert decide(network_error=True).retry
    assert not decide(network_error=True, idempotent=False).retry


def test_non_idempotent_is_never_retried_even_on_network_errors() -> None:
    assert not decide(network_error=True, idempotent=False).retry


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (3, 4), (5, 6)])
def test_max_retries_counts_retries(max_retries: int, attempts: int) -> None:
    made = 1
    while decide(status=503, attempt=made, max_retries=max_retries).retry:
        made += 1
    assert made == attempts


def test_backoff_grows_with_attempts() -> None:
    delays = [decide(status=500, attempt=n, random_value=0.0).delay for n in (1, 2, 3)]
    assert delays == [1.0, 2.0, 4.0]


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_replaces_backoff(status: int) -> None:
    decision = decide(status=status, retry_after=7.0, attempt=3)
    assert decision == RetryDecision(retry=True, delay=7.0)


def test_retry_after_not_beyond_max_backoff_cap_rule() -> None:
    # Retry-After between max_backoff and max_retry_after is honoured as sent.
    assert decide(status=429, retry_after=45.0).delay == 45.0


@pytest.mark.parametrize("status", [500, 502, 504])
def test_retry_after_ignored_for_other_statuses(status: int) -> None:
    decision = decide(status=status, retry_after=7.0, random_value=0.0)
    assert decision == RetryDecision(retry=True, delay=1.0)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_above_cap_is_not_slept_on(status: int) -> None:
    assert not decide(status=status, retry_after=61.0).retry
    assert decide(status=status, retry_after=60.0).retry
    assert not decide(status=status, retry_after=math.inf).retry


@pytest.mark.parametrize("retry_after", [0.0, -1.0])
def test_retry_after_zero_or_less_is_no_value(retry_after: float) -> None:
    # No immediate re-send after a 429: the normal backoff applies.
    decision = decide(status=429, retry_after=retry_after, random_value=0.0)
    assert decision == RetryDecision(retry=True, delay=1.0)


def test_exhausted_attempts_beat_retry_after() -> None:
    assert not decide(status=429, retry_after=1.0, attempt=4).retry
