"""Property-based fuzzing of the pure parsers: each gives a defined result or a typed error
(`BasecampError`, or `WebhookVerificationError` for the receiver), never another exception."""

from __future__ import annotations

import json
import math
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from basecamp import ApiError, BasecampError, UsageError
from basecamp._errors import MAX_MESSAGE_BYTES, error_from_response, signed_url_secrets
from basecamp._pagination import PageWalk, find_next_link, parse_total_count, resolve_next_url
from basecamp._request import encode_query, expand_path, resolve_url
from basecamp._retry import parse_retry_after
from basecamp.webhooks import (
    WebhookReceiver,
    WebhookResult,
    WebhookVerificationError,
    compute_signature,
)

BASE = "https://3.basecampapi.com"
CURRENT = f"{BASE}/999/todolists/1/todos.json"
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text biased towards the characters that matter to each parser.
link_text = st.lists(
    st.sampled_from([*'<>;,="relnxt /:?#[]@%.\\\t\r\n', "https", "next", "é"]), max_size=120
).map("".join)
url_text = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda scheme, host, rest: f"{scheme}{host}{rest}",
        st.sampled_from(["https://", "http://", "//", "", "ftp://", "HTTPS://", "javascript:"]),
        st.sampled_from(
            [
                "3.basecampapi.com",
                "3.basecampapi.com:443",
                "3.basecampapi.com:99999",
                "3.BASECAMPAPI.com",
                "evil.example",
                "3.basecampapi.com@evil.example",
                "[::1",
                "[zz]",
                "[::1]",
                "",
                "3.basecampapi.com.evil.example",
            ]
        ),
        st.text(max_size=40),
    ),
)


# -- Link headers -----------------------------------------------------------------------------


@FUZZ
@given(header=st.one_of(st.none(), link_text, st.text(max_size=300)))
def test_find_next_link_returns_a_substring_or_none(header: str | None) -> None:
    result = find_next_link(header)
    assert result is None or (isinstance(result, str) and result and result in (header or ""))


@FUZZ
@given(link=url_text)
@example(link="https://[::1/x")
@example(link="//[")
@example(link="https://3.basecampapi.com:0/x")
def test_resolve_next_url_stays_on_origin_or_raises_api_error(link: str) -> None:
    try:
        resolved = resolve_next_url(link, current_url=CURRENT, base_url=BASE)
    except ApiError:
        return
    parts = urlsplit(resolved)
    assert parts.scheme == "https"
    assert parts.hostname == "3.basecampapi.com"
    assert parts.port in (None, 443)


@FUZZ
@given(
    link=st.one_of(st.none(), link_text),
    total=st.one_of(st.none(), st.text(max_size=30)),
    pages=st.integers(0, 5),
)
def test_page_walk_advance_is_total(link: str | None, total: str | None, pages: int) -> None:
    walk = PageWalk(first_url=CURRENT, base_url=BASE, max_pages=3)
    for _ in range(pages):
        walk.take(2)
    try:
        next_url = walk.advance(link_header=link, total_count=total, current_url=CURRENT)
    except ApiError:
        return
    assert next_url is None or next_url.startswith(BASE + "/")
    assert walk.total_count is None or walk.total_count >= 0


@FUZZ
@given(value=st.one_of(st.none(), st.text(max_size=40)))
def test_parse_total_count_is_none_or_non_negative(value: str | None) -> None:
    result = parse_total_count(value)
    assert result is None or (isinstance(result, int) and result >= 0)


# -- Retry-After ------------------------------------------------------------------------------

http_dates = st.builds(
    lambda day, month, year, hh, mm, ss, tz: f"{day}, 01 {month} {year} {hh}:{mm}:{ss} {tz}",
    st.sampled_from(["Mon", "Fri", "Xyz", ""]),
    st.sampled_from(["Jan", "Dec", "Foo"]),
    st.integers(-10, 100_000),
    st.integers(-1, 99),
    st.integers(-1, 99),
    st.integers(-1, 99),
    st.sampled_from(["GMT", "+0000", "-9999", "", "UTC", "+2400"]),
)


