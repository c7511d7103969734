"""HTTP caching, sans I/O: keys, validators, what is stored, 304 merging and the memory store."""

from __future__ import annotations

import threading

import pytest
from core_testkit import TOKEN

from basecamp import CacheEntry, CacheStore, MemoryCache, UsageError
from basecamp._cache import (
    ENTRY_OVERHEAD,
    HEADER_OVERHEAD,
    cache_key,
    conditional_headers,
    credential_identity,
    entry_from_response,
    revalidated,
)
from basecamp._config import Config
from basecamp._cycle import Action, RequestCycle
from basecamp._retry import RetryPolicy

URL = "https://3.basecampapi.com/999/projects.json?page=2"


def _entry(body: bytes = b"[]", **headers: str) -> CacheEntry:
    pairs = [("ETag", 'W/"v1"'), *headers.items()]
    entry = entry_from_response(200, pairs, body)
    assert entry is not None
    return entry


# -- identity and keys -----------------------------------------------------------------------


def test_identity_is_a_hash_of_the_token_never_the_token() -> None:
    identity = credential_identity(TOKEN)
    assert identity == credential_identity(TOKEN)
    assert identity != credential_identity(TOKEN + "x")  # a refreshed token is a new identity
    assert TOKEN not in identity and len(identity) == 64
    key = cache_key(identity, URL)
    assert TOKEN not in key and key.endswith(URL)
    assert cache_key(identity, URL) != cache_key(identity, URL.replace("page=2", "page=3"))


def test_identity_from_headers_ignores_order_and_name_case() -> None:
    one = credential_identity([("X-Key", "a"), ("Accept", "json")])
    assert one == credential_identity([("accept", "json"), ("x-key", "a")])
    assert one != credential_identity([("accept", "json"), ("x-key", "b")])
    assert one != credential_identity("a")


# -- what is stored --------------------------------------------------------------------------


def test_a_200_with_a_validator_is_stored_without_wire_headers() -> None:
    headers = [
        ("ETag", 'W/"abc"'),
        ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", "12"),
        ("Link", '<https://x/2>; rel="next"'),
    ]
    entry = entry_from_response(200, headers, b"[1]")
    assert entry is not None
    assert entry.etag == 'W/"abc"' and entry.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    names = [name for name, _ in entry.headers]
    assert names == ["etag", "last-modified", "content-type", "link"]  # the body is decoded
    assert entry.body == b"[1]"
    chars = sum(len(n) + len(v) for n, v in entry.headers)
    assert entry.size == len(b"[1]") + chars + 4 * HEADER_OVERHEAD + ENTRY_OVERHEAD


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (200, [("Content-Type", "application/json")]),  # no validator: nothing to revalidate
        (201, [("ETag", '"1"')]),
        (206, [("ETag", '"1"')]),
        (200, [("ETag", '"1"'), ("Cache-Control", "no-store")]),
        (200, [("ETag", '"1"'), ("Cache-Control", "private, No-Store")]),
        (200, [("ETag", '"1"'), ("Cache-Control", "private"), ("Cache-Control", "no-store")]),
        (200, [("ETag", '"1"'), ("Vary", "*")]),
    ],
)
def test_what_is_not_stored(status: int, headers: list[tuple[str, str]]) -> None:
    assert entry_from_response(status, headers, b"{}") is None


def test_last_modified_alone_is_a_validator() -> None:
    entry = entry_from_response(200, [("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")], b"{}")
    assert entry is not None and entry.etag is None
    headers: dict[str, str] = {}
    conditional_headers(entry, headers)
    assert headers == {"If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT"}


def test_a_repeat_carries_both_validators() -> None:
    entry = _entry(**{"Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"})
    headers: dict[str, str] = {"Accept": "application/json"}
    conditional_headers(entry, headers)
    assert headers == {
        "Accept": "application/json",
        "If-None-Match": 'W/"v1"',
        "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT",
    }


# -- 304 ---------------------------------------------------------------------------------------


def test_a_304_updates_headers_and_keeps_the_body_and_its_description() -> None:
    entry = _entry(
        b"[1,2]",
        **{"Content-Type": "application/json", "Link": "<next>", "X-Total-Count": "40"},
    )
    served, keep = revalidated(
        entry,
        [
            ("X-Request-Id", "r2"),
            ("X-Total-Count", "41"),
            ("Content-Length", "0"),
            ("Content-Type", "text/html"),
        ],
    )
    assert keep
    assert served.body == b"[1,2]"
    headers = dict(served.headers)
    assert headers["x-request-id"] == "r2" and headers["x-total-count"] == "41"
    assert headers["link"] == "<next>"  # not repeated on the 304: the stored one stays
    assert headers["content-type"] == "application/json"  # describes the stored body
    assert "content-length" not in headers
    assert served.etag == 'W/"v1"'


