"""Shared fixtures for the basecamp-webhooks tests (stdlib + pytest + hypothesis only)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from basecamp.webhooks import WebhookReceiver, compute_signature

SECRET = "whsec-test-\u00e9"  # non-ASCII on purpose: the key is the UTF-8 encoding

BodyFactory = Callable[..., bytes]
HeaderFactory = Callable[[bytes], dict[str, str]]


def _payload(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "id": 9007199254740993,
        "kind": "todo_created",
        "created_at": "2026-01-01T00:00:00.000Z",
        "recording": {"id": 1, "type": "Todo", "bucket": {"id": 7, "type": "Project"}},
        "creator": {"id": 2, "name": "Ann"},
        "details": {},
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not ...}


@pytest.fixture
def secret() -> str:
    return SECRET


@pytest.fixture
def make_body() -> BodyFactory:
    """`make_body(id=..., kind=...)`: a JSON body; pass `...` as a value to drop that key."""

    def make(**overrides: object) -> bytes:
        return json.dumps(_payload(**overrides)).encode()

    return make


@pytest.fixture
def sign() -> HeaderFactory:
    """`sign(body)`: headers carrying a valid signature for `body`."""

    def headers(body: bytes) -> dict[str, str]:
        return {"X-Basecamp-Signature": compute_signature(body, SECRET)}

    return headers


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver(secret=SECRET)
