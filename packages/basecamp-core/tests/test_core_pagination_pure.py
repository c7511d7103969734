"""Pagination, sans I/O: `find_next_link`, `parse_total_count`, `resolve_next_url`, `PageWalk`
and `ListResult`."""

from __future__ import annotations

import copy
import pickle
import time

import pytest

from basecamp import ApiError, ListMeta, ListResult
from basecamp._pagination import PageWalk, find_next_link, parse_total_count, resolve_next_url

BASE = "https://3.basecampapi.com"

# -- find_next_link ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('<https://a/x?page=2>; rel="next"', "https://a/x?page=2"),
        ("<https://a/x?page=2>; rel=next", "https://a/x?page=2"),
        ('<https://a/x?page=2>;rel="next"', "https://a/x?page=2"),
        ('<https://a/x?page=2> ; REL = "NEXT"', "https://a/x?page=2"),
        ('<https://a/1>; rel="prev", <https://a/3>; rel="next"', "https://a/3"),
        ('<https://a/3>; rel="next", <https://a/1>; rel="prev"', "https://a/3"),
        ('<https://a/1>; rel="first last", <https://a/3>; rel="prev next"', "https://a/3"),
        ('<https://a/3>; title="x"; rel="next"', "https://a/3"),
        ('<https://a/3>; title="a;b"; rel="next"', "https://a/3"),
        ('<https://a/2>; rel="next", <https://a/9>; rel="next"', "https://a/2"),
        ('</relative?page=2>; rel="next"', "/relative?page=2"),
        ('  < https://a/3 >; rel="next"  ', "https://a/3"),
    ],
)
def test_next_link_found(header: str, expected: str) -> None:
    assert find_next_link(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        '<https://a/1>; rel="prev"',
        '<https://a/1>; rel="nextpage"',
        '<https://a/1>; relx="next"',
        "<https://a/1>; rel",
        '<https://a/1; rel="next"',
        'https://a/1; rel="next"',
        '<>; rel="next"',
        "<<<<<<",
        ">>>>>>",
        '<https://a/1>; rel="prev", <broken; rel="next"',
    ],
)
def test_next_link_absent_or_malformed(header: str | None) -> None:
    assert find_next_link(header) is None


@pytest.mark.parametrize(
    "header",
    [
        '<>; rel="next", <https://a/2>; rel="next"',
        '< >; rel="next", <https://a/1>; rel="prev", <https://a/2>; rel="next"',
        '<>; rel="next", <>; rel="next", <https://a/2>; rel=next',
    ],
)
def test_empty_next_target_does_not_end_the_parse(header: str) -> None:
    assert find_next_link(header) == "https://a/2"


def test_next_link_after_malformed_entries() -> None:
    header = 'junk, <https://a/1>; rel, <https://a/2>; rel="next"'
    assert find_next_link(header) == "https://a/2"


def test_next_link_10000_entries_is_fast() -> None:
    header = ", ".join(f'<https://a/{i}>; rel="prev"' for i in range(10_000))
    header += ', <https://a/last>; rel="next"'
    started = time.perf_counter()
    assert find_next_link(header) == "https://a/last"
    hostile = "<" * 10_000 + ">" + '; rel="x"' * 10_000
    assert find_next_link(hostile) is None
    unclosed = ", ".join("<https://a/x" for _ in range(10_000))
    assert find_next_link(unclosed) is None
    assert time.perf_counter() - started < 1.0  # generous: linear work is milliseconds


# -- parse_total_count ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("42", 42), (" 7 ", 7)])
def test_total_count(value: str, expected: int) -> None:
    assert parse_total_count(value) == expected


@pytest.mark.parametrize("value", [None, "", "-1", "1.5", "1e3", "abc", "٣", "9" * 19, "4 2"])
def test_total_count_unusable(value: str | None) -> None:
    assert parse_total_count(value) is None


# -- resolve_next_url -------------------------------------------------------------------------


