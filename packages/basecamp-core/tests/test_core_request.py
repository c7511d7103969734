"""Request building, sans I/O: paths, queries, bodies, headers, URLs and account ids."""

from __future__ import annotations

import json

import pytest

from basecamp import UsageError
from basecamp._request import (
    check_header_value,
    encode_json_body,
    encode_query,
    expand_path,
    redact_url,
    resolve_url,
    validate_account_id,
)

BASE = "https://3.basecampapi.com"

# -- expand_path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (42, "42"),
        ("abc", "abc"),
        ("a/b", "a%2Fb"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("../admin", "..%2Fadmin"),
        ("x?admin=1", "x%3Fadmin%3D1"),
        ("x#frag", "x%23frag"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("a\r\nX-Evil: 1", "a%0D%0AX-Evil%3A%201"),
        ("héllo", "h%C3%A9llo"),
        ("😀", "%F0%9F%98%80"),
        ("a b+c", "a%20b%2Bc"),
        ("\\", "%5C"),
    ],
)
def test_path_values_are_encoded(value: object, encoded: str) -> None:
    path = expand_path(
        "/{account_id}/buckets/{project_id}/x.json", {"account_id": 1, "project_id": value}
    )
    assert path == f"/1/buckets/{encoded}/x.json"
    # the route never changes: same number of segments, no query, no fragment
    assert path.count("/") == 4
    for char in "?#\r\n":
        assert char not in path


def test_expand_path_missing_value() -> None:
    with pytest.raises(UsageError, match="project_id"):
        expand_path("/{account_id}/{project_id}", {"account_id": 1})
    with pytest.raises(UsageError, match="project_id"):
        expand_path("/{account_id}/{project_id}", {"account_id": 1, "project_id": None})


@pytest.mark.parametrize("bad", ["", True, False])
def test_expand_path_bad_value(bad: object) -> None:
    with pytest.raises(UsageError):
        expand_path("/{x}", {"x": bad})


def test_expand_path_without_placeholders() -> None:
    assert expand_path("/projects.json", {}) == "/projects.json"


# -- encode_query -----------------------------------------------------------------------------


def test_encode_query() -> None:
    assert encode_query(
        {
            "status": "archived",
            "dropped": None,
            "yes": True,
            "no": False,
            "ids": [1, 2, 3],
            "tags": ("a", "b"),
            "flags": [True, False],
            "page": 2,
            "empty": "",
        }
    ) == [
        ("status", "archived"),
        ("yes", "true"),
        ("no", "false"),
        ("ids", "1,2,3"),
        ("tags", "a,b"),
        ("flags", "true,false"),
        ("page", "2"),
        ("empty", ""),
    ]


def test_encode_query_empty() -> None:
    assert encode_query(None) == []
    assert encode_query({}) == []
    assert encode_query({"a": None}) == []


# -- encode_json_body -------------------------------------------------------------------------


def test_encode_json_body_drops_none_keeps_falsy() -> None:
    body = encode_json_body(
        {"a": None, "s": "", "zero": 0, "f": False, "l": [], "d": {}, "nested": {"x": None}}
    )
    assert body.content_type == "application/json"
    assert body.content is not None
    assert json.loads(body.content) == {
        "s": "",
        "zero": 0,
        "f": False,
        "l": [],
        "d": {},
        "nested": {"x": None},  # only top-level None is dropped
    }


def test_encode_json_body_none_and_unicode() -> None:
    empty = encode_json_body(None)
    assert empty.content is None
    assert empty.content_type is None
    body = encode_json_body({"name": "Café ☕"})
    assert body.content == '{"name":"Café ☕"}'.encode()
    assert encode_json_body({}).content == b"{}"


# -- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nX-Evil: 1", "a\x00b"])
def test_header_values_with_crlf_rejected(value: str) -> None:
    with pytest.raises(UsageError, match="X-Test") as caught:
        check_header_value("X-Test", value)
    assert value not in caught.value.message


def test_header_value_ok() -> None:
    assert check_header_value("X-Test", "fine value; 1") == "fine value; 1"


# -- account ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(123, "123"), ("123", "123"), ("007", "007")])
def test_account_id_ok(value: object, expected: str) -> None:
    assert validate_account_id(value) == expected


@pytest.mark.parametrize("value", [True, -1, "", "12a", "1/2", "../1", "１２", 1.5, None, " 12"])
def test_account_id_rejected(value: object) -> None:
    with pytest.raises(UsageError, match="account_id"):
        validate_account_id(value)


# -- resolve_url ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/projects.json", f"{BASE}/9/projects.json"),
        ("projects.json", f"{BASE}/9/projects.json"),
        ("/search.json?q=a", f"{BASE}/9/search.json?q=a"),
        # a relative path whose query mentions a URL is still relative to the account
        ("/search.json?q=https://example.com", f"{BASE}/9/search.json?q=https://example.com"),
        ("/p.json?next=//x", f"{BASE}/9/p.json?next=//x"),
        (f"{BASE}/9/projects.json", f"{BASE}/9/projects.json"),
        (f"{BASE}/other/x.json", f"{BASE}/other/x.json"),
    ],
)
def test_resolve_url(path: str, expected: str) -> None:
    assert resolve_url(path, base_url=BASE, prefix="/9") == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/9/projects.json",
        "//evil.example/9/projects.json",
        "http://3.basecampapi.com/9/projects.json",
        "https://3.basecampapi.com.evil.example/x",
        "https://3.basecampapi.com:444/x",
        "HTTPS://EVIL.EXAMPLE/x",
    ],
)
def test_resolve_url_refuses_other_origins(url: str) -> None:
    with pytest.raises(UsageError, match="API origin"):
        resolve_url(url, base_url=BASE, prefix="/9")


@pytest.mark.parametrize("bad", ["/p\r\n", "/p\nX: 1", "/p\x00"])
def test_resolve_url_refuses_control_characters(bad: str) -> None:
    with pytest.raises(UsageError):
        resolve_url(bad, base_url=BASE, prefix="/9")


def test_redact_url() -> None:
    assert redact_url("https://s3.example/f.png?X-Amz-Signature=abc#x") == (
        "https://s3.example/f.png"
    )
