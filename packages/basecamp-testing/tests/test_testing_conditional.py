"""Conditional GETs: the fake serves `ETag` / `Last-Modified` and answers `304` like Basecamp."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import httpx
import pytest

from basecamp.testing import FakeBasecamp, FakeResponse

ORIGIN = "https://api.test"
AUTH = {"Authorization": "Bearer anything", "Content-Type": "application/json"}


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo", webhook_delivery="sync") as fake:
        yield fake


def _call(
    fake: FakeBasecamp, method: str, path: str, body: Any = None, **headers: str
) -> FakeResponse:
    raw = json.dumps(body).encode() if body is not None else b""
    return fake.handle(method, f"{ORIGIN}/{fake.account_id}{path}", {**AUTH, **headers}, raw)


def _since(response: FakeResponse) -> Any:
    value = response.header("last-modified")
    assert value is not None
    return parsedate_to_datetime(value)


def _todo_path(fake: FakeBasecamp) -> str:
    assert fake.seeded is not None
    todo_id = fake.todos(fake.seeded.todolist_id)[0]["id"]
    return f"/todos/{todo_id}"


def test_a_get_carries_validators(fake: FakeBasecamp) -> None:
    first = _call(fake, "GET", _todo_path(fake))
    again = _call(fake, "GET", _todo_path(fake))
    etag = first.header("etag")
    assert first.status == 200
    assert etag is not None and etag.startswith('W/"') and etag.endswith('"')
    assert again.header("etag") == etag  # the same bytes, the same validator
    assert again.header("last-modified") == first.header("last-modified")
    assert first.header("cache-control") == "max-age=0, private, must-revalidate"
    # The newest `updated_at` of what was served, as an HTTP date.
    updated = json.loads(first.body)["updated_at"]
    assert _since(first).isoformat().replace("+00:00", ".000Z") == updated


def test_a_matching_if_none_match_is_304_with_no_body(fake: FakeBasecamp) -> None:
    path = _todo_path(fake)
    etag = _call(fake, "GET", path).header("etag")
    assert etag is not None
    answer = _call(fake, "GET", path, **{"If-None-Match": etag})
    assert answer.status == 304
    assert answer.body == b""
    assert answer.header("content-type") is None
    assert answer.header("content-length") is None
    assert answer.header("etag") == etag
    assert answer.header("x-request-id") is not None
    assert fake.requests[-1].status == 304


@pytest.mark.parametrize(
    "shape",
    ["{tag}", "{bare}", '"other", {tag}', "*", ' W/"other" , {bare} '],
    ids=["weak", "strong-form", "list", "star", "spaced-list"],
)
def test_if_none_match_uses_weak_comparison_and_lists(fake: FakeBasecamp, shape: str) -> None:
    path = _todo_path(fake)
    etag = _call(fake, "GET", path).header("etag")
    assert etag is not None
    value = shape.format(tag=etag, bare=etag.removeprefix("W/"))
    assert _call(fake, "GET", path, **{"If-None-Match": value}).status == 304


def test_a_stale_if_none_match_gets_the_new_body(fake: FakeBasecamp) -> None:
    path = _todo_path(fake)
    before = _call(fake, "GET", path)
    etag = before.header("etag")
    assert etag is not None
    changed = _call(fake, "PUT", path, {"content": "Rewritten"})
    assert changed.status == 200
    after = _call(fake, "GET", path, **{"If-None-Match": etag})
    assert after.status == 200
    assert json.loads(after.body)["content"] == "Rewritten"
    assert after.header("etag") not in (None, etag)
    assert _since(after) > _since(before)
    assert _call(fake, "GET", path, **{"If-None-Match": etag}).status == 200


def test_if_modified_since(fake: FakeBasecamp) -> None:
    path = _todo_path(fake)
    first = _call(fake, "GET", path)
    stamp = first.header("last-modified")
    assert stamp is not None
    assert _call(fake, "GET", path, **{"If-Modified-Since": stamp}).status == 304
    earlier = format_datetime(_since(first).replace(year=2020), usegmt=True)
    assert _call(fake, "GET", path, **{"If-Modified-Since": earlier}).status == 200
    later = format_datetime(_since(first).replace(year=2030), usegmt=True)
    assert _call(fake, "GET", path, **{"If-Modified-Since": later}).status == 304
    assert _call(fake, "GET", path, **{"If-Modified-Since": "not a date"}).status == 200


def test_if_none_match_wins_over_if_modified_since(fake: FakeBasecamp) -> None:
    path = _todo_path(fake)
    stamp = _call(fake, "GET", path).header("last-modified")
    assert stamp is not None
    stale = {"If-None-Match": 'W/"stale"', "If-Modified-Since": stamp}
    assert _call(fake, "GET", path, **stale).status == 200


def test_list_pages_have_their_own_validators_and_304_keeps_paging_headers(
    fake: FakeBasecamp,
) -> None:
    assert fake.seeded is not None
    path = f"/todolists/{fake.seeded.todolist_id}/todos.json"
    one = _call(fake, "GET", path)
    two = _call(fake, "GET", f"{path}?page=2")
    assert one.header("etag") != two.header("etag")
    etag = one.header("etag")
    assert etag is not None
    cached = _call(fake, "GET", path, **{"If-None-Match": etag})
    assert cached.status == 304
    assert cached.header("link") == one.header("link")
    assert cached.header("x-total-count") == "20"


def test_a_list_changes_validators_when_an_item_goes(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    path = f"/todolists/{fake.seeded.small_todolist_id}/todos.json"
    before = _call(fake, "GET", path)
    stamp = before.header("last-modified")
    etag = before.header("etag")
    assert stamp is not None and etag is not None
    newest = max(json.loads(before.body), key=lambda t: t["updated_at"])
    # Trashing the newest to-do leaves only older `updated_at`s in the list: the list's
    # `Last-Modified` must still move on, or `If-Modified-Since` would hide the change.
    assert _call(fake, "PUT", f"/recordings/{newest['id']}/status/trashed.json").status == 204
    after = _call(fake, "GET", path, **{"If-Modified-Since": stamp})
    assert after.status == 200
    assert newest["id"] not in [t["id"] for t in json.loads(after.body)]
    assert _since(after) > _since(before)
    assert _call(fake, "GET", path, **{"If-None-Match": etag}).status == 200


def test_a_new_item_changes_the_page(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    path = f"/todolists/{fake.seeded.small_todolist_id}/todos.json"
    etag = _call(fake, "GET", path).header("etag")
    assert etag is not None
    fake.add_todo(fake.seeded.small_todolist_id, "One more")
    assert _call(fake, "GET", path, **{"If-None-Match": etag}).status == 200


def test_only_successful_gets_carry_validators(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    created = _call(
        fake, "POST", f"/todolists/{fake.seeded.todolist_id}/todos.json", {"content": "x"}
    )
    missing = _call(fake, "GET", "/todos/1", **{"If-None-Match": "*"})
    assert created.status == 201 and created.header("etag") is None
    assert missing.status == 404 and missing.header("etag") is None
    fake.faults.fail_next(status=503)
    assert _call(fake, "GET", _todo_path(fake), **{"If-None-Match": "*"}).status == 503


def test_generated_records_have_stable_validators(fake: FakeBasecamp) -> None:
    # Operations without state answer deterministic records: same bytes, same validator.
    first = _call(fake, "GET", "/files.json")  # GetEverythingFiles: generated records
    assert first.status == 200
    etag = first.header("etag")
    assert etag is not None
    assert _call(fake, "GET", "/files.json", **{"If-None-Match": etag}).status == 304


def test_304_over_loopback_keeps_the_connection_usable(fake: FakeBasecamp) -> None:
    with fake.serve() as url, httpx.Client(base_url=url, headers=AUTH) as client:
        path = f"/{fake.account_id}{_todo_path(fake)}"
        first = client.get(path)
        assert first.status_code == 200
        cached = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert cached.status_code == 304
        assert cached.content == b""
        assert "content-length" not in cached.headers
        again = client.get(path)  # the same keep-alive connection, still in step
        assert again.status_code == 200
        assert again.json() == first.json()