def test_resolve_relative_and_absolute() -> None:
    current = f"{BASE}/1/projects.json"
    assert resolve_next_url("?page=2", current_url=current, base_url=BASE) == (
        f"{BASE}/1/projects.json?page=2"
    )
    assert resolve_next_url("/1/p.json?page=2", current_url=current, base_url=BASE) == (
        f"{BASE}/1/p.json?page=2"
    )
    absolute = f"{BASE}/1/p.json?page=3"
    assert resolve_next_url(absolute, current_url=current, base_url=BASE) == absolute


@pytest.mark.parametrize(
    "link",
    [
        f"{BASE}/1/p.json?page=2",
        f"{BASE}/1/p.json?",
        f"{BASE}/1/p.json",
        f"{BASE}/",
        f"{BASE}//1/p.json?page=2",
        f"{BASE}/1/../2/p.json?page=2&status=archived",
        f"{BASE}/1/p%2F.json?q=a%20b&q=?",
        f"{BASE}/1/p.json;?page=2",
        f"{BASE}/1/p;x.json?page=2",
        f"{BASE}/1/p.json?page=2#",
        f"{BASE}/1/p.json?page=2 ",
        f"{BASE}.example/1/p.json",
        f"{BASE}:443/1/p.json",
    ],
)
def test_resolve_fast_path_agrees_with_the_general_one(
    link: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Links under base_url skip `urljoin`: what they resolve to (or the error) must not change.
    import basecamp._pagination as pagination

    def resolve() -> object:
        try:
            return resolve_next_url(link, current_url=f"{BASE}/1/p.json", base_url=BASE)
        except ApiError as exc:
            return ("refused", exc.message)

    fast = resolve()
    monkeypatch.setattr(pagination, "_plain_link_on", lambda link, base_url: False)
    assert fast == resolve()


@pytest.mark.parametrize(
    "link",
    [
        "https://3.basecampapi.com:443/1/p.json?page=2",
        "https://3.BASECAMPAPI.COM/1/p.json?page=2",
        "HTTPS://3.basecampapi.com/1/p.json?page=2",
        "https://user:pw@3.basecampapi.com/1/p.json?page=2",
        "https://3.basecampapi.com/1/p.json?page=2#frag",
    ],
)
def test_resolve_normalizes_same_origin_spellings(link: str) -> None:
    # rebuilt on the configured origin: no port, case or userinfo variants reach the shells
    resolved = resolve_next_url(link, current_url=f"{BASE}/1/p.json", base_url=BASE)
    assert resolved == f"{BASE}/1/p.json?page=2"


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/1/p.json?page=2",
        "//evil.example/x",
        "https://3.basecampapi.com.evil.example/x",
        "https://3.basecampapi.com:8443/x",
        "ftp://3.basecampapi.com/x",
        "javascript:alert(1)",
    ],
)
def test_resolve_refuses_other_origins(link: str) -> None:
    with pytest.raises(ApiError, match="Refused a pagination link") as caught:
        resolve_next_url(link, current_url=f"{BASE}/1/p.json", base_url=BASE)
    assert "/x" not in caught.value.message  # names only the origin, never path or query
    assert "page=2" not in caught.value.message


def test_resolve_refuses_downgrade() -> None:
    with pytest.raises(ApiError, match="downgrades https to http"):
        resolve_next_url("http://3.basecampapi.com/1/p.json", current_url=BASE, base_url=BASE)


@pytest.mark.parametrize("bad", ["/p\r\nX: y", "/p\n", "/p\tq"])
def test_resolve_refuses_control_characters(bad: str) -> None:
    with pytest.raises(ApiError, match="control characters"):
        resolve_next_url(bad, current_url=BASE + "/", base_url=BASE)


def test_resolve_on_loopback_http() -> None:
    base = "http://127.0.0.1:8000"
    assert resolve_next_url("/a?page=2", current_url=base + "/a", base_url=base) == (
        base + "/a?page=2"
    )
    with pytest.raises(ApiError):
        resolve_next_url("http://127.0.0.1:8001/a", current_url=base + "/a", base_url=base)


