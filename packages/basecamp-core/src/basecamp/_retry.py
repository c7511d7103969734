"""The retry policy, in one place: what is retried, how long to wait, `Retry-After` parsing.

The contract:

- `max_retries` counts retries, so at most `max_retries + 1` attempts are made.
- GET and operations marked idempotent retry on 429, 500, 502, 503, 504 and network errors.
- Other mutations never retry: a duplicate write is data damage. When the connection was never
  established the error says the request was not sent, so the caller may safely send it again;
  after a 500, 502 or 504, or a network failure once it was sent, it says the change may or may
  not have been applied.
- 400, 401, 403, 404, 422 and 507 never retry (401 has its own refresh-once rule, applied by
  `RequestCycle`).
- Backoff is `base_delay * 2**(attempt - 1) + random() * max_jitter`, capped.
- On 429 and 503 a usable `Retry-After` (a positive delay) replaces the backoff; one longer
  than the configured cap is not slept on: the error is raised at once with `retry_after` set.

`RetryPolicy` holds the numbers (built once per client from `Config`); `RequestCycle`
(`_cycle.py`) applies it to one request. A new retry rule belongs here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from random import random as _uniform
from typing import NamedTuple, Protocol

__all__ = [
    "MAYBE_APPLIED_STATUSES",
    "RETRYABLE_STATUSES",
    "RetryDecision",
    "RetryPolicy",
    "RetrySettings",
    "backoff_delay",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})
# Server errors after which a write may or may not have been applied.
MAYBE_APPLIED_STATUSES = frozenset({500, 502, 504})
_MAX_RETRY_AFTER_LENGTH = 64
# 2**62 seconds is already astronomically beyond any cap; stop doubling there.
_MAX_EXPONENT = 62


# A NamedTuple, not a dataclass: as cheap to use, and much cheaper to define at import.
class RetryDecision(NamedTuple):
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


class RetrySettings(Protocol):
    """The retry numbers of a `basecamp.Config`, as `RetryPolicy.from_config` reads them.

    A protocol, not `Config` itself, so this module needs nothing from `_config` (which imports
    the errors, which import this module).
    """

    @property
    def max_retries(self) -> int: ...
    @property
    def base_delay(self) -> float: ...
    @property
    def max_jitter(self) -> float: ...
    @property
    def max_backoff(self) -> float: ...
    @property
    def max_retry_after(self) -> float: ...


class RetryPolicy:
    """How failed attempts are retried. Pure: the caller does the sleeping. Immutable.

    A plain slotted class, not a frozen dataclass: generating one costs every
    `from basecamp import Client` about a millisecond.

    Attributes:
        max_retries: Retries allowed after the first attempt.
        base_delay: See `Config.base_delay`.
        max_jitter: See `Config.max_jitter`.
        max_backoff: See `Config.max_backoff`.
        max_retry_after: See `Config.max_retry_after`.
        random: Returns a number in `[0, 1)` for the jitter (injectable for tests).
    """

    __slots__ = (
        "base_delay",
        "max_backoff",
        "max_jitter",
        "max_retries",
        "max_retry_after",
        "random",
    )

    max_retries: int
    base_delay: float
    max_jitter: float
    max_backoff: float
    max_retry_after: float
    random: Callable[[], float]

    def __init__(
        self,
        *,
        max_retries: int = 3,
        base_delay: float = 1.0,
        max_jitter: float = 0.1,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        random: Callable[[], float] = _uniform,
    ) -> None:
        store = object.__setattr__
        store(self, "max_retries", max_retries)
        store(self, "base_delay", base_delay)
        store(self, "max_jitter", max_jitter)
        store(self, "max_backoff", max_backoff)
        store(self, "max_retry_after", max_retry_after)
        store(self, "random", random)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RetryPolicy is immutable: cannot set {name!r}.")

    def _numbers(self) -> tuple[float, ...]:
        return (
            self.max_retries,
            self.base_delay,
            self.max_jitter,
            self.max_backoff,
            self.max_retry_after,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return self._numbers() == other._numbers()  # `random` is not part of the policy

    def __hash__(self) -> int:
        return hash(self._numbers())

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_retries={self.max_retries}, base_delay={self.base_delay}, "
            f"max_jitter={self.max_jitter}, max_backoff={self.max_backoff}, "
            f"max_retry_after={self.max_retry_after})"
        )

    @classmethod
    def from_config(cls, config: RetrySettings) -> RetryPolicy:
        """The policy `config` describes."""
        return cls(
            max_retries=config.max_retries,
            base_delay=config.base_delay,
            max_jitter=config.max_jitter,
            max_backoff=config.max_backoff,
            max_retry_after=config.max_retry_after,
        )

    def decide(
        self,
        *,
        attempt: int,
        idempotent: bool,
        status: int | None = None,
        network_error: bool = False,
        retry_after: float | None = None,
    ) -> RetryDecision:
        """Decide whether a failed attempt is retried, and after how long.

        Args:
            attempt: The 1-based number of the retry this would be (1 after the first attempt).
            idempotent: Whether the operation is safe to repeat (every GET is).
            status: The HTTP status of the failed attempt, if one arrived.
            network_error: The attempt failed without a response.
            retry_after: The parsed `Retry-After` delay, if any; zero or less is no value.
        """
        if attempt > self.max_retries or not idempotent:
            return NO_RETRY
        if not network_error and status not in RETRYABLE_STATUSES:
            return NO_RETRY
        if status in RETRY_AFTER_STATUSES and retry_after is not None and retry_after > 0:
            if retry_after > self.max_retry_after:
                return NO_RETRY
            return RetryDecision(retry=True, delay=retry_after)
        delay = backoff_delay(
            attempt,
            base_delay=self.base_delay,
            max_jitter=self.max_jitter,
            cap=self.max_backoff,
            random_value=self.random(),  # jitter, not security
        )
        return RetryDecision(retry=True, delay=delay)
