"""Hostile inputs from callers: path values cannot change the route on the wire, header values
cannot split a request, account ids must be digits."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from reliability_kit import TOKEN_MARKER, RawServer, respond, run_call

from basecamp import AsyncClient, BearerAuth, Client, Config, UsageError

TODO = b'{"id": 1}'

# value -> the exact path segment that must appear on the wire
HOSTILE_SEGMENTS = {
    "../1?x#y": "..%2F1%3Fx%23y",
    "..": "%2E%2E",
    ".": "%2E",
    "a/b": "a%2Fb",
    "1/../../admin": "1%2F..%2F..%2Fadmin",
    "1?admin=true": "1%3Fadmin%3Dtrue",
    "1#frag": "1%23frag",
    "100%": "100%25",
    "%2e%2e": "%252e%252e",
    "%2F": "%252F",
    "1\r\nX-Injected: yes": "1%0D%0AX-Injected%3A%20yes",
    "1\x00": "1%00",
    "caf\u00e9": "caf%C3%A9",
    "\u202e1": "%E2%80%AE1",  # right-to-left override
    "1 2": "1%202",
    "1;x=y": "1%3Bx%3Dy",
    "\\..\\": "%5C..%5C",
    "@evil.example": "%40evil.example",
    "http://evil.example/": "http%3A%2F%2Fevil.example%2F",
}


@pytest.mark.parametrize("value", list(HOSTILE_SEGMENTS), ids=repr)
async def test_path_value_is_encoded_and_never_changes_the_route(
    flavour: str, raw_server: RawServer, value: str
) -> None:
    raw_server.script(respond(200, TODO))
    config = Config(base_url=raw_server.url, base_delay=0, max_jitter=0)
    outcome = await run_call(flavour, config, lambda a: a.todos.get(todo_id=value))
    assert outcome.error is None, repr(outcome.error)
    (request,) = raw_server.requests
    assert request.method == "GET"
    assert request.target == f"/999/todos/{HOSTILE_SEGMENTS[value]}"
    assert "x-injected" not in request.headers


@pytest.mark.parametrize("value", ["../../x", "1?a=b#c", "1\r\n\r\nGET /evil HTTP/1.1"], ids=repr)
async def test_path_values_in_a_mutation_keep_the_route(
    flavour: str, raw_server: RawServer, value: str
) -> None:
    raw_server.script(respond(201, TODO))
    config = Config(base_url=raw_server.url)
    outcome = await run_call(
        flavour, config, lambda a: a.todos.create(todolist_id=value, content="c")
    )
    assert outcome.error is None, repr(outcome.error)
    (request,) = raw_server.requests
    assert request.method == "POST"
    segments = request.target.split("/")
    assert segments[:3] == ["", "999", "todolists"]
    assert segments[4:] == ["todos.json"]
    assert "?" not in request.target and "#" not in request.target


async def test_query_values_cannot_add_parameters(flavour: str, raw_server: RawServer) -> None:
    raw_server.script(respond(200, b"[]"))
    config = Config(base_url=raw_server.url)
    outcome = await run_call(
        flavour, config, lambda a: a.todos.list(todolist_id=1, status="x&admin=true#frag")
    )
    assert outcome.error is None, repr(outcome.error)
    target = raw_server.requests[0].target
    assert target == "/999/todolists/1/todos.json?status=x%26admin%3Dtrue%23frag"


@pytest.mark.parametrize("value", [None, ""], ids=repr)
async def test_missing_or_empty_path_value_is_usage_error(
    flavour: str, raw_server: RawServer, value: object
) -> None:
    config = Config(base_url=raw_server.url)
    outcome = await run_call(flavour, config, lambda a: a.todos.get(todo_id=value))
    assert isinstance(outcome.error, UsageError), repr(outcome.error)
    assert raw_server.requests == []


# -- header values ----------------------------------------------------------------------------

BAD_HEADER_VALUES = ["x\r\nX-Evil: 1", "x\nX-Evil: 1", "x\rX-Evil: 1", "x\x00y"]


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_user_agent_with_crlf_is_rejected(cls: type[Any], value: str) -> None:
    with pytest.raises(UsageError) as caught:
        cls(access_token="t", user_agent=value)
    assert "X-Evil" not in str(caught.value)


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_access_token_with_crlf_is_rejected_without_echoing_it(cls: type[Any], value: str) -> None:
    token = TOKEN_MARKER + value
    with pytest.raises(UsageError) as caught:
        cls(access_token=token)
    assert TOKEN_MARKER not in str(caught.value)
    assert TOKEN_MARKER not in repr(caught.value)


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
def test_bearer_auth_with_crlf_is_rejected(value: str) -> None:
    with pytest.raises(UsageError):
        BearerAuth(TOKEN_MARKER + value)


class _SyncProvider:
    refreshable = False

    def __init__(self, token: str) -> None:
        self.token = token

    def access_token(self) -> str:
        return self.token

    def refresh(self) -> bool:
        return False


class _AsyncProvider(_SyncProvider):
    async def access_token(self) -> str:  # type: ignore[override]
        return self.token

    async def refresh(self) -> bool:  # type: ignore[override]
        return False


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
async def test_token_from_a_provider_with_crlf_is_refused_before_sending(
    flavour: str, value: str
) -> None:
    # A custom provider (or a token endpoint) handing back a header-splitting token must not
    # reach the wire, and the error must not echo it.
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": 1})

    provider = (_SyncProvider if flavour == "sync" else _AsyncProvider)(TOKEN_MARKER + value)
    outcome = await run_call(
        flavour,
        Config(base_delay=0, max_jitter=0),
        lambda a: a.todos.get(todo_id=1),
        access_token=None,  # type: ignore[arg-type]
        token_provider=provider,
        transport=httpx.MockTransport(handler),
    )
    assert isinstance(outcome.error, UsageError), repr(outcome.error)
    assert seen == []
    assert TOKEN_MARKER not in str(outcome.error)


# -- account ids ------------------------------------------------------------------------------

BAD_ACCOUNT_IDS: list[object] = [
    "",
    "abc",
    "12a",
    "12/34",
    "../1",
    "1?x",
    "1#x",
    " 1",
    "1\n",
    "-1",
    -1,
    "1.0",
    1.0,
    "\uff11\uff12",  # FULLWIDTH DIGITS: isdigit() but not ASCII
    "\u0661",  # ARABIC-INDIC DIGIT ONE
    True,
    None,
    b"123",
    ["1"],
]


@pytest.mark.parametrize("account_id", BAD_ACCOUNT_IDS, ids=repr)
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_non_digit_account_id_is_rejected(cls: type[Any], account_id: object) -> None:
    client = cls(access_token="t")
    with pytest.raises(UsageError):
        client.for_account(account_id)


@pytest.mark.parametrize("account_id", [1, "1", "0012", 10**30])
def test_digit_account_ids_are_accepted(account_id: int | str) -> None:
    assert Client(access_token="t").for_account(account_id).account_id == str(account_id)


# -- raw paths stay on the origin --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/999/x.json",
        "//evil.example/999/x.json",
        "http://3.basecampapi.com/999/x.json",
        "https://3.basecampapi.com@evil.example/x",
        "https://[::1/x",
        "/x\r\nHost: evil.example",
    ],
    ids=repr,
)
async def test_raw_call_to_another_origin_is_usage_error(flavour: str, path: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    outcome = await run_call(
        flavour, Config(), lambda a: a.get(path), transport=httpx.MockTransport(handler)
    )
    assert isinstance(outcome.error, UsageError), repr(outcome.error)
    assert seen == []


# -- download URLs: only Basecamp's own hosts are moved onto the API origin ---------------------

STORAGE_PATH = "/999/blobs/k3y/download/report.pdf"


async def test_storage_host_download_goes_to_the_api_origin_only(
    flavour: str, raw_server: RawServer
) -> None:
    raw_server.script(respond(200, b"%PDF", content_type="application/pdf"))
    config = Config(base_url=raw_server.url)
    url = f"https://storage.3.basecamp.com{STORAGE_PATH}?disposition=attachment"
    outcome = await run_call(flavour, config, lambda a: a.download_url(url))
    assert outcome.error is None, repr(outcome.error)
    assert outcome.value.body == b"%PDF"
    (request,) = raw_server.requests
    assert request.target == f"{STORAGE_PATH}?disposition=attachment"
    assert request.headers["authorization"] == f"Bearer {TOKEN_MARKER}"


@pytest.mark.parametrize(
    "url",
    [
        f"https://evilbasecamp.com{STORAGE_PATH}",
        f"https://basecamp.com.evil.example{STORAGE_PATH}",
        f"https://storage.3.basecamp.com.evil.example{STORAGE_PATH}",
        f"https://storage.3.basecamp.com@evil.example{STORAGE_PATH}",
        f"https://evil.example@storage.3.basecamp.com{STORAGE_PATH}",
        f"https://evil.example\\@storage.3.basecamp.com{STORAGE_PATH}",
        f"https://storage.3.basecamp.com:8443{STORAGE_PATH}",
        f"http://storage.3.basecamp.com{STORAGE_PATH}",
        f"https://storage.3.basecamp.com.{STORAGE_PATH}",
        f"https://storage.3.basecamp%2Ecom{STORAGE_PATH}",
        "https://storage.3.basecamp.com/999/../../admin",
        f"https://storage.3.basecamp.com{STORAGE_PATH}\r\nX-Injected: yes",
    ],
    ids=repr,
)
async def test_download_url_on_a_lookalike_host_is_refused_before_sending(
    flavour: str, raw_server: RawServer, url: str
) -> None:
    config = Config(base_url=raw_server.url)
    for call in (
        lambda a: a.download_url(url),
        lambda a: a.download_to(url, io.BytesIO()),
    ):
        outcome = await run_call(flavour, config, call)
        assert isinstance(outcome.error, UsageError), repr(outcome.error)
        assert TOKEN_MARKER not in str(outcome.error)
    assert raw_server.requests == []