def test_a_304_with_a_new_validator_replaces_it() -> None:
    served, keep = revalidated(_entry(), [("ETag", 'W/"v2"')])
    assert keep and served.etag == 'W/"v2"'


def test_a_304_that_says_no_store_is_served_but_not_kept() -> None:
    served, keep = revalidated(_entry(b"[3]"), [("Cache-Control", "no-store")])
    assert not keep and served.body == b"[3]"


def test_a_bare_304_serves_the_entry_as_stored() -> None:
    entry = _entry()
    assert revalidated(entry, []) == (entry, True)


# -- the cycle accepts a 304 only for a cached GET --------------------------------------------


def test_the_cycle_answers_a_304_only_when_told_to() -> None:
    policy = RetryPolicy.from_config(Config(base_delay=0, max_jitter=0))
    plain = RequestCycle(policy, idempotent=True)
    assert plain.respond(304) is False
    cached = RequestCycle(policy, idempotent=True, accept_not_modified=True)
    assert cached.respond(304) is True
    assert cached.replied({}, b"") is Action.RETURN
    # A 304 the cache could not serve: once more at once, where a 304 is an error again.
    assert cached.not_modified_unserved() is Action.SEND
    assert cached.attempt == 2 and cached.retries == 0
    assert cached.respond(304) is False
    assert cached.replied({}, b"") is Action.RAISE
    assert cached.failure.http_status == 304


# -- the memory store -------------------------------------------------------------------------


def test_memory_cache_is_a_cache_store_and_validates_its_bounds() -> None:
    assert isinstance(MemoryCache(), CacheStore)
    for bad in (0, -1, True, 1.5):
        with pytest.raises(UsageError):
            MemoryCache(max_entries=bad)  # type: ignore[arg-type]
        with pytest.raises(UsageError):
            MemoryCache(max_bytes=bad)  # type: ignore[arg-type]


def test_memory_cache_evicts_the_least_recently_used_past_max_entries() -> None:
    store = MemoryCache(max_entries=2)
    store.set("a", _entry(b"a"))
    store.set("b", _entry(b"b"))
    assert store.get("a") is not None  # now b is the least recently used
    store.set("c", _entry(b"c"))
    assert store.get("b") is None
    assert [k for k in ("a", "b", "c") if k in store] == ["a", "c"]
    assert len(store) == 2


def test_memory_cache_holds_its_byte_bound() -> None:
    one = _entry(b"x" * 1000)
    per_entry = one.size + 1  # a one-letter key
    store = MemoryCache(max_bytes=3 * per_entry)
    for key in "abcdef":
        store.set(key, _entry(b"x" * 1000))
        assert store.size <= store.max_bytes
    assert len(store) == 3 and all(k in store for k in "def")
    assert store.size == 3 * per_entry
    # One entry larger than the whole bound is not stored, and what it replaced is gone.
    store.set("d", _entry(b"x" * (4 * per_entry)))
    assert "d" not in store and store.size == 2 * per_entry
    store.delete("e")
    store.delete("missing")
    assert store.size == per_entry
    store.clear()
    assert len(store) == 0 and store.size == 0
    assert ENTRY_OVERHEAD > 0


def test_replacing_an_entry_counts_its_bytes_once() -> None:
    store = MemoryCache()
    store.set("k", _entry(b"12345"))
    store.set("k", _entry(b"12"))
    assert len(store) == 1 and store.size == _entry(b"12").size + 1
    assert "MemoryCache(entries=1/1000" in repr(store)


def test_memory_cache_survives_many_threads() -> None:
    store = MemoryCache(max_entries=50, max_bytes=50 * 2000)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(400):
                key = f"{worker}-{i % 80}"
                store.set(key, _entry(b"y" * (i % 7 * 100)))
                found = store.get(key)
                assert found is None or found.body.startswith(b"y" * 0)
                if i % 5 == 0:
                    store.delete(f"{(worker + 1) % 8}-{i % 80}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store) <= 50 and store.size <= store.max_bytes
    # The byte count matches what is stored: no update was lost between threads.
    assert store.size == sum(size for _, size in store._entries.values())