# -- PageWalk ---------------------------------------------------------------------------------


def walk(**kwargs: object) -> PageWalk:
    defaults: dict[str, object] = {"first_url": f"{BASE}/l?page=1", "base_url": BASE}
    defaults.setdefault("max_pages", 100)
    return PageWalk(**{**defaults, "max_pages": 100, **kwargs})  # type: ignore[arg-type]


def link(n: int) -> str:
    return f'<{BASE}/l?page={n}>; rel="next"'


def test_walk_follows_links_and_records_total() -> None:
    w = walk()
    assert w.take(2) == 2
    nxt = w.advance(link_header=link(2), total_count="5", current_url=f"{BASE}/l?page=1")
    assert nxt == f"{BASE}/l?page=2"
    assert w.take(3) == 3
    assert w.advance(link_header=None, total_count=None, current_url=nxt) is None
    assert w.meta() == ListMeta(total_count=5, truncated=False, pages=2)


def test_walk_loop_ends() -> None:
    w = walk()
    w.take(1)
    url2 = w.advance(link_header=link(2), total_count=None, current_url=f"{BASE}/l?page=1")
    w.take(1)
    assert w.advance(link_header=link(1), total_count=None, current_url=url2) is None
    assert w.meta().truncated is False


def test_walk_max_pages_truncates() -> None:
    w = walk(max_pages=2)
    w.take(1)
    w.advance(link_header=link(2), total_count=None, current_url="x")
    w.take(1)
    assert w.advance(link_header=link(3), total_count=None, current_url="x") is None
    assert w.meta() == ListMeta(truncated=True, pages=2)


def test_walk_max_items_trims_and_truncates() -> None:
    w = walk(max_items=3)
    assert w.take(2) == 2
    assert w.advance(link_header=link(2), total_count=None, current_url="x") is not None
    assert w.take(2) == 1
    assert w.truncated
    assert w.advance(link_header=link(3), total_count=None, current_url="x") is None


def test_walk_max_items_exact_with_more_pages() -> None:
    w = walk(max_items=2)
    assert w.take(2) == 2
    assert not w.truncated
    assert w.advance(link_header=link(2), total_count=None, current_url="x") is None
    assert w.truncated


def test_walk_max_items_exact_on_last_page() -> None:
    w = walk(max_items=2)
    assert w.take(2) == 2
    assert w.advance(link_header=None, total_count=None, current_url="x") is None
    assert not w.truncated


def test_walk_refuses_cross_origin_link() -> None:
    w = walk()
    w.take(1)
    with pytest.raises(ApiError):
        w.advance(
            link_header='<https://evil.example/l?page=2>; rel="next"',
            total_count=None,
            current_url="x",
        )


# -- ListResult -------------------------------------------------------------------------------


def test_list_result_is_a_list() -> None:
    result = ListResult([1, 2, 3, 4], ListMeta(total_count=10, truncated=True, pages=2))
    assert isinstance(result, list)
    assert result == [1, 2, 3, 4]
    assert result[1:3] == [2, 3]
    assert result[-1] == 4
    assert list(result) == [1, 2, 3, 4]
    assert len(result) == 4
    assert result.meta.total_count == 10
    assert result.meta.truncated is True
    assert result.meta.pages == 2
    assert "meta=ListMeta(total_count=10" in repr(result)


def test_list_result_defaults() -> None:
    result: ListResult[int] = ListResult()
    assert result == []
    assert result.meta == ListMeta()
    assert result.meta.total_count is None
    assert result.meta.truncated is False


def test_list_result_copy_and_pickle_keep_meta() -> None:
    result = ListResult([1, 2], ListMeta(total_count=2))
    for clone in (copy.copy(result), copy.deepcopy(result), pickle.loads(pickle.dumps(result))):
        assert clone == [1, 2]
        assert clone.meta == ListMeta(total_count=2)


def test_list_meta_frozen() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        ListMeta().truncated = True  # type: ignore[misc]