@FUZZ
@given(
    value=st.one_of(
        st.none(),
        st.text(max_size=80),
        st.integers(-(10**80), 10**80).map(str),
        st.floats(allow_nan=True).map(str),
        http_dates,
    ),
    now=st.one_of(st.none(), st.floats(-1e12, 1e12)),
)
@example(value="9" * 64, now=None)
@example(value="Fri, 31 Dec 9999 23:59:59 GMT", now=None)
@example(value="Mon, 01 Jan 0001 00:00:00 GMT", now=0.0)
def test_parse_retry_after_is_none_or_a_positive_number(
    value: str | None, now: float | None
) -> None:
    result = parse_retry_after(value, now=now)
    assert result is None or (isinstance(result, float) and result >= 0 and not math.isnan(result))


# -- error bodies -----------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=50)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
error_objects = st.fixed_dictionaries(
    {},
    optional={
        "error": json_values,
        "message": json_values,
        "errors": json_values,
    },
)


@FUZZ
@given(
    status=st.integers(100, 999),
    body=st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda v: json.dumps(v).encode()),
        error_objects.map(lambda v: json.dumps(v).encode()),
        st.text(max_size=2000).map(lambda t: json.dumps({"error": t}).encode()),
    ),
    request_id=st.one_of(st.none(), st.text(max_size=20)),
    retry_after=st.one_of(st.none(), st.floats(allow_nan=False)),
    secret=st.text(min_size=0, max_size=10),
)
@example(status=422, body=b'{"error": "\\ud800"}', request_id=None, retry_after=None, secret="")
@example(status=400, body=b"[" * 50_000, request_id=None, retry_after=None, secret="")
def test_error_from_response_gives_a_short_typed_error(
    status: int, body: bytes, request_id: str | None, retry_after: float | None, secret: str
) -> None:
    error = error_from_response(
        status, body, request_id=request_id, retry_after=retry_after, redact=(secret,)
    )
    assert isinstance(error, BasecampError)
    assert error.http_status == status
    assert len(error.message.encode()) <= MAX_MESSAGE_BYTES
    str(error), repr(error)  # both render
    if len(secret) >= 3:
        assert secret not in error.message


@FUZZ
@given(
    status=st.integers(400, 599),
    # Printable ASCII as a URL query carries it unescaped (no separators, escapes or brackets).
    signature=st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="&#%+<>"),
        min_size=8,
        max_size=40,
    ).filter(lambda v: v not in "<redacted>" and "redacted" not in v),
    before=st.text(max_size=200),
    after=st.text(max_size=200),
    shape=st.sampled_from(["error", "message", "field", "field-name", "request-id"]),
)
def test_storage_errors_never_repeat_the_signature(
    status: int, signature: str, before: str, after: str, shape: str
) -> None:
    url = f"https://storage.example/blobs/x?X-Amz-Signature={signature}&expires=1"
    text = f"{before}{signature}{after}"
    body: object = {"error": "refused"}
    request_id = None
    if shape in ("error", "message"):
        body = {shape: text}
    elif shape == "field":
        body = {"errors": {"url": [text]}}
    elif shape == "field-name":
        body = {"errors": {text: ["is invalid"]}}
    else:
        request_id = text
    error = error_from_response(
        status,
        json.dumps(body).encode(),
        request_id=request_id,
        redact=signed_url_secrets(url),
        storage=True,
    )
    assert isinstance(error, BasecampError)
    assert len(error.message.encode()) <= MAX_MESSAGE_BYTES
    shown = [error.message, repr(error), str(error.request_id), repr(getattr(error, "errors", ""))]
    for item in shown:
        assert signature not in item


# -- URL building -----------------------------------------------------------------------------

