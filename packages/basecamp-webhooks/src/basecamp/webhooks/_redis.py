"""`RedisStore`: deduplication shared by every host (needs `basecamp-webhooks[redis]`)."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Final

from ._dedup import DEFAULT_CLAIM_TTL
from ._errors import WebhookConfigurationError, WebhookStoreError

if TYPE_CHECKING:
    import redis

__all__ = ["DEFAULT_REDIS_TTL", "RedisStore"]

DEFAULT_REDIS_TTL: Final = 3 * 24 * 3600
"""Seconds a processed id is remembered by default: longer than Basecamp's retries go on."""

_DONE: Final = b"done"
# Drop the claim only while it is still this store's own: one that expired and was taken over by
# another worker, or an id already committed, stays.
_RELEASE: Final = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisStore:
    """Deduplication in Redis, shared by every process on every host that uses the same keys.

    A claim is one atomic `SET key token NX EX claim_ttl`: of concurrent deliveries of one id,
    on any host, exactly one is processed. A commit replaces the claim with a marker that
    expires after `ttl` seconds; a release deletes the claim only if it is still this
    store's. If Redis cannot be reached, or answers an error, the call raises
    `WebhookStoreError`: the delivery fails (the adapters answer 500) and Basecamp delivers it
    again, so an id is never processed without a claim.

    Calls are synchronous (one round trip each, on the calling thread, so on the event loop
    in the async path); put Redis close to the receiver.

    Needs the `redis` client package: `pip install "basecamp-webhooks[redis]"`.

    Args:
        url: A Redis URL, e.g. `"redis://localhost:6379/0"`; ignored when `client` is given.
        client: A ready `redis.Redis` client to use instead of `url`.
        prefix: Prepended to every key, so several receivers can share one database.
        ttl: Seconds a processed id is remembered (whole seconds, >= 1).
        claim_ttl: Seconds an in-flight claim lives; longer than your slowest delivery.
        socket_timeout: Seconds to wait for Redis before failing the delivery (with `url`).

    Raises:
        WebhookConfigurationError: If neither or both of `url` and `client` are given, or a
            time to live is not a positive whole number of seconds.
        ImportError: If the `redis` package is not installed (install the `redis` extra).
    """

    prefix: str
    ttl: int
    claim_ttl: int

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        prefix: str = "basecamp-webhooks:",
        ttl: int = DEFAULT_REDIS_TTL,
        claim_ttl: int = int(DEFAULT_CLAIM_TTL),
        socket_timeout: float = 5.0,
    ) -> None:
        if (url is None) == (client is None):
            raise WebhookConfigurationError("pass either url or client")
        for name, value in (("ttl", ttl), ("claim_ttl", claim_ttl)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise WebhookConfigurationError(f"{name} must be a whole number of seconds >= 1")
        if not isinstance(prefix, str):
            raise WebhookConfigurationError("prefix must be a str")
        if client is None:
            try:
                # Imported here: `basecamp.webhooks` itself needs nothing outside the stdlib.
                import redis
            except ImportError as exc:
                raise ImportError(
                    'RedisStore needs the redis package: pip install "basecamp-webhooks[redis]"'
                ) from exc
            assert url is not None
            client = redis.Redis.from_url(
                url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
            )
        self._client = client
        self.prefix = prefix
        self.ttl = ttl
        self.claim_ttl = claim_ttl
        self._token_lock = threading.Lock()
        self._token_pid = 0
        self._token = b""
        self._release = client.register_script(_RELEASE)

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self.prefix!r}, ttl={self.ttl}, claim_ttl={self.claim_ttl})"

    def _claim_token(self) -> bytes:
        # One token per process: two claims of one key never coexist in one store (SET NX), so
        # process and key name a claim. Regenerated after a fork, which copies the object.
        with self._token_lock:
            if self._token_pid != os.getpid():
                self._token_pid = os.getpid()
                self._token = f"claim:{self._token_pid}:{os.urandom(8).hex()}".encode()
            return self._token

    def claim(self, key: str) -> bool:
        """Reserve `key` with `SET NX EX`; `False` if processed or claimed elsewhere."""
        token = self._claim_token()
        try:
            claimed = self._client.set(self.prefix + key, token, nx=True, ex=self.claim_ttl)
        except Exception as exc:  # redis.RedisError, OSError: the delivery must fail, not run
            raise _store_error("claim", exc) from exc
        return bool(claimed)

    def commit(self, key: str) -> None:
        """Remember `key` as processed for `ttl` seconds."""
        try:
            self._client.set(self.prefix + key, _DONE, ex=self.ttl)
        except Exception as exc:
            raise _store_error("commit", exc) from exc

    def release(self, key: str) -> None:
        """Drop this process's claim on `key`, so a redelivery is processed again."""
        try:
            self._release(keys=[self.prefix + key], args=[self._claim_token()])
        except Exception as exc:
            raise _store_error("release", exc) from exc

    def seen(self, key: str) -> bool:
        """Whether `key` is remembered as processed."""
        try:
            value = self._client.get(self.prefix + key)
        except Exception as exc:
            raise _store_error("read", exc) from exc
        return value in (_DONE, "done")  # "done" from a client with decode_responses=True


def _store_error(what: str, exc: Exception) -> WebhookStoreError:
    # The exception type names the failure; its text could carry the URL's password.
    return WebhookStoreError(f"Redis dedup store: {what} failed ({type(exc).__name__})")
