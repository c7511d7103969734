"""Client configuration: one frozen, validated value object."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from ._errors import UsageError

__all__ = ["DEFAULT_BASE_URL", "LAUNCHPAD_URL", "Config", "is_loopback_host"]

DEFAULT_BASE_URL = "https://3.basecampapi.com"
LAUNCHPAD_URL = "https://launchpad.37signals.com"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` is a loopback name that may be spoken to over plain http."""
    return (host or "").lower().strip("[]") in LOOPBACK_HOSTS


def _check_url(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"Config.{name} must be a non-empty URL string.")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"Config.{name} must be an absolute http(s) URL, got {value!r}.")
    if parts.username or parts.password:
        raise UsageError(f"Config.{name} must not carry credentials in the URL.")
    if parts.query or parts.fragment:
        raise UsageError(f"Config.{name} must not have a query string or fragment.")
    if parts.scheme != "https" and not is_loopback_host(parts.hostname):
        raise UsageError(
            f"Config.{name} must use https (plain http is allowed only for localhost, "
            f"127.0.0.1 and ::1), got {value!r}."
        )
    return value.rstrip("/")


def _check_int(name: str, value: object, minimum: int) -> None:
    # bool is an int subclass; True as a retry count is almost certainly a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"Config.{name} must be an int, got {type(value).__name__}.")
    if value < minimum:
        raise UsageError(f"Config.{name} must be at least {minimum}, got {value}.")


def _check_number(name: str, value: object, *, positive: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"Config.{name} must be a number of seconds, got {type(value).__name__}.")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        shown = value if isinstance(value, float) else "an int too large for a float"
        raise UsageError(f"Config.{name} must be finite, got {shown}.")
    if positive and value <= 0:
        raise UsageError(f"Config.{name} must be positive, got {value}.")
    if not positive and value < 0:
        raise UsageError(f"Config.{name} must not be negative, got {value}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How a client talks to Basecamp. Validated at construction; immutable afterwards.

    Attributes:
        base_url: The API origin. Must be https, except for localhost, 127.0.0.1 and ::1.
        timeout: Per-phase socket timeout in seconds (connect, read, write, pool).
        request_deadline: Wall-clock limit in seconds for one attempt, body included. It bounds
            servers that trickle bytes slowly enough to dodge the socket timeout.
        max_retries: Retries after the first attempt (total attempts `max_retries + 1`).
        base_delay: First backoff delay in seconds; it doubles on each retry.
        max_jitter: Upper bound of the random seconds added to each backoff.
        max_backoff: Cap on a computed backoff delay, in seconds.
        max_retry_after: Longest `Retry-After` the client sleeps on. A longer one raises
            `RateLimitError` (or `ApiError` for 503) at once, with `retry_after` set.
        max_pages: Most pages a list call follows before stopping with `meta.truncated`.
        max_concurrency: Most requests one client has in flight at once; more wait their turn.
            Basecamp rate-limits each token, so wider parallelism mostly buys 429s, and a
            small pool is faster than a crowded one.
        max_response_bytes: Largest JSON or error body read, checked while streaming and after
            decompression.
        max_download_bytes: Largest buffered download (`download_url`). Streaming downloads are
            not capped.
        launchpad_url: The Launchpad origin used by `client.authorization`.
    """

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    request_deadline: float = 120.0
    max_retries: int = 3
    base_delay: float = 1.0
    max_jitter: float = 0.1
    max_backoff: float = 30.0
    max_retry_after: float = 60.0
    max_pages: int = 10_000
    max_concurrency: int = 8
    max_response_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 512 * 1024 * 1024
    launchpad_url: str = LAUNCHPAD_URL

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", _check_url("base_url", self.base_url))
        object.__setattr__(self, "launchpad_url", _check_url("launchpad_url", self.launchpad_url))
        _check_number("timeout", self.timeout, positive=True)
        _check_number("request_deadline", self.request_deadline, positive=True)
        _check_number("base_delay", self.base_delay, positive=False)
        _check_number("max_jitter", self.max_jitter, positive=False)
        _check_number("max_backoff", self.max_backoff, positive=False)
        _check_number("max_retry_after", self.max_retry_after, positive=False)
        _check_int("max_retries", self.max_retries, 0)
        _check_int("max_pages", self.max_pages, 1)
        _check_int("max_concurrency", self.max_concurrency, 1)
        _check_int("max_response_bytes", self.max_response_bytes, 1024)
        _check_int("max_download_bytes", self.max_download_bytes, 1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Config:
        """Build a config from `BASECAMP_*` environment variables.

        Reads `BASECAMP_BASE_URL` (a trailing `/` is dropped), `BASECAMP_TIMEOUT` (seconds) and
        `BASECAMP_MAX_RETRIES`. Unset or empty variables keep the defaults.

        Args:
            env: The mapping to read instead of `os.environ`.
            **overrides: Field values that win over the environment.

        Raises:
            UsageError: A variable is not a valid value for its field.
        """
        source = os.environ if env is None else env
        values: dict[str, object] = {}
        if base_url := source.get("BASECAMP_BASE_URL", "").strip():
            values["base_url"] = base_url.rstrip("/")
        if timeout := source.get("BASECAMP_TIMEOUT", "").strip():
            try:
                values["timeout"] = float(timeout)
            except ValueError:
                raise UsageError(f"BASECAMP_TIMEOUT must be seconds, got {timeout!r}.") from None
        if retries := source.get("BASECAMP_MAX_RETRIES", "").strip():
            try:
                values["max_retries"] = int(retries)
            except ValueError:
                raise UsageError(
                    f"BASECAMP_MAX_RETRIES must be a whole number, got {retries!r}."
                ) from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise UsageError(f"Unknown Config field(s): {', '.join(unknown)}.")
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
