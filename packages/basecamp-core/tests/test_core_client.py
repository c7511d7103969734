"""Client construction, lifecycle, raw account calls and response handling (respx)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
import respx
from core_testkit import ACCOUNT_URL, BASE_URL, TOKEN, Runner

import basecamp
from basecamp import (
    AccountClient,
    ApiError,
    AsyncAccountClient,
    AsyncClient,
    AsyncStaticTokenProvider,
    AuthError,
    BearerAuth,
    Client,
    Config,
    ForbiddenError,
    LimitExceededError,
    NotFoundError,
    RateLimitError,
    StaticTokenProvider,
    UsageError,
    ValidationError,
)
from basecamp._operation import Operation, Param

# -- construction -----------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_requires_exactly_one_credential(cls: type[Any]) -> None:
    with pytest.raises(UsageError, match=r"exactly one of access_token=, token_provider= or auth="):
        cls()
    with pytest.raises(UsageError, match="none given"):
        cls(access_token=None)
    provider = StaticTokenProvider(TOKEN) if cls is Client else AsyncStaticTokenProvider(TOKEN)
    with pytest.raises(UsageError, match="2 given"):
        cls(access_token=TOKEN, token_provider=provider)
    with pytest.raises(UsageError, match="3 given"):
        cls(access_token=TOKEN, token_provider=provider, auth=BearerAuth(TOKEN))
    with pytest.raises(UsageError, match="2 given"):
        cls(access_token=TOKEN, auth=BearerAuth(TOKEN))


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("token", ["", "   ", "a\r\nb", 123])
def test_bad_access_token(cls: type[Any], token: object) -> None:
    with pytest.raises(UsageError, match=r"access_token|Authorization") as caught:
        cls(access_token=token)
    if isinstance(token, str) and token.strip():
        assert token not in str(caught.value)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_user_agent_with_crlf_rejected(cls: type[Any]) -> None:
    with pytest.raises(UsageError, match="User-Agent"):
        cls(access_token=TOKEN, user_agent="app\r\nX-Evil: 1")


async def test_repr_never_shows_token(runner: Runner) -> None:
    client = runner.client()
    assert TOKEN not in repr(client)
    assert repr(client) == f"{runner.client_cls.__name__}(base_url='{BASE_URL}')"
    account = client.for_account(999)
    assert TOKEN not in repr(account)
    assert "999" in repr(account)
    assert TOKEN not in repr(BearerAuth(TOKEN))
    assert TOKEN not in repr(StaticTokenProvider(TOKEN))
    assert TOKEN not in repr(AsyncStaticTokenProvider(TOKEN))
    assert TOKEN not in repr(runner.oauth(refresh_token=TOKEN + "-r"))
    assert TOKEN not in repr(client.authorization)


async def test_for_account(runner: Runner) -> None:
    client = runner.client()
    account = client.for_account(12345)
    assert isinstance(account, AsyncAccountClient if runner.is_async else AccountClient)
    assert account.account_id == "12345"
    assert account.client is client
    assert client.for_account("00123").account_id == "00123"
    for bad in ("abc", "12/3", "-1", -1, True, "", "1 2", "١٢٣"):
        with pytest.raises(UsageError, match="account_id"):
            client.for_account(bad)


async def test_default_config(runner: Runner) -> None:
    assert runner.client().config == Config()
    config = Config(max_retries=0)
    assert runner.client(config=config).config is config


def test_sync_context_manager_closes(api: respx.MockRouter) -> None:
    api.get("/999/a.json").respond(json={"ok": True})
    with Client(access_token=TOKEN) as client:
        assert client.for_account(999).get("/a.json") == {"ok": True}
    with pytest.raises(UsageError, match="closed"):
        client.for_account(999).get("/a.json")
    client.close()  # closing twice is harmless


async def test_async_context_manager_closes(api: respx.MockRouter) -> None:
    api.get("/999/a.json").respond(json={"ok": True})
    async with AsyncClient(access_token=TOKEN) as client:
        assert await client.for_account(999).get("/a.json") == {"ok": True}
    with pytest.raises(UsageError, match="closed"):
        await client.for_account(999).get("/a.json")
    await client.close()


async def test_explicit_close(runner: Runner, api: respx.MockRouter) -> None:
    client = runner.client()
    await runner.close(client)
    with pytest.raises(UsageError, match="closed"):
        await runner.call(client.for_account(1).get("/x.json"))
    assert not api.calls


# -- raw calls --------------------------------------------------------------------------------


async def test_raw_get_sends_auth_ua_and_params(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/projects.json").respond(json=[{"id": 1}])
    account = runner.account()
    result = await runner.call(
        account.get("/projects.json", params={"status": "archived", "skip": None, "ids": [1, 2]})
    )
    assert result == [{"id": 1}]
    request = route.calls.last.request
    assert str(request.url) == f"{ACCOUNT_URL}/projects.json?status=archived&ids=1%2C2"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Accept"] == "application/json"
    agent = request.headers["User-Agent"]
    assert agent.startswith(f"basecamp-python/{basecamp.__version__}")


async def test_custom_user_agent_prefixes_sdk(runner: Runner, api: respx.MockRouter) -> None:
    route = api.get("/999/x.json").respond(json={})
    await runner.call(runner.account(user_agent="MyApp (me@example.com)").get("x.json"))
    agent = route.calls.last.request.headers["User-Agent"]
    assert agent.startswith("MyApp (me@example.com) basecamp-python/")


async def test_raw_post_put_delete(runner: Runner, api: respx.MockRouter) -> None:
    post = api.post("/999/buckets/1/todos.json").respond(201, json={"id": 7})
    put = api.put("/999/buckets/1/todos/7.json").respond(json={"id": 7, "done": True})
    delete = api.delete("/999/buckets/1/todos/7.json").respond(204)
    account = runner.account()
    created = await runner.call(
        account.post("/buckets/1/todos.json", json={"content": "Hi", "due_on": None, "n": 0})
    )
    assert created == {"id": 7}
    sent = post.calls.last.request
    assert json.loads(sent.content) == {"content": "Hi", "n": 0}
    assert sent.headers["Content-Type"] == "application/json"
    assert await runner.call(account.put("/buckets/1/todos/7.json", json={"done": True})) == {
        "id": 7,
        "done": True,
    }
    assert json.loads(put.calls.last.request.content) == {"done": True}
    assert await runner.call(account.delete("/buckets/1/todos/7.json")) is None
    assert delete.called


async def test_raw_absolute_url_on_origin(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/a.json").respond(json={"a": 1})
    assert await runner.call(runner.account().get(f"{ACCOUNT_URL}/a.json")) == {"a": 1}


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/999/a.json",
        "//evil.example/a.json",
        "http://3.basecampapi.com/999/a.json",
        "https://3.basecampapi.com.evil.example/a.json",
    ],
)
async def test_raw_absolute_url_elsewhere_refused(
    runner: Runner, api: respx.MockRouter, url: str
) -> None:
    with respx.mock(assert_all_called=False) as anywhere:
        anywhere.route().respond(200, json={})
        with pytest.raises(UsageError, match="API origin"):
            await runner.call(runner.account().get(url))
        assert not anywhere.calls


async def test_query_mentioning_a_url_stays_under_account(
    runner: Runner, api: respx.MockRouter
) -> None:
    route = api.get("/999/search.json").respond(json=[])
    await runner.call(runner.account().get("/search.json", params={"q": "https://x.example"}))
    await runner.call(runner.account().get("/search.json?q=https://x.example"))
    assert route.call_count == 2


async def test_empty_2xx_body_is_none(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/empty.json").respond(200, content=b"")
    assert await runner.call(runner.account().get("/empty.json")) is None


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<html>hello</html>", "text/html"),
        (b"not json at all", "application/json"),
        (b"{truncated", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b'{"a": 1}', "text/plain"),
    ],
)
async def test_non_json_2xx_is_api_error(
    runner: Runner, api: respx.MockRouter, content: bytes, content_type: str
) -> None:
    api.get("/999/x.json").respond(200, content=content, headers={"Content-Type": content_type})
    with pytest.raises(ApiError) as caught:
        await runner.call(runner.account().get("/x.json"))
    assert not isinstance(caught.value.__cause__, json.JSONDecodeError)
    assert type(caught.value) is ApiError


async def test_json_variants_accepted(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/a.json").respond(
        200, content=b'{"a": 1}', headers={"Content-Type": "application/vnd.api+json"}
    )
    api.get("/999/b.json").respond(200, content=b'{"b": 2}', headers={})
    api.get("/999/c.json").respond(
        200, content=b'{"c": 3}', headers={"Content-Type": "application/json; charset=utf-8"}
    )
    account = runner.account()
    assert await runner.call(account.get("/a.json")) == {"a": 1}
    assert await runner.call(account.get("/b.json")) == {"b": 2}
    assert await runner.call(account.get("/c.json")) == {"c": 3}


async def test_wrong_shape_is_api_error(runner: Runner, api: respx.MockRouter) -> None:
    api.get("/999/list.json").respond(json={"not": "a list"})
    with pytest.raises(ApiError, match="JSON array"):
        await runner.call(runner.account().paginate("/list.json"))


async def test_oversized_body_is_api_error(runner: Runner, api: respx.MockRouter) -> None:
    config = Config(max_response_bytes=2048)
    api.get("/999/big.json").respond(json=["x" * 5000])
    with pytest.raises(ApiError, match="2048-byte limit"):
        await runner.call(runner.account(config=config).get("/big.json"))


async def test_oversized_after_decompression_is_api_error(
    runner: Runner, api: respx.MockRouter
) -> None:
    config = Config(max_response_bytes=4096)
    payload = json.dumps(["a" * 100_000]).encode()
    compressed = gzip.compress(payload)
    assert len(compressed) < 4096
    api.get("/999/bomb.json").respond(
        200,
        content=compressed,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    with pytest.raises(ApiError, match="limit"):
        await runner.call(runner.account(config=config).get("/bomb.json"))


async def test_oversized_error_body_keeps_its_status(runner: Runner, api: respx.MockRouter) -> None:
    # The status says what happened; an error body past the cap is cut, not turned into a
    # different error (a 404 stays NotFoundError, a 503 stays retryable).
    config = Config(max_response_bytes=2048, max_retries=0)
    api.get("/999/x.json").respond(404, content=b"x" * 10_000)
    with pytest.raises(NotFoundError) as caught:
        await runner.call(runner.account(config=config).get("/x.json"))
    assert len(caught.value.message.encode()) <= 500


# -- error mapping end to end -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (422, ValidationError),
        (507, LimitExceededError),
        (409, ApiError),
    ],
)
async def test_status_raises_typed_error(
    runner: Runner, api: respx.MockRouter, status: int, cls: type[Exception]
) -> None:
    route = api.get("/999/x.json").respond(
        status,
        json={"error": f"Problem {status}", "errors": {"name": ["is bad"]}},
        headers={"X-Request-Id": "req-abc"},
    )
    with pytest.raises(cls) as caught:
        await runner.call(runner.account().get("/x.json"))
    error: Any = caught.value
    assert error.http_status == status
    assert error.request_id == "req-abc"
    if cls is ValidationError:  # the field errors are listed after the server's message
        assert error.message == f"Problem {status} (name: is bad)"
        assert error.errors == {"name": ["is bad"]}
    else:
        assert error.message == f"Problem {status}"
    assert route.call_count == 1  # none of these is retried


async def test_rate_limit_error_end_to_end(
    runner: Runner, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get("/999/x.json").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitError) as caught:
        await runner.call(runner.account(config=Config(max_retries=0)).get("/x.json"))
    assert caught.value.retry_after == 1.0
    assert caught.value.exit_code == 5
    assert caught.value.message == RateLimitError.default_message


# -- path safety on the wire ------------------------------------------------------------------

ROUTE_OP = Operation(
    operation_id="GetThing",
    service="things",
    method="get",
    http_method="GET",
    path="/{account_id}/buckets/{project_id}/things/{thing_id}.json",
    params=(
        Param("project_id", "bucketId", "path", True),
        Param("thing_id", "thingId", "path", True),
    ),
    idempotent=True,
    response_kind="object",
)


@pytest.mark.parametrize(
    "value",
    ["../../../admin", "a/b", "x?admin=true", "x#y", "100%", "%2e%2e", "a\r\nb", "ünï", ".."],
)
async def test_path_values_never_change_the_route(
    runner: Runner, api: respx.MockRouter, value: str
) -> None:
    route = api.get(url__regex=r"/999/buckets/1/things/[^/?#]+\.json$").respond(json={"ok": 1})
    account = runner.account()
    result = await runner.call(account._call(ROUTE_OP, {"project_id": 1, "thing_id": value}))
    assert result == {"ok": 1}
    sent = route.calls.last.request.url
    assert sent.host == "3.basecampapi.com"
    assert sent.raw_path.startswith(b"/999/buckets/1/things/")
    assert sent.query == b""
    assert sent.fragment == ""


async def test_operation_with_body_and_query(runner: Runner, api: respx.MockRouter) -> None:
    op = Operation(
        operation_id="CreateThing",
        service="things",
        method="create",
        http_method="POST",
        path="/{account_id}/buckets/{project_id}/things.json",
        params=(
            Param("project_id", "bucketId", "path", True),
            Param("notify", "notify", "query", False),
            Param("a", "a", "body", False),
            Param("b", "b", "body", False),
        ),
        body_kind="json",
        response_kind="object",
    )
    route = api.post("/999/buckets/5/things.json").respond(201, json={"id": 1})
    result = await runner.call(
        runner.account()._call(op, {"project_id": 5, "notify": True, "a": None, "b": 0})
    )
    assert result == {"id": 1}
    sent = route.calls.last.request
    assert sent.url.params["notify"] == "true"
    assert json.loads(sent.content) == {"b": 0}


async def test_services_missing_or_present(runner: Runner) -> None:
    account = runner.account()
    try:
        import basecamp.services  # noqa: F401
    except ImportError:
        with pytest.raises(UsageError, match="basecamp-services"):
            _ = account.projects
    else:
        assert account.projects is account.projects  # cached per accessor


async def test_header_injection_via_user_agent_is_impossible(runner: Runner) -> None:
    with pytest.raises(UsageError):
        runner.client(user_agent="a\nb")


async def test_authorization_uses_launchpad(runner: Runner) -> None:
    with respx.mock(base_url="https://launchpad.37signals.com") as launchpad:
        route = launchpad.get("/authorization.json").respond(
            json={"identity": {"id": 1}, "accounts": []}
        )
        client = runner.client()
        info = await runner.call(client.authorization.get())
        assert info == {"identity": {"id": 1}, "accounts": []}
        assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert client.authorization is client.authorization


async def test_custom_auth_strategy(runner: Runner, api: respx.MockRouter) -> None:
    class HeaderAuth:
        def authenticate(self, headers: Any) -> None:
            headers["Authorization"] = "Custom xyz"

    route = api.get("/999/a.json").respond(json={})
    await runner.call(runner.account(auth=HeaderAuth()).get("/a.json"))
    assert route.calls.last.request.headers["Authorization"] == "Custom xyz"


def test_version_is_exposed() -> None:
    assert isinstance(basecamp.__version__, str)
    assert basecamp.__version__.count(".") >= 2
    _ = httpx  # imported for type clarity in this module
