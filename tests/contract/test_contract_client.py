"""The client half of the public contract: each example of the single-wheel SDK's README, run.

Each test repeats one example's calls as a user would write them (no config, the real default
origin) against the fake behind respx (see `conftest.py`), then checks what the example promises.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time

import pytest

import basecamp
from basecamp import (
    ApiError,
    AsyncClient,
    AuthError,
    AuthStrategy,
    BasecampError,
    Client,
    Config,
    ErrorCode,
    ExitCode,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    OAuthTokenProvider,
    RateLimitError,
    UsageError,
    ValidationError,
)
from basecamp.hooks import (
    BasecampHooks,
    OperationInfo,
    OperationResult,
    RequestInfo,
    RequestResult,
    chain_hooks,
    console_hooks,
)

from .conftest import CLIENT_ID, CLIENT_SECRET, ISSUED_ACCESS, World

DEMO_PROJECTS = ["Launch Plan", "Website Redesign", "Hiring"]


def _account() -> basecamp.AccountClient:
    client = Client(access_token=os.environ["BASECAMP_TOKEN"])
    return client.for_account(os.environ["BASECAMP_ACCOUNT_ID"])


# -- quick start --------------------------------------------------------------------------------


def test_quick_start_lists_projects_with_their_keys(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    client = Client(access_token=os.environ["BASECAMP_TOKEN"])
    account = client.for_account(os.environ["BASECAMP_ACCOUNT_ID"])
    projects = account.projects.list()
    for project in projects:
        print(f"{project['id']}: {project['name']}")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == DEMO_PROJECTS
    assert all(line.split(": ", 1)[0].isdigit() for line in lines)
    # The example never closes the client: nothing is left half-open for the caller to manage.
    client.close()


def test_async_quick_start(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    async def main() -> None:
        async with AsyncClient(access_token=os.environ["BASECAMP_TOKEN"]) as client:
            account = client.for_account(os.environ["BASECAMP_ACCOUNT_ID"])
            projects = await account.projects.list()
            for project in projects:
                print(f"{project['id']}: {project['name']}")

    asyncio.run(main())
    names = [line.split(": ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert names == DEMO_PROJECTS


# -- configuration ------------------------------------------------------------------------------


def test_config_environment_variables_and_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BASECAMP_BASE_URL", "BASECAMP_TIMEOUT", "BASECAMP_MAX_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    defaults = Config.from_env()
    assert (defaults.base_url, defaults.timeout, defaults.max_retries) == (
        "https://3.basecampapi.com",
        30,
        3,
    )
    monkeypatch.setenv("BASECAMP_BASE_URL", "https://bc.example.com")
    monkeypatch.setenv("BASECAMP_TIMEOUT", "12.5")
    monkeypatch.setenv("BASECAMP_MAX_RETRIES", "1")
    loaded = Config.from_env()
    assert (loaded.base_url, loaded.timeout, loaded.max_retries) == (
        "https://bc.example.com",
        12.5,
        1,
    )


def test_programmatic_config_is_frozen_and_used(world: World) -> None:
    config = Config(
        base_url="https://3.basecampapi.com",
        timeout=30.0,
        max_retries=3,
        base_delay=1.0,
        max_jitter=0.1,
        max_pages=10_000,
    )
    client = Client(access_token=world.fake.token, config=config)
    assert client.config is config
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timeout = 5.0  # type: ignore[misc]
    assert len(client.for_account(world.fake.account_id).projects.list()) == 3
    client.close()


def test_max_pages_truncates_and_says_so(world: World) -> None:
    client = Client(access_token=world.fake.token, config=Config(max_pages=1))
    seed = world.fake.seeded
    assert seed is not None
    todos = client.for_account(world.fake.account_id).todos.list(todolist_id=seed.todolist_id)
    assert len(todos) == world.fake.page_size
    assert todos.meta.truncated is True
    assert todos.meta.total_count == 20
    client.close()


# -- authentication -----------------------------------------------------------------------------


def test_static_token(world: World) -> None:
    client = Client(access_token="your-token")
    client.for_account(world.fake.account_id).projects.list()
    assert world.last_authorization == "Bearer your-token"


def test_oauth_token_provider_refreshes_an_expired_token_and_reports_it(world: World) -> None:
    saved: list[tuple[str, str | None, float | None]] = []

    def save_tokens(access: str, refresh: str | None, expires_at: float | None) -> None:
        saved.append((access, refresh, expires_at))

    provider = OAuthTokenProvider(
        access_token="stale-access",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token="old-refresh",
        expires_at=1234567890.0,
        on_refresh=lambda access, refresh, expires_at: save_tokens(access, refresh, expires_at),
    )
    client = Client(token_provider=provider)
    assert len(client.for_account(world.fake.account_id).projects.list()) == 3
    assert len(saved) == 1
    access, refresh, expires_at = saved[0]
    assert access == f"{ISSUED_ACCESS}-1"
    assert refresh is not None and expires_at is not None and expires_at > time.time()
    assert world.launchpad.token_forms[0]["refresh_token"] == "old-refresh"
    assert world.last_authorization == f"Bearer {access}"


def test_custom_auth_strategy(world: World) -> None:
    def get_token() -> str:
        return "strategy-token"

    class MyAuth:
        def authenticate(self, headers: dict[str, str]) -> None:
            headers["Authorization"] = "Bearer " + get_token()

    assert isinstance(MyAuth(), AuthStrategy)
    client = Client(auth=MyAuth())
    client.for_account(world.fake.account_id).projects.list()
    assert world.last_authorization == "Bearer strategy-token"


def test_authorization_lives_on_the_client(world: World) -> None:
    client = Client(access_token=world.fake.token)
    auth = client.authorization.get()
    assert auth["accounts"][0]["id"] == world.fake.account_id
    assert client.for_account(auth["accounts"][0]["id"]).projects.list()


# -- services and keyword-only calls ------------------------------------------------------------

CONTRACT_ACCESSORS = [
    "projects",
    "templates",
    "tools",
    "people",
    "todos",
    "todolists",
    "todosets",
    "todolist_groups",
    "hill_charts",
    "messages",
    "message_boards",
    "message_types",
    "comments",
    "campfires",
    "schedules",
    "timeline",
    "lineup",
    "checkins",
    "vaults",
    "documents",
    "uploads",
    "attachments",
    "card_tables",
    "cards",
    "card_columns",
    "card_steps",
    "client_approvals",
    "client_correspondences",
    "client_replies",
    "client_visibility",
    "webhooks",
    "subscriptions",
    "events",
    "automation",
    "boosts",
    "search",
    "reports",
    "timesheets",
    "recordings",
    "forwards",
]


def test_every_service_of_the_contract_is_on_the_account(world: World) -> None:
    assert len(CONTRACT_ACCESSORS) == 40
    account = _account()
    for accessor in CONTRACT_ACCESSORS:
        service = getattr(account, accessor)
        assert type(service).__module__.startswith("basecamp.services"), accessor


def test_service_methods_take_keyword_arguments_only(world: World) -> None:
    account = _account()
    seed = world.fake.seeded
    assert seed is not None
    todo_id = account.todos.list(todolist_id=seed.todolist_id)[0]["id"]
    todo = account.todos.get(todo_id=todo_id)
    assert todo["id"] == todo_id
    project = account.projects.create(name="My Project", description="A new project")
    assert (project["name"], project["description"]) == ("My Project", "A new project")
    todos = account.todos.list(todolist_id=seed.todolist_id, status="active")
    assert len(todos) == 20
    with pytest.raises(TypeError):
        account.todos.get(todo_id)  # type: ignore[misc]


# -- pagination ---------------------------------------------------------------------------------


def test_list_result_is_a_list_with_meta(world: World) -> None:
    account = _account()
    projects = account.projects.list()
    assert isinstance(projects, list)
    assert [project["name"] for project in projects] == DEMO_PROJECTS
    assert projects.meta.total_count == 3
    assert projects.meta.truncated is False
    assert len(projects) == 3
    assert projects[0]["name"] == "Launch Plan"
    assert [p["name"] for p in projects[:5]] == DEMO_PROJECTS
    seed = world.fake.seeded
    assert seed is not None
    todos = account.todos.list(todolist_id=seed.todolist_id)
    assert len(todos) == 20 and todos.meta.total_count == 20  # two pages, followed


# -- errors -------------------------------------------------------------------------------------


def test_error_example_catches_not_found_with_its_details(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    client = Client(access_token="...")
    account = client.for_account("12345")
    try:
        account.projects.get(project_id=999)
    except NotFoundError as e:
        print(f"Not found: {e}")
        print(f"HTTP status: {e.http_status}")
        print(f"Request ID: {e.request_id}")
    except RateLimitError as e:  # pragma: no cover - the branch the example shows
        print(f"Rate limited, retry after: {e.retry_after}s")
    except AuthError as e:  # pragma: no cover
        print(f"Authentication failed: {e.hint}")
    except BasecampError as e:  # pragma: no cover
        print(f"API error [{e.code}]: {e}")
    out = capsys.readouterr().out
    assert "HTTP status: 404" in out
    request_id = out.split("Request ID: ", 1)[1].strip()
    assert request_id and request_id != "None"


def test_rate_limit_and_auth_errors_carry_retry_after_and_hint(world: World) -> None:
    account = Client(access_token=world.fake.token, config=Config(max_retries=0)).for_account(
        world.fake.account_id
    )
    world.fake.faults.fail_next(1, status=429, retry_after=7)
    with pytest.raises(RateLimitError) as limited:
        account.projects.list()
    assert limited.value.retry_after == 7
    bad = Client(access_token="...").for_account(world.fake.account_id)
    world.fake.faults.fail_next(1, status=401)
    with pytest.raises(AuthError) as denied:
        bad.projects.list()
    assert denied.value.hint and "token" in denied.value.hint


@pytest.mark.parametrize(
    ("error", "code", "exit_code"),
    [
        (UsageError, "usage", 1),
        (NotFoundError, "not_found", 2),
        (AuthError, "auth_required", 3),
        (ForbiddenError, "forbidden", 4),
        (RateLimitError, "rate_limit", 5),
        (NetworkError, "network", 6),
        (ApiError, "api_error", 7),
        (basecamp.AmbiguousError, "ambiguous", 8),
        (ValidationError, "validation", 9),
    ],
)
def test_error_table(error: type[BasecampError], code: str, exit_code: int) -> None:
    assert issubclass(error, BasecampError)
    instance = error("message")
    assert instance.code == ErrorCode(code)
    assert instance.exit_code == ExitCode(exit_code)
    for attribute in ("hint", "http_status", "retryable", "retry_after", "request_id"):
        assert hasattr(instance, attribute), attribute


@pytest.mark.parametrize(
    ("status", "error", "retryable"),
    [
        (404, NotFoundError, False),
        (401, AuthError, False),
        (403, ForbiddenError, False),
        (429, RateLimitError, True),
        (500, ApiError, True),
        (502, ApiError, True),
        (503, ApiError, True),
        (504, ApiError, True),
        (418, ApiError, False),
        (400, ValidationError, False),
        (422, ValidationError, False),
    ],
)
def test_error_table_statuses_on_reads(
    world: World, status: int, error: type[BasecampError], retryable: bool
) -> None:
    account = Client(access_token=world.fake.token, config=Config(max_retries=0)).for_account(
        world.fake.account_id
    )
    world.fake.faults.fail_next(1, status=status, method="GET")
    with pytest.raises(error) as caught:
        account.projects.list()
    assert caught.value.http_status == status
    assert caught.value.retryable is retryable


# -- retries ------------------------------------------------------------------------------------


def _quick(world: World, **config: object) -> basecamp.AccountClient:
    settings: dict[str, object] = {"base_delay": 0.0, "max_jitter": 0.0, **config}
    client = Client(access_token=world.fake.token, config=Config(**settings))  # type: ignore[arg-type]
    return client.for_account(world.fake.account_id)


def _attempts(world: World, method: str) -> int:
    return sum(1 for request in world.fake.requests if request.method == method)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_reads_retry_up_to_max_retries_plus_one_attempts(world: World, status: int) -> None:
    account = _quick(world)
    world.fake.faults.fail_next(10, status=status, method="GET")
    with pytest.raises(BasecampError):
        account.projects.list()
    assert _attempts(world, "GET") == 4  # max_retries 3 -> four attempts


def test_reads_recover_after_transient_failures(world: World) -> None:
    account = _quick(world)
    world.fake.faults.fail_next(2, status=503, method="GET")
    assert len(account.projects.list()) == 3


def test_non_idempotent_writes_are_not_retried(world: World) -> None:
    account = _quick(world)
    world.fake.faults.fail_next(1, status=503, method="POST")
    with pytest.raises(ApiError):
        account.projects.create(name="Once only")
    assert _attempts(world, "POST") == 1


def test_idempotent_writes_retry(world: World) -> None:
    account = _quick(world)
    project_id = account.projects.list()[0]["id"]
    world.fake.faults.fail_next(2, status=503, method="PUT")
    account.projects.archive(project_id=project_id)
    assert _attempts(world, "PUT") == 3


def test_a_401_refreshes_then_retries_once_even_for_writes(world: World) -> None:
    provider = OAuthTokenProvider(
        access_token="rejected-access",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token="r",
        expires_at=time.time() + 3600,
    )
    world.fake.faults.fail_next(1, status=401, method="POST")
    account = Client(token_provider=provider).for_account(world.fake.account_id)
    project = account.projects.create(name="After refresh")
    assert project["name"] == "After refresh"
    assert world.authorization[-2:] == ["Bearer rejected-access", f"Bearer {ISSUED_ACCESS}-1"]
    assert len(world.launchpad.token_forms) == 1


def test_retry_after_replaces_the_backoff_on_429(world: World) -> None:
    slept: list[float] = []

    class Record(BasecampHooks):
        def on_retry(
            self, info: RequestInfo, attempt: int, error: BaseException, delay: float
        ) -> None:
            slept.append(delay)

    client = Client(
        access_token=world.fake.token,
        config=Config(base_delay=0.0, max_jitter=0.0),
        hooks=Record(),
    )
    world.fake.faults.fail_next(1, status=429, retry_after=1, method="GET")
    client.for_account(world.fake.account_id).projects.list()
    assert slept == [1.0]  # base_delay is 0: only the server's value can make it 1 s


# -- observability ------------------------------------------------------------------------------


def test_console_hooks_log_to_stderr(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    client = Client(access_token=world.fake.token, hooks=console_hooks())
    client.for_account(world.fake.account_id).projects.list()
    err = capsys.readouterr().err
    assert "projects" in err and "GET" in err
    assert world.fake.token not in err


class _Recorder(BasecampHooks):
    """The hook class of the contract's example, recording instead of printing."""

    def __init__(self, log: list[str], name: str = "") -> None:
        self.log = log
        self.name = name

    def on_operation_start(self, info: OperationInfo) -> None:
        self.log.append(f"{self.name}-> {info.service}.{info.operation}")

    def on_operation_end(self, info: OperationInfo, result: OperationResult) -> None:
        status = "ok" if result.error is None else "error"
        self.log.append(f"{self.name}<- {info.service}.{info.operation} {status}")
        assert result.duration_ms >= 0

    def on_request_start(self, info: RequestInfo) -> None:
        self.log.append(f"{self.name}   {info.method} attempt {info.attempt}")

    def on_request_end(self, info: RequestInfo, result: RequestResult) -> None:
        self.log.append(f"{self.name}   {result.status_code}")
        assert result.duration >= 0

    def on_retry(self, info: RequestInfo, attempt: int, error: BaseException, delay: float) -> None:
        self.log.append(f"{self.name}   retry {attempt}")

    def on_paginate(self, url: str, page: int) -> None:
        self.log.append(f"{self.name}   page {page}")


