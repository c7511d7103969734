"""One request's life, sans I/O: attempts, the 401 refresh-once rule, retries and the final error.

`RequestCycle` is a small state machine. The I/O shell (`AsyncClient._send` and its generated
sync twin) tells it what happened and does what it answers:

| event the shell reports                  | actions it may answer                   |
|------------------------------------------|-----------------------------------------|
| `respond(status)`: headers arrived       | `True` when this status is the answer   |
| `replied(headers, body, secret=...)`     | `RETURN`, `REFRESH`, `SLEEP`, `RAISE`   |
| `failed(exc)`: no usable response        | `SLEEP`, `RAISE`                        |
| `refreshed(replaced)`: the refresh ended | `SEND`, `SLEEP`, `RAISE`                |
| `refresh_failed(exc)`                    | `RAISE`                                 |
| `not_modified_unserved()`: a 304 the     | `SEND`                                  |
| cache had no entry for                   |                                         |

After `SLEEP` the shell sleeps `delay` seconds and sends again; after `SEND` it sends at once;
after `RAISE` it raises `failure`. `attempt`, `status`, `error` and `retry_after` describe the
attempt that just ended (what the hooks report). The numbers come from a `RetryPolicy` built once
per client; the rules of what is retried live in `_retry.py`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import httpx

from ._errors import (
    AuthError,
    BasecampError,
    NetworkError,
    clean_request_id,
    error_from_response,
    signed_url_secrets,
)
from ._retry import MAYBE_APPLIED_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["Action", "RequestCycle", "network_error", "no_free_slot"]

# Failures before the request left: it was not sent, so sending it again is always safe.
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_APPLIED_HINT = "The change may or may not have been applied; check first."


class Action(enum.Enum):
    """What the shell does next."""

    SEND = "send"  # send the request again now (a replaced token)
    SLEEP = "sleep"  # sleep `RequestCycle.delay` seconds, then send again
    REFRESH = "refresh"  # replace the rejected token, then report `refreshed`/`refresh_failed`
    RETURN = "return"  # the reply is the answer
    RAISE = "raise"  # raise `RequestCycle.failure`


def network_error(exc: BaseException, *, idempotent: bool) -> NetworkError:
    """The `NetworkError` for a transport failure, saying whether the request may have landed.

    Args:
        exc: What the transport raised (an `httpx.HTTPError` or `TimeoutError`).
        idempotent: Whether the request is safe to repeat.
    """
    kind = type(exc).__name__
    if isinstance(exc, _CONNECT_ERRORS):
        return NetworkError(f"Could not connect to the server ({kind}); the request was not sent.")
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        message = f"The request timed out ({kind})."
    else:
        message = f"The request failed on the network ({kind})."
    if idempotent:
        return NetworkError(message)
    return NetworkError(
        message + " It may or may not have been applied; it was not retried.",
        hint="Check whether the change happened before sending it again.",
        retryable=False,
    )


def no_free_slot(timeout: float, limit: int) -> NetworkError:
    """The error for a request that waited `timeout` seconds for one of `limit` slots."""
    return NetworkError(
        f"No request slot became free within Config.pool_timeout ({timeout:g} s): "
        f"{limit} requests were already in flight; the request was not sent.",
        hint="An open stream (iter_download, download_to) holds its slot until it is closed.",
    )


class RequestCycle:
    """The state of one logical request across its attempts. Pure: no I/O, no clock.

    Args:
        policy: The client's retry policy.
        idempotent: Whether the operation is safe to repeat (every GET is).
        accept_redirect: A 3xx is the answer too (hop 1 of a download), not an error.
        refreshable: A 401 may be answered by refreshing the token once (authenticated
            requests; whether the provider can refresh is the refresh step's business).
        signed_url: The URL of a download storage request (hop 2): an error built from its
            response loses the URL's query and anything signature-like.
        accept_not_modified: A `304` is the answer too (a cached GET: the shell serves it
            from the cache), not an error.

    Attributes:
        attempt: The 1-based number of the current attempt.
        retries: Retries made so far.
        status: The status of the attempt that just ended, `None` when no response arrived.
        error: The error that attempt produced, or `None`.
        retry_after: The usable `Retry-After` of that attempt's response, if any.
        delay: Seconds to sleep after `SLEEP`.
    """

    __slots__ = (
        "_accept_redirect",
        "_answered",
        "_idempotent",
        "_policy",
        "_refreshable",
        "_signed_url",
        "accept_not_modified",
        "attempt",
        "delay",
        "error",
        "retries",
        "retry_after",
        "status",
    )

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        idempotent: bool,
        accept_redirect: bool = False,
        refreshable: bool = True,
        signed_url: str | None = None,
        accept_not_modified: bool = False,
    ) -> None:
        self._policy = policy
        self._signed_url = signed_url
        self.accept_not_modified = accept_not_modified
        self._idempotent = idempotent
        self._accept_redirect = accept_redirect
        self._refreshable = refreshable
        self._answered = False
        self.attempt = 1
        self.retries = 0
        self.status: int | None = None
        self.error: BasecampError | None = None
        self.retry_after: float | None = None
        self.delay = 0.0

    def respond(self, status: int) -> bool:
        """Response headers arrived with `status`: whether it is the answer (a 2xx, or a 3xx
        when redirects are accepted) rather than an error to map."""
        self.status = status
        answered = (
            200 <= status < 300
            or (self._accept_redirect and 300 <= status < 400)
            or (status == 304 and self.accept_not_modified)
        )
        self._answered = answered
        return answered

    def replied(
        self, headers: Mapping[str, str], body: bytes, *, secret: str | None = None
    ) -> Action:
        """The body of the response announced by `respond` was read (capped).

        Args:
            headers: The response headers.
            body: The body (empty for a streamed answer).
            secret: The credential the request carried: an error echoing it is redacted.
        """
        status = self.status
        assert status is not None, "respond() first"
        if self._answered:
            self.error = None
            self.retry_after = None
            return Action.RETURN
        self.retry_after = retry_after = parse_retry_after(headers.get("retry-after"))
        error = error_from_response(
            status,
            body,
            request_id=headers.get("x-request-id"),
            retry_after=retry_after,
            redact=self._secrets(secret),
            storage=self._signed_url is not None,
        )
        if not self._idempotent and status in MAYBE_APPLIED_STATUSES:
            # The server may have done the work before failing: sending it again could
            # duplicate it, so this error is not one to retry blindly.
            error.retryable = False
            error.hint = _MAYBE_APPLIED_HINT
        self.error = error
        if status == 401 and self._refreshable:
            self._refreshable = False  # once per request: a second 401 is the answer
            return Action.REFRESH
        return self._retry_or_raise()

    def failed(self, exc: BaseException, *, secret: str | None = None) -> Action:
        """The attempt ended without a usable response.

        Args:
            exc: A `BasecampError` raised while reading (a body over its cap, the deadline),
                or what the transport raised (`httpx.HTTPError`, `TimeoutError`).
            secret: The credential the request carried: a request id echoing it is redacted.
        """
        self.status = None
        self.retry_after = None
        if isinstance(exc, BasecampError):
            if exc.request_id is not None:  # the only server text such an error carries
                exc.request_id = clean_request_id(
                    exc.request_id, self._secrets(secret), storage=self._signed_url is not None
                )
            self.error = exc
        else:
            self.error = network_error(exc, idempotent=self._idempotent)
        return self._retry_or_raise()

    def refreshed(self, replaced: bool) -> Action:
        """The refresh after a 401 ended; `replaced` says whether a new token is in place."""
        if replaced:
            self.attempt += 1  # a replay, not a retry: the retry budget is untouched
            return Action.SEND
        return self._retry_or_raise()

    def not_modified_unserved(self) -> Action:
        """A `304` came back but the cache holds no entry to serve (the request carried no
        validators): send once more at once, where a `304` is an error like any other status."""
        self.accept_not_modified = False
        self.attempt += 1  # a replay, not a retry: the retry budget is untouched
        return Action.SEND

    def refresh_failed(self, exc: BasecampError) -> Action:
        """Refreshing after a 401 raised `exc`."""
        rejected = self.error
        # The caller asked for a resource, not a token: report what went wrong with the
        # credentials, as the contract says, whatever broke the refresh.
        self.error = AuthError(
            f"The access token was rejected and refreshing it failed "
            f"({type(exc).__name__}: {exc.message})",
            http_status=401,
            request_id=rejected.request_id if rejected is not None else None,
        )
        return Action.RAISE

    def _secrets(self, secret: str | None) -> tuple[str, ...]:
        """What an error must not repeat: the signed URL's query values (storage), or the
        request's credential. Only computed on the way to an error."""
        if self._signed_url is not None:
            return signed_url_secrets(self._signed_url)
        return (secret,) if secret else ()

    @property
    def failure(self) -> BasecampError:
        """The error to raise after `RAISE`."""
        assert self.error is not None, "no attempt has failed"
        return self.error

    def _retry_or_raise(self) -> Action:
        decision = self._policy.decide(
            attempt=self.retries + 1,
            idempotent=self._idempotent,
            status=self.status,
            network_error=self.status is None and isinstance(self.error, NetworkError),
            retry_after=self.retry_after,
        )
        if not decision.retry:
            return Action.RAISE
        self.retries += 1
        self.attempt += 1
        self.delay = decision.delay
        return Action.SLEEP
