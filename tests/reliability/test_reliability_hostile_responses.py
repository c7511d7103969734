"""Hostile responses: bad Link headers, bad counts, absurd Retry-After, redirects on JSON calls,
huge error bodies. The client must stay on its origin, finish promptly and raise typed errors."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from reliability_kit import SIGNED_QUERY_MARKER, CountingHooks, run_call

from basecamp import ApiError, Config, NotFoundError, RateLimitError
from basecamp._pagination import find_next_link

BASE = "https://3.basecampapi.com"
PAGE1 = f"{BASE}/999/todolists/1/todos.json"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """An httpx mock transport that records every request it gets."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


def config(**overrides: Any) -> Config:
    values: dict[str, Any] = {"base_delay": 0, "max_jitter": 0, "max_retries": 2}
    values.update(overrides)
    return Config(**values)


def list_todos(account: Any) -> Any:
    return account.todos.list(todolist_id=1)


def pages(first_link: str | None, *, follow: dict[str, str | None] | None = None) -> Handler:
    """Page 1 carries `first_link`; later pages' Link headers come from `follow` by path."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        link = first_link if url == PAGE1 else (follow or {}).get(request.url.path)
        headers = {"Link": link} if link is not None else {}
        return httpx.Response(200, json=[{"id": len(url)}], headers=headers)

    return handler


# -- Link headers -----------------------------------------------------------------------------

MALFORMED = [
    "<",
    ">",
    "garbage",
    ";;;;,,,,",
    '<>; rel="next"',
    '; rel="next"',
    '<   >; rel="next"',
    'rel="next"',
    "<" * 5000,
    '<https://3.basecampapi.com/999/p2; rel="next"',
    '<https://3.basecampapi.com/999/p2>; rel="prev", <https://3.basecampapi.com/999/p3>',
    '<https://3.basecampapi.com/999/p2>; rel=""',
    "<https://3.basecampapi.com/999/p2>; rel=nextx",
]


@pytest.mark.parametrize("link", MALFORMED)
async def test_malformed_link_ends_the_walk_quietly(flavour: str, link: str) -> None:
    recorder = Recorder(pages(link))
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert outcome.error is None, repr(outcome.error)
    assert len(outcome.value) == 1
    assert recorder.urls == [PAGE1]


@pytest.mark.parametrize(
    "link",
    [
        f"<https://evil.example/999/p2?steal={SIGNED_QUERY_MARKER}>; rel=next",
        f"<//evil.example/999/p2?steal={SIGNED_QUERY_MARKER}>; rel=next",
        f"<https://3.basecampapi.com@evil.example/p2?x={SIGNED_QUERY_MARKER}>; rel=next",
        f"<https://3.basecampapi.com:8443/999/p2?x={SIGNED_QUERY_MARKER}>; rel=next",
        f"<https://3.basecampapi.com.evil.example/p2?x={SIGNED_QUERY_MARKER}>; rel=next",
        f"<ftp://3.basecampapi.com/999/p2?x={SIGNED_QUERY_MARKER}>; rel=next",
        f"<javascript:alert({SIGNED_QUERY_MARKER})>; rel=next",
        f"<https://[::1/p2?x={SIGNED_QUERY_MARKER}>; rel=next",  # unparseable IPv6 literal
        f"<https://[zz]/p2?x={SIGNED_QUERY_MARKER}>; rel=next",
    ],
)
async def test_cross_origin_link_is_refused_and_never_fetched(flavour: str, link: str) -> None:
    recorder = Recorder(pages(link))
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert recorder.urls == [PAGE1]  # the token never left the origin
    assert SIGNED_QUERY_MARKER not in str(outcome.error)
    assert SIGNED_QUERY_MARKER not in repr(outcome.error)


async def test_downgrading_link_is_refused(flavour: str) -> None:
    recorder = Recorder(pages('<http://3.basecampapi.com/999/p2>; rel="next"'))
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert "downgrades" in str(outcome.error)
    assert recorder.urls == [PAGE1]


async def test_self_loop_is_fetched_once(flavour: str) -> None:
    recorder = Recorder(pages(f'<{PAGE1}>; rel="next"'))
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert outcome.error is None, repr(outcome.error)
    assert recorder.urls == [PAGE1]


async def test_two_page_cycle_is_fetched_once_each(flavour: str) -> None:
    p2 = f"{BASE}/999/p2"
    handler = pages(f'<{p2}>; rel="next"', follow={"/999/p2": f'<{PAGE1}>; rel="next"'})
    recorder = Recorder(handler)
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert outcome.error is None, repr(outcome.error)
    assert recorder.urls == [PAGE1, p2]


async def test_endless_distinct_pages_stop_at_max_pages(flavour: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("n", "0"))
        link = f'<{BASE}/999/todolists/1/todos.json?n={n + 1}>; rel="next"'
        return httpx.Response(200, json=[{"id": n}], headers={"Link": link})

    recorder = Recorder(handler)
    outcome = await run_call(
        flavour, config(max_pages=25), list_todos, transport=recorder.transport()
    )
    assert outcome.error is None, repr(outcome.error)
    assert len(recorder.requests) == 25
    assert outcome.value.meta.truncated is True


def link_header(entries: int, *, with_next: bool) -> str:
    parts = [f'<{BASE}/999/p{i}>; rel="prev"; title="t{i}"' for i in range(entries)]
    if with_next:
        parts.append(f'<{BASE}/999/p2>; rel="next"')
    return ", ".join(parts)


async def test_ten_thousand_entry_link_header_is_followed(flavour: str) -> None:
    handler = pages(link_header(10_000, with_next=True), follow={"/999/p2": None})
    recorder = Recorder(handler)
    outcome = await run_call(flavour, config(), list_todos, transport=recorder.transport())
    assert outcome.error is None, repr(outcome.error)
    assert recorder.urls == [PAGE1, f"{BASE}/999/p2"]


HOSTILE_SHAPES: dict[str, Callable[[int], str]] = {
    "many-entries": lambda n: link_header(n // 40, with_next=False),
    "open-brackets": lambda n: "<" * n,
    "unclosed-after-open": lambda n: "<a" + ">" * 0 + "<" * n,
    "close-brackets": lambda n: ">" * n,
    "semicolons": lambda n: "<a>" + ";" * n,
    "rel-params": lambda n: "<a>" + "; rel=prev" * (n // 10),
    "alternating": lambda n: "<>" * (n // 2),
    "spaces-in-rel": lambda n: '<a>; rel="' + " x" * (n // 2) + '"',
}


def _best_time(header: str) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        find_next_link(header)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("shape", list(HOSTILE_SHAPES))
def test_link_parsing_scales_linearly(shape: str) -> None:
    small = HOSTILE_SHAPES[shape](40_000)
    large = HOSTILE_SHAPES[shape](400_000)
    ratio = _best_time(large) / max(_best_time(small), 1e-7)
    # 10x the input: linear gives ~10, quadratic ~100. Allow noise, refuse quadratic.
    assert ratio < 30, f"{shape}: 10x input took {ratio:.1f}x the time"


# -- X-Total-Count ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-5", None),
        ("abc", None),
        ("1e3", None),
        ("", None),
        ("0x10", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: isdigit() but not ASCII
        ("9" * 40, None),
        ("NaN", None),
        (" 7 ", 7),
        ("0", 0),
    ],
)
async def test_x_total_count_garbage_is_ignored(
    flavour: str, raw: str, expected: int | None
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = [(b"X-Total-Count", raw.encode())]
        return httpx.Response(200, json=[{"id": 1}], headers=headers)

    outcome = await run_call(flavour, config(), list_todos, transport=httpx.MockTransport(handler))
    assert outcome.error is None, repr(outcome.error)
    assert outcome.value.meta.total_count == expected


# -- Retry-After ------------------------------------------------------------------------------

ABSURD_AND_REFUSED = {
    "huge": "99999999",
    "forty-digits": "9" * 40,
    "year-9999": "Fri, 31 Dec 9999 23:59:59 GMT",
}
ABSURD_AND_IGNORED = {
    "negative": "-5",
    "fraction": "1.5",
    "inf": "inf",
    "nan": "nan",
    "exponent": "1e999",
    "four-hundred-digits": "9" * 400,
    "date-in-the-past": "Thu, 01 Jan 1970 00:00:00 GMT",
    "garbage-date": "Fri, 99 Foo 2020 99:99:99 GMT",
    "empty": "",
    "unicode-digits": "\u0663\u0663",
}


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("case", list(ABSURD_AND_REFUSED))
async def test_retry_after_beyond_the_cap_raises_at_once(
    flavour: str, status: int, case: str
) -> None:
    value = ABSURD_AND_REFUSED[case].encode()
    recorder = Recorder(lambda r: httpx.Response(status, headers=[(b"Retry-After", value)]))
    hooks = CountingHooks()
    outcome = await run_call(
        flavour,
        config(max_retry_after=2),
        lambda a: a.todos.get(todo_id=1),
        transport=recorder.transport(),
        hooks=hooks,
    )
    expected = RateLimitError if status == 429 else ApiError
    assert isinstance(outcome.error, expected), repr(outcome.error)
    assert outcome.error.retry_after is not None
    assert outcome.error.retry_after > 2
    assert len(recorder.requests) == 1
    assert hooks.retries == 0
    assert outcome.elapsed < 1


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("case", list(ABSURD_AND_IGNORED))
async def test_unusable_retry_after_falls_back_to_backoff(
    flavour: str, status: int, case: str
) -> None:
    value = ABSURD_AND_IGNORED[case].encode()
    recorder = Recorder(lambda r: httpx.Response(status, headers=[(b"Retry-After", value)]))
    hooks = CountingHooks()
    outcome = await run_call(
        flavour,
        config(max_retry_after=2, max_backoff=0.01),
        lambda a: a.todos.get(todo_id=1),
        transport=recorder.transport(),
        hooks=hooks,
    )
    assert isinstance(outcome.error, RateLimitError if status == 429 else ApiError)
    assert len(recorder.requests) == 3  # max_retries + 1
    assert all(0 <= d <= 0.01 for d in hooks.retry_delays), hooks.retry_delays
    assert outcome.elapsed < 1


# -- redirects on JSON calls ------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_on_a_json_call_is_an_error_and_not_followed(
    flavour: str, status: int
) -> None:
    target = f"https://evil.example/collect?token={SIGNED_QUERY_MARKER}"
    recorder = Recorder(lambda r: httpx.Response(status, headers={"Location": target}))
    outcome = await run_call(
        flavour, config(), lambda a: a.todos.get(todo_id=1), transport=recorder.transport()
    )
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert outcome.error.http_status == status
    assert recorder.urls == [f"{BASE}/999/todos/1"]
    assert SIGNED_QUERY_MARKER not in str(outcome.error)


# -- huge error bodies ------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"error": "x" * TEN_MB}).encode(),
        json.dumps({"error": "é" * 400_000}).encode(),  # under 1 MB: parsed, then truncated
        b"<html>" + b"A" * TEN_MB,
    ],
    ids=["json-10MB", "json-800KB-message", "html-10MB"],
)
async def test_huge_error_body_gives_a_short_typed_error(flavour: str, body: bytes) -> None:
    recorder = Recorder(lambda r: httpx.Response(404, content=body))
    outcome = await run_call(
        flavour, config(), lambda a: a.todos.get(todo_id=1), transport=recorder.transport()
    )
    assert isinstance(outcome.error, NotFoundError), repr(outcome.error)
    assert len(str(outcome.error).encode()) <= 1100  # message and hint, 500 bytes each
    assert len(outcome.error.message.encode()) <= 500
    assert len(repr(outcome.error)) < 1200


async def test_error_body_over_the_cap_is_refused_while_streaming(flavour: str) -> None:
    recorder = Recorder(lambda r: httpx.Response(500, content=b"x" * TEN_MB))
    outcome = await run_call(
        flavour,
        config(max_response_bytes=1 << 20),
        lambda a: a.todos.get(todo_id=1),
        transport=recorder.transport(),
    )
    assert isinstance(outcome.error, ApiError), repr(outcome.error)
    assert len(str(outcome.error).encode()) <= 500