def test_custom_hooks_see_operations_requests_retries_and_pages(world: World) -> None:
    log: list[str] = []
    client = Client(
        access_token=world.fake.token,
        config=Config(base_delay=0.0, max_jitter=0.0),
        hooks=_Recorder(log),
    )
    seed = world.fake.seeded
    assert seed is not None
    world.fake.faults.fail_next(1, status=503, method="GET")
    client.for_account(world.fake.account_id).todos.list(todolist_id=seed.todolist_id)
    assert log[0] == "-> todos.list"
    assert log[-1] == "<- todos.list ok"
    assert "   503" in log and "   retry 1" in log
    assert any(line.startswith("   page 2") for line in log)
    assert log.count("   200") == 2


def test_chain_hooks_end_callbacks_run_in_reverse(world: World) -> None:
    log: list[str] = []
    combined = chain_hooks(console_hooks(), _Recorder(log, "a"), _Recorder(log, "b"))
    client = Client(access_token=world.fake.token, hooks=combined)
    client.for_account(world.fake.account_id).projects.list()
    starts = [line for line in log if "->" in line]
    ends = [line for line in log if "<-" in line]
    assert starts == ["a-> projects.list", "b-> projects.list"]
    assert ends == ["b<- projects.list ok", "a<- projects.list ok"]


