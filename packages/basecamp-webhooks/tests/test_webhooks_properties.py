"""Property: whatever bytes and headers arrive, handle_request raises only verification errors."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basecamp.webhooks import (
    WebhookReceiver,
    WebhookResult,
    WebhookVerificationError,
    compute_signature,
)

SECRET = "property-secret"

header_names = st.one_of(
    st.sampled_from(["X-Basecamp-Signature", "x-basecamp-signature", "Content-Type"]),
    st.text(max_size=30),
)
headers_strategy = st.dictionaries(header_names, st.text(max_size=80), max_size=5)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.integers(), st.text(max_size=5), json_values),
        "kind": st.one_of(st.sampled_from(["todo_created", "x", ""]), json_values),
        "created_at": st.one_of(st.text(max_size=30), json_values),
        "recording": json_values,
        "creator": json_values,
        "details": json_values,
    },
)


def _receiver(**kwargs: object) -> WebhookReceiver:
    receiver = WebhookReceiver(**kwargs)  # type: ignore[arg-type]
    receiver.on("todo_*", lambda e: None).on_any(lambda e: None)
    receiver.use(lambda event, next_fn: next_fn())
    return receiver


def _check(receiver: WebhookReceiver, body: bytes, headers: dict[str, str]) -> None:
    try:
        result = receiver.handle_request(body, headers)
    except WebhookVerificationError:
        return
    assert isinstance(result, WebhookResult)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2048), headers=headers_strategy)
def test_arbitrary_bytes_and_headers(body: bytes, headers: dict[str, str]) -> None:
    _check(_receiver(secret=SECRET), body, headers)


@given(body=st.binary(max_size=2048), headers=headers_strategy)
def test_arbitrary_bytes_with_a_valid_signature(body: bytes, headers: dict[str, str]) -> None:
    # A valid signature gets past verification, so the JSON and shape checks are exercised.
    headers["X-Basecamp-Signature"] = compute_signature(body, SECRET)
    _check(_receiver(secret=SECRET), body, headers)


@given(payload=st.one_of(event_like, json_values), headers=headers_strategy)
def test_arbitrary_json_with_a_valid_signature(payload: object, headers: dict[str, str]) -> None:
    body = json.dumps(payload).encode()
    headers["x-basecamp-signature"] = compute_signature(body, SECRET)
    _check(_receiver(secret=SECRET), body, headers)


@given(body=st.binary(max_size=2048) | event_like.map(lambda p: json.dumps(p).encode()))
def test_arbitrary_bodies_without_verification(body: bytes) -> None:
    _check(_receiver(secret=None, insecure_skip_verification=True), body, {})