path_values = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.sampled_from([".", "..", "/", "%", "?", "#", "\r\n", "%2e%2e", "\x00", ""]),
    st.none(),
    st.booleans(),
)


@FUZZ
@given(project_id=path_values, todo_id=path_values)
def test_expand_path_fills_exactly_one_segment_per_value(
    project_id: object, todo_id: object
) -> None:
    template = "/{account_id}/buckets/{project_id}/todos/{todo_id}.json"
    try:
        path = expand_path(
            template, {"account_id": "999", "project_id": project_id, "todo_id": todo_id}
        )
    except UsageError:
        return
    segments = path.split("/")
    assert segments[:3] == ["", "999", "buckets"]
    assert segments[4] == "todos"
    assert len(segments) == 6 and segments[5].endswith(".json")
    for segment in (segments[3], segments[5][: -len(".json")]):
        assert segment not in ("", ".", "..")
        assert all(c.isascii() and c not in "?#/\\ \r\n\x00" for c in segment)


@FUZZ
@given(path=url_text, prefix=st.sampled_from(["", "/999"]))
@example(path="https://[::1/x", prefix="/999")
def test_resolve_url_stays_on_origin_or_raises_usage_error(path: str, prefix: str) -> None:
    try:
        url = resolve_url(path, base_url=BASE, prefix=prefix)
    except UsageError:
        return
    assert url == BASE or url.startswith(BASE + "/")
    assert not any(c in url for c in "\r\n\x00")
    if "://" not in path and not path.startswith("//"):
        assert url.startswith(BASE + prefix)


@FUZZ
@given(
    params=st.one_of(
        st.none(),
        st.dictionaries(
            st.text(max_size=10),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=20),
                st.lists(st.one_of(st.integers(), st.text(max_size=5), st.booleans()), max_size=4),
            ),
            max_size=6,
        ),
    )
)
def test_encode_query_gives_string_pairs(params: dict[str, object] | None) -> None:
    pairs = encode_query(params)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in pairs)
    assert len(pairs) == len([v for v in (params or {}).values() if v is not None])


@given(
    st.one_of(
        st.just(float("nan")),
        st.just(float("inf")),
        st.binary(max_size=5),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.sets(st.integers(), max_size=2),
    )
)
def test_encode_query_refuses_values_with_no_query_form(value: object) -> None:
    with pytest.raises(UsageError):
        encode_query({"q": value})


# -- the webhook receiver ---------------------------------------------------------------------

SECRET = "fuzz-webhook-secret"
RECEIVER = WebhookReceiver(secret=SECRET, dedup_window_size=100)
OPEN_RECEIVER = WebhookReceiver(secret=None, insecure_skip_verification=True)

event_like = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "kind": st.one_of(st.text(max_size=20), json_values),
        "created_at": json_values,
        "recording": json_values,
        "creator": json_values,
        "details": json_values,
    },
).map(lambda d: json.dumps(d).encode())
bodies = st.one_of(
    st.binary(max_size=300), event_like, json_values.map(lambda v: json.dumps(v).encode())
)
header_maps = st.dictionaries(
    st.one_of(
        st.text(max_size=25), st.sampled_from(["X-Basecamp-Signature", "x-basecamp-signature"])
    ),
    st.one_of(st.text(max_size=70), st.binary(max_size=70)),
    max_size=4,
)


@FUZZ
@given(body=bodies, headers=header_maps, sign=st.booleans())
def test_webhook_receiver_verifies_or_raises_a_verification_error(
    body: bytes, headers: dict[str, object], sign: bool
) -> None:
    if sign:
        headers = {**headers, "X-Basecamp-Signature": compute_signature(body, SECRET)}
    for receiver in (RECEIVER, OPEN_RECEIVER):
        try:
            result = receiver.handle_request(body, headers)  # type: ignore[arg-type]
        except WebhookVerificationError:
            continue
        assert isinstance(result, WebhookResult)
        if receiver is RECEIVER:
            assert sign, "an unsigned delivery was accepted"
