"""Fault injection: scripted failures, rate limits, resets, slow answers and random chaos.

Every decision is taken under one lock, in request arrival order, so a scripted fault hits
exactly the request it was meant for even when a threaded server handles several at once, and
the random mode replays the same sequence for the same seed and request order.
"""

from __future__ import annotations

import fnmatch
import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["FaultDecision", "FaultRecord", "FaultRule", "FaultStats", "Faults", "ResetWhen"]

ResetWhen = Literal["before", "after"]
"""When an injected reset drops the connection: `before` the request is handled (nothing
changed), or `after` it was handled (the change happened, but the client never hears so)."""


@dataclass(slots=True)
class FaultRule:
    """One scripted fault, consumed by the next `remaining` matching requests.

    Attributes:
        remaining: How many more requests it hits.
        status: The status to answer with, or `None` for a reset or a delay only.
        retry_after: The `Retry-After` value sent with `status`, if any.
        reset: Drop the connection instead of answering.
        when: For a reset, whether the request is handled first (`after`).
        delay: Seconds to wait before answering.
        method: Only requests with this method (any case), if set.
        path: Only requests whose path matches this `fnmatch` glob, if set.
        operation: Only requests routed to this operation id, if set.
    """

    remaining: int
    status: int | None = None
    retry_after: float | None = None
    reset: bool = False
    when: ResetWhen = "before"
    delay: float = 0.0
    method: str | None = None
    path: str | None = None
    operation: str | None = None

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        """Whether this rule applies to the request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is not None and not fnmatch.fnmatchcase(path, self.path):
            return False
        return self.operation is None or self.operation == operation


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What the fake does to one request (the combined effect of the rules that hit it)."""

    status: int | None = None
    retry_after: float | None = None
    reset: bool = False
    when: ResetWhen = "before"
    delay: float = 0.0
    kind: str = ""

    @property
    def short_circuits(self) -> bool:
        """Whether the request is answered (or dropped) without being handled."""
        return self.status is not None or (self.reset and self.when == "before")


NO_FAULT = FaultDecision()


@dataclass(frozen=True, slots=True)
class FaultRecord:
    """One injected fault, for assertions and soak-test accounting.

    Attributes:
        method: The request method.
        path: The request path.
        operation_id: The operation it was routed to, if any.
        kind: `status`, `rate_limit`, `reset` or `delay`.
        status: The injected status, for `status` and `rate_limit`.
        applied: Whether the request changed state anyway (only an `after` reset does).
    """

    method: str
    path: str
    operation_id: str | None
    kind: str
    status: int | None
    applied: bool


@dataclass(slots=True)
class FaultStats:
    """Counts of injected faults.

    Attributes:
        statuses: Error statuses answered before handling (scripted or random).
        rate_limited: 429s from the `rate_limit` window.
        resets_before: Connections dropped before handling: nothing changed.
        resets_after: Connections dropped after handling: the change happened, unacknowledged.
        delays: Slow answers.
    """

    statuses: int = 0
    rate_limited: int = 0
    resets_before: int = 0
    resets_after: int = 0
    delays: int = 0

    @property
    def total(self) -> int:
        """Every injected fault."""
        return (
            self.statuses + self.rate_limited + self.resets_before + self.resets_after + self.delays
        )


@dataclass(slots=True)
class _Random:
    rate: float
    choices: tuple[int | Literal["reset"], ...]
    rng: random.Random
    retry_after: float | None
    method: str | None
    path: str | None


@dataclass(slots=True)
class _Window:
    limit: int
    seconds: float
    started: float
    count: int = 0


@dataclass(slots=True)
class _State:
    rules: list[FaultRule] = field(default_factory=list)
    chaos: _Random | None = None
    window: _Window | None = None


