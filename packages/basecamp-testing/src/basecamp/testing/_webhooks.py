"""Webhook deliveries: signed payloads POSTed over loopback HTTP, or handed over in-process."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlsplit

__all__ = [
    "SIGNATURE_HEADER",
    "Delivery",
    "DeliveryMode",
    "Deliverer",
    "InProcessReceiver",
    "sign",
]

SIGNATURE_HEADER = "X-Basecamp-Signature"
DeliveryMode = Literal["background", "sync"]
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_TIMEOUT = 5.0


def sign(body: bytes, secret: str) -> str:
    """The lowercase hex HMAC-SHA256 of `body` keyed by the UTF-8 `secret`."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class InProcessReceiver(Protocol):
    """Has `handle_request(raw_body, headers)`, like `basecamp.webhooks.WebhookReceiver`."""

    def handle_request(self, raw_body: bytes, headers: Mapping[str, str], /) -> object:
        """Verify and dispatch one delivery."""
        ...


@dataclass(slots=True)
class Delivery:
    """One webhook delivery the fake made (or tried to).

    Attributes:
        webhook_id: The subscription it was for.
        payload_url: Where it went.
        kind: The event kind, e.g. `todo_completed`.
        event_id: The payload's `id`.
        body: The exact bytes sent (what the signature covers).
        headers: The request headers sent, signature included.
        status: The receiver's HTTP status (200 for an in-process receiver that returned), or
            `None` while pending or when it failed without one.
        error: Why it failed, if it did (refused host, connection error, receiver exception).
        in_process: Whether it went to a registered in-process receiver.
    """

    webhook_id: int
    payload_url: str
    kind: str
    event_id: int
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    error: str | None = None
    in_process: bool = False
    done: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300

    def json(self) -> dict[str, object]:
        """The decoded payload."""
        payload: dict[str, object] = json.loads(self.body)
        return payload


class Deliverer:
    """Sends deliveries, on a worker thread (`background`) or in the caller's thread (`sync`).

    Args:
        mode: `background` (the default of `FakeBasecamp`: the API answers first, the webhook
            follows, as with Basecamp) or `sync` (sent before the triggering request returns).
    """

    def __init__(self, mode: DeliveryMode) -> None:
        if mode not in ("background", "sync"):
            raise ValueError("webhook delivery mode must be 'background' or 'sync'")
        self.mode = mode
        self._receivers: dict[str | None, InProcessReceiver] = {}
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0

    def add_receiver(self, receiver: InProcessReceiver, payload_url: str | None = None) -> None:
        """Route deliveries for `payload_url` (or, with `None`, every unrouted one) in-process."""
        with self._lock:
            self._receivers[payload_url] = receiver

    def remove_receiver(self, payload_url: str | None = None) -> None:
        """Stop routing `payload_url` in-process."""
        with self._lock:
            self._receivers.pop(payload_url, None)

    def submit(self, delivery: Delivery) -> None:
        """Send now (`sync`) or hand to the worker (`background`)."""
        if self.mode == "sync":
            self._send(delivery)
            return
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._run, name="basecamp-fake-webhooks", daemon=True
                )
                self._worker.start()
        with self._idle:
            self._pending += 1
        self._queue.put(delivery)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every submitted delivery is done; `False` on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Stop the worker after the deliveries already queued."""
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            self._queue.put(None)
            worker.join(timeout=_TIMEOUT * 2)

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            if delivery is None:
                return
            try:
                self._send(delivery)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _send(self, delivery: Delivery) -> None:
        try:
            with self._lock:
                receiver = self._receivers.get(delivery.payload_url) or self._receivers.get(None)
            if receiver is not None:
                delivery.in_process = True
                try:
                    receiver.handle_request(delivery.body, dict(delivery.headers))
                    delivery.status = 200
                except Exception as exc:  # a receiver's failure is the test's to inspect
                    delivery.status = 500
                    delivery.error = f"{type(exc).__name__}: {exc}"
                return
            self._post(delivery)
        finally:
            delivery.done.set()

    @staticmethod
    def _post(delivery: Delivery) -> None:
        parts = urlsplit(delivery.payload_url)
        if parts.scheme != "http" or (parts.hostname or "").lower() not in _LOOPBACK:
            # The fake never reaches beyond this machine: a test must not post to the internet.
            delivery.error = "refused: the fake delivers only to http:// loopback URLs"
            return
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=_TIMEOUT
        )
        try:
            connection.request("POST", target, body=delivery.body, headers=delivery.headers)
            response = connection.getresponse()
            response.read()
            delivery.status = response.status
        except OSError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
