"""Client configuration: one frozen, validated value object."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlsplit
from urllib.request import getproxies_environment

from ._errors import UsageError

__all__ = [
    "DEFAULT_BASE_URL",
    "LAUNCHPAD_URL",
    "Config",
    "environment_proxies",
    "is_loopback_host",
]

DEFAULT_BASE_URL = "https://3.basecampapi.com"
LAUNCHPAD_URL = "https://launchpad.37signals.com"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` is a loopback name that may be spoken to over plain http."""
    return (host or "").lower() in LOOPBACK_HOSTS


def environment_proxies() -> bool:
    """Whether `HTTP_PROXY`, `HTTPS_PROXY` or `ALL_PROXY` is set (httpx then routes through it)."""
    proxies = getproxies_environment()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def check_url(label: str, value: object, *, origin_only: bool = False) -> str:
    """Validate an http(s) URL and return it normalised (lower-case scheme and host, no `/` at
    the end).

    Args:
        label: How to name the value in an error, e.g. `Config.base_url`.
        value: The URL.
        origin_only: Refuse a path: the value must be an origin such as
            `https://3.basecampapi.com`.

    Raises:
        UsageError: Not an absolute http(s) URL; plain http off loopback; credentials, a query
            string, a fragment, a bad port, or (with `origin_only`) a path.
    """
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{label} must be a non-empty URL string.")
    if "?" in value or "#" in value:
        raise UsageError(f"{label} must not have a query string or fragment.")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        raise UsageError(f"{label} must not contain spaces or control characters.")
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in ("https", "http") or not host:
        raise UsageError(f"{label} must be an absolute http(s) URL, got {value!r}.")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"{label} has an invalid port, got {value!r}.") from None
    if parts.username or parts.password:
        raise UsageError(f"{label} must not carry credentials in the URL.")
    if scheme != "https" and not is_loopback_host(host):
        raise UsageError(
            f"{label} must use https (plain http is allowed only for localhost, "
            f"127.0.0.1 and ::1), got {value!r}."
        )
    path = parts.path.rstrip("/")
    if origin_only and path:
        raise UsageError(f"{label} must be an origin such as {DEFAULT_BASE_URL}, without a path.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{path}"


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
            small pool is faster than a crowded one. A streamed reply holds its slot until it is
            closed (or garbage-collected). Download storage (hop 2) has slots of its own, as
            many again, so slow storage never blocks calls to the API.
        pool_timeout: Longest wait in seconds for a free slot. Past it the call fails with a
            `NetworkError` that says nothing was sent. `None` waits for as long as it takes.
        max_response_bytes: Largest JSON or error body read, checked while streaming and after
            decompression.
        max_download_bytes: Largest buffered download (`download_url`). Streaming downloads are
            not capped.
        download_deadline: Wall-clock limit in seconds for the body of a streamed download
            (`download_to`, `iter_download`), from its first read to its last. Each read also
            stalls for at most `timeout`. Generous by default (an hour), but never unbounded.
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
    pool_timeout: float | None = 60.0
    max_response_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 512 * 1024 * 1024
    download_deadline: float = 3600.0
    launchpad_url: str = LAUNCHPAD_URL

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "base_url", check_url("Config.base_url", self.base_url, origin_only=True)
        )
        object.__setattr__(
            self,
            "launchpad_url",
            check_url("Config.launchpad_url", self.launchpad_url, origin_only=True),
        )
        _check_number("timeout", self.timeout, positive=True)
        _check_number("request_deadline", self.request_deadline, positive=True)
        _check_number("download_deadline", self.download_deadline, positive=True)
        _check_number("base_delay", self.base_delay, positive=False)
        _check_number("max_jitter", self.max_jitter, positive=False)
        _check_number("max_backoff", self.max_backoff, positive=False)
        _check_number("max_retry_after", self.max_retry_after, positive=False)
        _check_int("max_retries", self.max_retries, 0)
        _check_int("max_pages", self.max_pages, 1)
        _check_int("max_concurrency", self.max_concurrency, 1)
        if self.pool_timeout is not None:
            _check_number("pool_timeout", self.pool_timeout, positive=True)
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