def test_a_failing_hook_never_interrupts_the_call(
    world: World, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(BasecampHooks):
        def on_request_start(self, info: RequestInfo) -> None:
            raise RuntimeError("hook bug")

    client = Client(access_token=world.fake.token, hooks=Broken())
    assert len(client.for_account(world.fake.account_id).projects.list()) == 3
    reported = capsys.readouterr().err + caplog.text
    assert "on_request_start" in reported and "RuntimeError" in reported


# -- downloads ----------------------------------------------------------------------------------


def _upload(world: World) -> dict[str, object]:
    seed = world.fake.seeded
    assert seed is not None
    upload = _account().uploads.get(upload_id=seed.upload_id)
    return dict(upload)


def test_download_url_returns_name_type_length_and_bytes(world: World, tmp_path: object) -> None:
    seed = world.fake.seeded
    assert seed is not None
    upload = _upload(world)
    url = upload["download_url"]
    assert isinstance(url, str)
    result = _account().download_url(url)
    assert result.filename == "launch-brief.txt"
    assert result.content_type.startswith("text/plain")
    assert result.content_length == len(seed.upload_bytes)
    assert result.body == seed.upload_bytes


def test_download_url_from_the_storage_host(world: World) -> None:
    seed = world.fake.seeded
    assert seed is not None
    url = _upload(world)["download_url"]
    assert isinstance(url, str)
    assert url.startswith("https://storage.3.basecamp.com/"), url
    assert _account().download_url(url).body == seed.upload_bytes


def test_async_client_mirrors_the_sync_api(world: World) -> None:
    seed = world.fake.seeded
    assert seed is not None
    url = _upload(world)["download_url"]
    assert isinstance(url, str)

    async def main() -> tuple[int, object, bytes]:
        async with AsyncClient(access_token="...") as client:
            account = client.for_account("12345")
            projects = await account.projects.list()
            todos = await account.todos.list(todolist_id=seed.todolist_id)
            todo = await account.todos.get(todo_id=todos[0]["id"])
            result = await account.download_url(url)
            return len(projects), todo["id"], result.body

    count, todo_id, body = asyncio.run(main())
    assert count == 3 and isinstance(todo_id, int)
    assert body == seed.upload_bytes


def test_async_client_closes_manually(world: World) -> None:
    async def main() -> None:
        client = AsyncClient(access_token="...")
        await client.for_account("12345").projects.list()
        await client.close()

    asyncio.run(main())
