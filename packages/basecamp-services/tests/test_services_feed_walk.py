"""The sans-I/O feed walk: entry, filters, page parsing and error decisions, without HTTP."""

from __future__ import annotations

import pytest

from basecamp import ApiError, NetworkError, RateLimitError, UsageError
from basecamp._errors import error_from_response
from basecamp.services._feed._walk import (
    EVENTS,
    INBOX,
    Checkpoint,
    FeedGap,
    FeedWalk,
    event_filters,
    filter_identity,
    inbox_filters,
    jittered,
    parse_since,
)

BASE = "https://3.basecampapi.com"


def walk(**kwargs: object) -> FeedWalk:
    return FeedWalk(EVENTS, BASE, "/999", {}, **kwargs)  # type: ignore[arg-type]


def page(ids: list[int], position: str, next_url: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"events": [{"id": i} for i in ids], "position": position}
    if next_url:
        body["next"] = next_url
    return body


@pytest.mark.parametrize(
    ("since", "wire"), [(None, None), (0, "0"), ("0", "0"), (12, "12"), ("now", "now")]
)
def test_parse_since(since: object, wire: str | None) -> None:
    assert parse_since(since) == wire


def test_filters_are_canonical_and_the_identity_follows_them() -> None:
    a = event_filters(types=["b.x", "a.y"], performers=["self", 3, 20])
    assert a == {"types": "a.y,b.x", "performers": "3,20,self"}
    b = event_filters(performers=[20, "self", 3, 3], types=["a.y", "b.x"])
    assert filter_identity(EVENTS, "1", a) == filter_identity(EVENTS, "1", b)
    assert filter_identity(EVENTS, "1", a) != filter_identity(INBOX, "1", a)
    assert inbox_filters(reasons=["mention"]) == {"reasons": "mention"}
    with pytest.raises(UsageError):
        event_filters(buckets=list(range(1, 102)))
    assert len(event_filters(buckets=list(range(1, 101)))["buckets"].split(",")) == 100


def test_jitter_stays_within_its_fraction() -> None:
    assert jittered(10.0, 0.1, 0.0) == pytest.approx(9.0)
    assert jittered(10.0, 0.1, 0.5) == pytest.approx(10.0)
    assert jittered(10.0, 0.1, 0.999999) == pytest.approx(11.0, abs=1e-4)
    assert jittered(10.0, 0.0, 0.3) == 10.0


def test_entry_order_checkpoint_then_position_then_since() -> None:
    assert walk().request().params == {}
    assert walk(since="0").request().params == {"since": "0"}
    assert walk(since="0", position="p").request().params == {"position": "p"}
    w = walk(since="0", position="p", checkpoint=Checkpoint("stored", 5))
    assert w.request().params == {"position": "stored"}
    assert w.last_id == 5


def test_next_is_followed_only_on_the_origin_and_the_account() -> None:
    w = walk(since="0")
    w.on_page(page([1], "p1", f"{BASE}/999/events.json?position=p1"))
    assert w.request().url == f"{BASE}/999/events.json?position=p1"
    for foreign in (
        "https://evil.example/999/events.json?position=p1",
        "http://3.basecampapi.com/999/events.json?position=p1",
        f"{BASE}/1000/events.json?position=p1",
    ):
        w.commit()
        w.on_page(page([], "p1", foreign))
        assert w.request() == w.request()
        assert w.request().url is None
        assert w.request().params == {"position": "p1"}


def test_commit_returns_a_checkpoint_only_when_it_moved() -> None:
    w = walk(checkpoint=Checkpoint("p3", 3))
    w.on_page(page([], "p3"))
    assert w.commit() is None  # an idle poll: nothing to write
    w.on_page(page([4, 5], "p5"))
    assert w.commit() == Checkpoint("p5", 5)
    w.on_page(page([], "p6"))
    assert w.commit() == Checkpoint("p6", 5)  # the position moved; the last id stays


def test_malformed_pages_are_api_errors() -> None:
    for body in ({}, {"events": [], "position": ""}, {"events": [{"x": 1}], "position": "p"}, []):
        with pytest.raises(ApiError):
            walk().on_page(body)


def decide(w: FeedWalk, status: int, body: bytes = b"{}", **kw: object) -> object:
    return w.on_error(
        error_from_response(status, body),
        max_failures=kw.get("max_failures", 3),  # type: ignore[arg-type]
        poll=2.0,
        random_value=0.5,
    )


def test_transient_failures_back_off_up_to_the_cap_then_raise() -> None:
    w = walk(since="0")
    w.backoff_cap = 5.0
    delays = [decide(w, 503).delay for _ in range(3)]  # type: ignore[attr-defined]
    assert delays == [2.0, 4.0, 5.0]
    assert decide(w, 503).action == "raise"  # type: ignore[attr-defined]
    w.on_page(page([], "p"))  # a good page resets the count
    assert decide(w, 503).action == "retry"  # type: ignore[attr-defined]


def test_retry_after_wins_over_the_backoff() -> None:
    w = walk(since="0")
    error = RateLimitError(retry_after=7.0, http_status=429)
    decision = w.on_error(error, max_failures=None, poll=2.0, random_value=0.5)
    assert (decision.action, decision.delay) == ("retry", 7.0)
    network = w.on_error(NetworkError("x"), max_failures=None, poll=2.0, random_value=0.5)
    assert network.action == "retry"


def test_410_moves_to_resume_or_to_the_oldest_kept() -> None:
    w = walk(checkpoint=Checkpoint("old", 4))
    decision = decide(w, 410, b'{"error":"gone","resume":"r1","epoch_after_id":9}')
    assert decision.gap == FeedGap(4, 9)  # type: ignore[attr-defined]
    assert w.request().params == {"position": "r1"}
    w2 = walk(position="old")
    assert decide(w2, 410, b'{"error":"gone"}').action == "reenter"  # type: ignore[attr-defined]
    assert w2.request().params == {"since": "0"}


def test_400_about_a_filter_is_not_recovered() -> None:
    w = walk(checkpoint=Checkpoint("p", 4))
    assert decide(w, 400, b'{"error":"bad","reason":"types"}').action == "raise"  # type: ignore[attr-defined]
    assert decide(w, 400, b'{"error":"bad","reason":"position"}').action == "reenter"  # type: ignore[attr-defined]
    assert w.request().params == {"since": "4"}
    # A 400 with no position sent is about the request itself.
    assert decide(w, 400, b'{"error":"bad"}').action == "raise"  # type: ignore[attr-defined]
