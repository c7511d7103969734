"""Every operation, sync and async, on the wire: method, path, query, body, pages and retries.

The cases come from `tests/_generated/cases.py`, which the generator writes from `spec/` with
sample arguments for every parameter, so each parameter's trip to the wire is checked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import basecamp
from basecamp import ApiError, AsyncClient, Client, Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services_support import BASE_URL, Recorder, body_json, load_cases

cases = load_cases()
CASES: list[dict[str, Any]] = cases.CASES
ACCOUNT_ID: int = cases.ACCOUNT_ID
CONFIG = Config(base_delay=0.0, max_jitter=0.0, max_backoff=0.0)

PAGINATED = [c for c in CASES if c["paginated"]]
NOT_PAGINATED = [c for c in CASES if not c["paginated"]]


def _ids(case: dict[str, Any]) -> str:
    return f"{case['service']}.{case['method']}"


def _item(n: int) -> dict[str, Any]:
    return {"id": n}


def _payload(case: dict[str, Any], items: list[dict[str, Any]] | None = None) -> httpx.Response:
    kind = case["response"]
    if case["paginated"]:
        page = items if items is not None else [_item(1)]
        return httpx.Response(200, json={case["items_key"]: page} if case["items_key"] else page)
    if kind == "none":
        return httpx.Response(204)
    if kind == "binary":
        return httpx.Response(
            200, content=b"\x89PNG-bytes", headers={"Content-Type": "application/octet-stream"}
        )
    if kind == "list":
        return httpx.Response(200, json=[_item(1)])
    return httpx.Response(200, json=_item(1))


def _check_result(case: dict[str, Any], result: Any) -> None:
    kind = case["response"]
    if case["paginated"]:
        assert list(result) == [_item(1)]
    elif kind == "none":
        assert result is None
    elif kind == "binary":
        assert result == b"\x89PNG-bytes"
    elif kind == "list":
        assert result == [_item(1)]
    else:
        assert result == _item(1)


def _check_request(case: dict[str, Any], request: httpx.Request) -> None:
    assert request.method == case["http"]
    assert request.url.scheme + "://" + request.url.host == BASE_URL
    assert request.url.path == case["path"]
    assert list(request.url.params.multi_items()) == [tuple(p) for p in case["query"]]
    body = case["body"]
    if body == "json":
        assert request.headers["content-type"] == "application/json"
        assert body_json(request) == case["json"]
    elif body == "binary":
        assert request.content == case["content"]
        assert request.headers["content-type"] == case["content_type"]
    elif body == "multipart":
        spec = case["multipart"]
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        content = request.content
        disposition = f'name="{spec["field"]}"; filename="{spec["filename"]}"'.encode()
        assert disposition in content
        assert f"Content-Type: {spec['content_type']}\r\n".encode() in content
        assert spec["content"] in content
        assert b"\r\nport" not in content
    else:
        assert request.content == b""


@pytest.fixture
def client() -> Any:
    with Client(access_token="test-token", config=CONFIG) as c:
        yield c


@pytest.fixture
async def async_client() -> Any:
    async with AsyncClient(access_token="test-token", config=CONFIG) as c:
        yield c


def _method(account: Any, case: dict[str, Any], prefix: str = "") -> Any:
    return getattr(getattr(account, case["service"]), prefix + case["method"])


# -- one request per operation -------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_sync_request(case: dict[str, Any], client: Client) -> None:
    recorder = Recorder(lambda request, n: _payload(case))
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        result = _method(client.for_account(ACCOUNT_ID), case)(**case["kwargs"])
    assert len(recorder.requests) == 1
    _check_request(case, recorder.requests[0])
    _check_result(case, result)


@pytest.mark.parametrize("case", CASES, ids=_ids)
async def test_async_request(case: dict[str, Any], async_client: AsyncClient) -> None:
    recorder = Recorder(lambda request, n: _payload(case))
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        result = await _method(async_client.for_account(ACCOUNT_ID), case)(**case["kwargs"])
    assert len(recorder.requests) == 1
    _check_request(case, recorder.requests[0])
    _check_result(case, result)


# -- pagination: list and iter_ follow Link: rel="next" -------------------------------------


def _two_pages(case: dict[str, Any]) -> Recorder:
    def respond(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return _payload(case, [_item(2)])
        response = _payload(case, [_item(1)])
        next_url = request.url.copy_merge_params({"page": "2"})
        response.headers["Link"] = f'<{next_url}>; rel="next"'
        response.headers["X-Total-Count"] = "2"
        return response

    return Recorder(respond)


def _check_two_pages(case: dict[str, Any], recorder: Recorder, items: list[Any]) -> None:
    assert items == [_item(1), _item(2)]
    assert len(recorder.requests) == 2
    first, second = recorder.requests
    _check_request(case, first)
    assert second.url.path == case["path"]
    assert second.url.params.get("page") == "2"


@pytest.mark.parametrize("case", PAGINATED, ids=_ids)
def test_sync_pages(case: dict[str, Any], client: Client) -> None:
    account = client.for_account(ACCOUNT_ID)
    for prefix in ("", "iter_"):
        recorder = _two_pages(case)
        with respx.mock(assert_all_called=False) as mock:
            mock.route().mock(side_effect=recorder)
            result = _method(account, case, prefix)(**case["kwargs"])
            items = list(result)
        _check_two_pages(case, recorder, items)
        if not prefix:
            assert isinstance(result, basecamp.ListResult)
            assert result.meta.total_count == 2
            assert result.meta.truncated is False


@pytest.mark.parametrize("case", PAGINATED, ids=_ids)
async def test_async_pages(case: dict[str, Any], async_client: AsyncClient) -> None:
    account = async_client.for_account(ACCOUNT_ID)
    recorder = _two_pages(case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        result = await _method(account, case)(**case["kwargs"])
    _check_two_pages(case, recorder, list(result))
    assert isinstance(result, basecamp.ListResult)

    recorder = _two_pages(case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        pager = _method(account, case, "iter_")(**case["kwargs"])
        assert isinstance(pager, basecamp.AsyncPager)
        items = [item async for item in pager]
    _check_two_pages(case, recorder, items)


@pytest.mark.parametrize("case", PAGINATED, ids=_ids)
def test_sync_single_page_and_max_items(case: dict[str, Any], client: Client) -> None:
    account = client.for_account(ACCOUNT_ID)
    recorder = _two_pages(case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        one_page = _method(account, case)(**case["kwargs"], page=2)
        truncated = _method(account, case)(**case["kwargs"], max_items=1)
    assert list(one_page) == [_item(2)]
    assert recorder.requests[0].url.params.get("page") == "2"
    assert list(truncated) == [_item(1)]
    assert truncated.meta.truncated is True
    assert len(recorder.requests) == 2  # max_items=1 is met by the first page


# -- retries: idempotent operations retry a 503, the others never do ------------------------


def _flaky(case: dict[str, Any]) -> Recorder:
    def respond(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return httpx.Response(503, json={"error": "busy"})
        return _payload(case)

    return Recorder(respond)


@pytest.mark.parametrize("case", NOT_PAGINATED, ids=_ids)
def test_sync_retry_policy(case: dict[str, Any], client: Client) -> None:
    recorder = _flaky(case)
    call = _method(client.for_account(ACCOUNT_ID), case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        if case["idempotent"]:
            _check_result(case, call(**case["kwargs"]))
            assert len(recorder.requests) == 2
            _check_request(case, recorder.requests[1])
        else:
            with pytest.raises(ApiError) as info:
                call(**case["kwargs"])
            assert info.value.http_status == 503
            assert len(recorder.requests) == 1


@pytest.mark.parametrize("case", NOT_PAGINATED, ids=_ids)
async def test_async_retry_policy(case: dict[str, Any], async_client: AsyncClient) -> None:
    recorder = _flaky(case)
    call = _method(async_client.for_account(ACCOUNT_ID), case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        if case["idempotent"]:
            _check_result(case, await call(**case["kwargs"]))
            assert len(recorder.requests) == 2
        else:
            with pytest.raises(ApiError) as info:
                await call(**case["kwargs"])
            assert info.value.http_status == 503
            assert len(recorder.requests) == 1


@pytest.mark.parametrize("case", PAGINATED[:3], ids=_ids)
def test_sync_list_retries_a_failed_page(case: dict[str, Any], client: Client) -> None:
    recorder = _flaky(case)
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=recorder)
        result = _method(client.for_account(ACCOUNT_ID), case)(**case["kwargs"])
    assert list(result) == [_item(1)]
    assert len(recorder.requests) == 2


def test_every_operation_has_a_case() -> None:
    from basecamp.services import OPERATIONS

    assert sorted(c["id"] for c in CASES) == sorted(OPERATIONS)
    mutations = [c for c in CASES if c["http"] != "GET"]
    assert any(c["idempotent"] for c in mutations)
    assert any(not c["idempotent"] for c in mutations)
    assert PAGINATED
