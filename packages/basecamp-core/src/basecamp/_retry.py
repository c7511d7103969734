"""Retry policy as pure functions: what to retry, how long to wait, and `Retry-After` parsing.

The contract:

- `max_retries` counts retries, so at most `max_retries + 1` attempts are made.
- GET and operations marked idempotent retry on 429, 500, 502, 503, 504 and network errors.
- Other mutations never retry: a duplicate write is data damage. When the connection was never
  established the error says the request was not sent, so the caller may safely send it again.
- 400, 401, 403, 404, 422 and 507 never retry (401 has its own refresh-once rule).
- Backoff is `base_delay * 2**(attempt - 1) + random() * max_jitter`, capped.
- On 429 and 503 a usable `Retry-After` (a positive delay) replaces the backoff; one longer
  than the configured cap is not slept on: the error is raised at once with `retry_after` set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = [
    "RETRYABLE_STATUSES",
    "RetryDecision",
    "backoff_delay",
    "decide_retry",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
_MAX_RETRY_AFTER_LENGTH = 64
# 2**62 seconds is already astronomically beyond any cap; stop doubling there.
_MAX_EXPONENT = 62


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Whether to send the request again, and after how many seconds."""

    retry: bool
    delay: float = 0.0


NO_RETRY = RetryDecision(retry=False)


def backoff_delay(
    attempt: int,
    *,
    base_delay: float,
    max_jitter: float,
    cap: float,
    random_value: float,
) -> float:
    """The delay before retry number `attempt` (1 for the first retry).

    Computed without overflow for any attempt count.

    Args:
        attempt: The 1-based retry number.
        base_delay: The first delay in seconds.
        max_jitter: The most random seconds to add.
        cap: The longest delay returned.
        random_value: A number in `[0, 1)`, e.g. `random.random()`.
    """
    exponent = min(max(attempt - 1, 0), _MAX_EXPONENT)
    delay = base_delay * float(1 << exponent) + random_value * max_jitter
    return min(cap, delay)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a `Retry-After` header into seconds from `now`.

    Both forms of RFC 9110 are accepted: delta-seconds (`120`) and an HTTP-date. Anything else,
    zero, a negative number, or a date that is not in the future gives `None` (no usable
    value: the normal backoff applies).

    Args:
        value: The raw header value, or `None`.
        now: The current Unix time; defaults to `time.time()`.
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > _MAX_RETRY_AFTER_LENGTH:
        return None
    if text.isascii() and text.isdigit():
        seconds = int(text)
        # "0" asks for an immediate re-send, which is what backoff exists to prevent.
        return float(seconds) if seconds > 0 else None  # at most 64 digits: a finite float
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    try:
        delta = when.timestamp() - current
    except (OverflowError, OSError, ValueError):
        return None
    return delta if delta > 0 else None


def decide_retry(
    *,
    attempt: int,
    max_retries: int,
    idempotent: bool,
    status: int | None = None,
    network_error: bool = False,
    retry_after: float | None = None,
    base_delay: float,
    max_jitter: float,
    max_backoff: float,
    max_retry_after: float,
    random_value: float,
) -> RetryDecision:
    """Decide whether a failed attempt is retried. Pure: the caller does the sleeping.

    Args:
        attempt: The 1-based number of the attempt that just failed.
        max_retries: Retries allowed after the first attempt.
        idempotent: Whether the operation is safe to repeat (every GET is).
        status: The HTTP status of the failed attempt, if one arrived.
        network_error: The attempt failed without a response.
        retry_after: The parsed `Retry-After` delay, if any.
        base_delay: See `Config.base_delay`.
        max_jitter: See `Config.max_jitter`.
        max_backoff: See `Config.max_backoff`.
        max_retry_after: See `Config.max_retry_after`.
        random_value: A number in `[0, 1)` for the jitter.
    """
    if attempt > max_retries:
        return NO_RETRY
    if network_error:
        if not idempotent:
            return NO_RETRY
    elif status is None or status not in RETRYABLE_STATUSES or not idempotent:
        return NO_RETRY
    if status in RETRY_AFTER_STATUSES and retry_after is not None:
        if retry_after > max_retry_after:
            return NO_RETRY
        return RetryDecision(retry=True, delay=max(retry_after, 0.0))
    delay = backoff_delay(
        attempt,
        base_delay=base_delay,
        max_jitter=max_jitter,
        cap=max_backoff,
        random_value=random_value,
    )
    return RetryDecision(retry=True, delay=delay)
