"""The sans-I/O request and response values the fake's core speaks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "JSON_CONTENT_TYPE",
    "FakeResponse",
    "Handles",
    "HttpError",
    "RecordedRequest",
    "bad_fields",
    "invalid",
    "json_response",
    "not_found",
]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(slots=True)
class FakeResponse:
    """What the fake answers, before any adapter puts it on a wire.

    Attributes:
        status: The HTTP status.
        headers: Response headers, in order (a list, so repeated names survive).
        body: The raw body.
        delay: Seconds the adapter waits before answering (an injected slow response).
        reset: The adapter drops the connection instead of answering (an injected reset). The
            status and body are then never seen by the client.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    delay: float = 0.0
    reset: bool = False

    def header(self, name: str) -> str | None:
        """The first value of header `name` (any case), or `None`."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def json(self) -> object:
        """The body decoded as JSON."""
        return json.loads(self.body)


def json_response(
    status: int, payload: object, headers: list[tuple[str, str]] | None = None
) -> FakeResponse:
    """A JSON response with the API's content type."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return FakeResponse(status, [("Content-Type", JSON_CONTENT_TYPE), *(headers or [])], body)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request the fake received, for assertions.

    Attributes:
        method: The HTTP method, upper case.
        path: The URL path, e.g. `/999/projects.json`.
        query: The query parameters, in order.
        headers: The request headers with lower-case names. The `authorization` value is
            replaced by `"<redacted>"`, so a test can check that it was sent, never what it was.
        json: The decoded JSON body, or `None` when there was none (or it was not JSON).
        body: The raw body.
        operation_id: The registry operation it matched, or `None` (downloads, unknown paths).
        status: The status answered (the injected one for a fault; 0 for an injected reset
            before handling).
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    json: object
    body: bytes
    operation_id: str | None
    status: int


class HttpError(Exception):
    """Raised by a handler (or the store) to answer with an error status and JSON body."""

    def __init__(self, status: int, payload: object) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


def not_found() -> HttpError:
    """The API's 404."""
    return HttpError(404, {"status": 404, "error": "Not Found"})


def invalid(errors: dict[str, list[str]]) -> HttpError:
    """The API's 422: `{"error": "Field message", "errors": {"field": ["message", ...]}}`."""
    field_name, messages = next(iter(errors.items()))
    message = f"{field_name.replace('_', ' ').capitalize()} {messages[0]}"
    return HttpError(422, {"error": message, "errors": errors})


def bad_fields(errors: dict[str, list[str]]) -> HttpError:
    """A 400 whose body is the bare field map, `{"field": ["message", ...]}`.

    How the webhook endpoints answer a bad subscription, instead of `invalid`'s 422.
    """
    return HttpError(400, errors)


class Handles(Protocol):
    """What the adapters (`FakeTransport`, `FakeServer`) need from a fake: a `FakeBasecamp`.

    Attributes:
        origin: The origin of URLs in inspection results; a `FakeServer` sets its own URL here
            while it serves.
    """

    @property
    def origin(self) -> str:
        """The origin of the URLs in inspection results."""
        ...

    @origin.setter
    def origin(self, value: str) -> None: ...

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> FakeResponse:
        """Answer one HTTP request (sans-I/O)."""
        ...