class Faults:
    """The fault-injection controls of a `FakeBasecamp` (`fake.faults`).

    Semantics, the same for the transport and the loopback server:

    - An injected **status** (`fail_next`, `random`, `rate_limit`) is answered *before* the
      request is handled: a failed create never creates anything.
    - An injected **reset** drops the connection. `when="before"` drops it before handling;
      `when="after"` handles the request first (a create *does* create the record) and then
      drops the connection, so the client cannot know the change happened: the SDK's
      "may or may not have been applied" path. The random mode uses `after` resets.
    - A **delay** waits, then answers normally.

    `stats` and `log` count what was injected.

    Args:
        clock: A monotonic clock in seconds, for the rate-limit window (injectable in tests).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state = _State()
        self.stats: FaultStats = FaultStats()
        self.log: list[FaultRecord] = []

    def __repr__(self) -> str:
        return f"Faults(rules={len(self._state.rules)}, injected={self.stats.total})"

    # -- scripting ------------------------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        operation: str | None = None,
    ) -> FaultRule:
        """Answer the next `count` matching requests with `status`, without handling them.

        Args:
            count: How many requests to fail.
            status: The status, e.g. 503, 429, 500.
            retry_after: Seconds for a `Retry-After` header, if any.
            method: Only this method, e.g. `"POST"`.
            path: Only paths matching this glob, e.g. `"*/todos/*"`.
            operation: Only this operation id, e.g. `"CreateTodo"`.

        Returns:
            The rule (its `remaining` counts down as it hits).
        """
        rule = FaultRule(
            _check_count(count),
            status=status,
            retry_after=retry_after,
            method=method,
            path=path,
            operation=operation,
        )
        return self._add(rule)

    def reset_next(
        self,
        count: int = 1,
        *,
        when: ResetWhen = "before",
        method: str | None = None,
        path: str | None = None,
        operation: str | None = None,
    ) -> FaultRule:
        """Drop the connection of the next `count` matching requests.

        Args:
            count: How many requests to drop.
            when: `before` handling (nothing changes) or `after` (the change is applied, the
                answer is lost).
            method: Only this method.
            path: Only paths matching this glob.
            operation: Only this operation id.
        """
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        rule = FaultRule(
            _check_count(count),
            reset=True,
            when=when,
            method=method,
            path=path,
            operation=operation,
        )
        return self._add(rule)

    def delay_next(
        self,
        count: int = 1,
        *,
        seconds: float,
        method: str | None = None,
        path: str | None = None,
        operation: str | None = None,
    ) -> FaultRule:
        """Answer the next `count` matching requests only after `seconds`."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("seconds must be a finite, non-negative number")
        rule = FaultRule(
            _check_count(count), delay=seconds, method=method, path=path, operation=operation
        )
        return self._add(rule)

    def rate_limit(self, requests: int, per: float = 1.0) -> None:
        """Allow `requests` requests per window of `per` seconds; answer 429 beyond that.

        The 429 carries `Retry-After` with the whole seconds left in the window (at least 1).
        Call `clear()` to lift it.
        """
        if requests < 1 or per <= 0:
            raise ValueError("requests must be >= 1 and per > 0")
        with self._lock:
            self._state.window = _Window(requests, per, self._clock())

    def random(
        self,
        rate: float,
        *,
        statuses: Iterable[int] = (503, 429),
        resets: bool = False,
        seed: int = 0,
        retry_after: float | None = 0,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Fail a random `rate` share of the matching requests, reproducibly for a `seed`.

        Each hit picks uniformly among `statuses` (answered before handling, with `Retry-After`
        when `retry_after` is not `None`) and, with `resets=True`, an `after` reset (the request
        is handled, then the connection dropped).

        Args:
            rate: The probability in `[0, 1]` that a request is hit.
            statuses: The statuses to choose from.
            resets: Also inject resets after handling.
            seed: The random seed.
            retry_after: The `Retry-After` seconds sent with a status, or `None` for none.
            method: Only this method.
            path: Only paths matching this glob.
        """
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        choices: tuple[int | Literal["reset"], ...] = tuple(statuses)
        if resets:
            choices = (*choices, "reset")
        if not choices:
            raise ValueError("give at least one status or resets=True")
        rng = random.Random(seed)  # noqa: S311 (reproducible chaos, not security)
        chaos = _Random(rate, choices, rng, retry_after, method, path)
        with self._lock:
            self._state.chaos = chaos

    def clear(self) -> None:
        """Remove every rule, the random mode and the rate limit (counts are kept)."""
        with self._lock:
            self._state = _State()

    @property
    def pending(self) -> int:
        """How many scripted faults are still waiting to hit."""
        with self._lock:
            return sum(rule.remaining for rule in self._state.rules)

    # -- deciding -------------------------------------------------------------------------------

    def _add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._state.rules.append(rule)
        return rule

    def decide(self, method: str, path: str, operation: str | None) -> FaultDecision:
        """Consume and return the fault for one request (`NO_FAULT` when none applies)."""
        with self._lock:
            decision = self._decide(method, path, operation)
            if decision is not NO_FAULT:
                self._count(decision, method, path, operation)
            return decision

    def _decide(self, method: str, path: str, operation: str | None) -> FaultDecision:
        state = self._state
        for rule in state.rules:
            if rule.remaining > 0 and rule.matches(method, path, operation):
                rule.remaining -= 1
                state.rules = [r for r in state.rules if r.remaining > 0]
                if rule.status is not None:
                    return FaultDecision(rule.status, rule.retry_after, kind="status")
                if rule.reset:
                    return FaultDecision(reset=True, when=rule.when, kind="reset")
                return FaultDecision(delay=rule.delay, kind="delay")
        window = state.window
        if window is not None:
            now = self._clock()
            if now - window.started >= window.seconds:
                window.started, window.count = now, 0
            window.count += 1
            if window.count > window.limit:
                left = max(1, math.ceil(window.started + window.seconds - now))
                return FaultDecision(429, float(left), kind="rate_limit")
        chaos = state.chaos
        if chaos is not None:
            scoped = chaos.method is None or chaos.method.upper() == method.upper()
            scoped = scoped and (chaos.path is None or fnmatch.fnmatchcase(path, chaos.path))
            # Draw for every request in scope, hit or not, so the sequence depends only on the
            # seed and the order of requests.
            if scoped and chaos.rng.random() < chaos.rate:
                choice = chaos.rng.choice(chaos.choices)
                if choice == "reset":
                    return FaultDecision(reset=True, when="after", kind="reset")
                return FaultDecision(int(choice), chaos.retry_after, kind="status")
        return NO_FAULT

    def _count(self, decision: FaultDecision, method: str, path: str, op: str | None) -> None:
        stats = self.stats
        applied = False
        if decision.kind == "status":
            stats.statuses += 1
        elif decision.kind == "rate_limit":
            stats.rate_limited += 1
        elif decision.kind == "reset" and decision.when == "after":
            stats.resets_after += 1
            applied = method.upper() != "GET"
        elif decision.kind == "reset":
            stats.resets_before += 1
        else:
            stats.delays += 1
        record = FaultRecord(method.upper(), path, op, decision.kind, decision.status, applied)
        self.log.append(record)


def _check_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("count must be a whole number of at least 1")
    return count
