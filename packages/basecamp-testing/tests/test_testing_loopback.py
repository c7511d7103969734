"""End to end over a real loopback socket: the SDK against `FakeServer`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest

from basecamp import Client, Config, NetworkError, NotFoundError
from basecamp.testing import FakeBasecamp, FakeServer
from basecamp.webhooks import WebhookEvent, WebhookReceiver, verify_signature


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo") as fake:
        yield fake


@pytest.fixture
def url(fake: FakeBasecamp) -> Iterator[str]:
    with fake.serve() as url:
        yield url


@pytest.fixture
def client(fake: FakeBasecamp, url: str) -> Iterator[Client]:
    config = Config(base_url=url, base_delay=0, max_jitter=0)
    with Client(access_token=fake.token, config=config) as client:
        yield client


def test_quick_start(fake: FakeBasecamp, client: Client) -> None:
    account = client.for_account(fake.account_id)
    assert [p["name"] for p in account.projects.list()] == [
        "Launch Plan",
        "Website Redesign",
        "Hiring",
    ]
    assert fake.seeded is not None
    todo = account.todos.create(todolist_id=fake.seeded.todolist_id, content="Over the wire")
    account.todos.complete(todo_id=todo["id"])
    assert account.todos.get(todo_id=todo["id"])["completed"] is True
    with pytest.raises(NotFoundError):
        account.todos.get(todo_id=1)


def test_pagination_follows_absolute_links(fake: FakeBasecamp, client: Client, url: str) -> None:
    assert fake.seeded is not None
    todos = client.for_account(fake.account_id).todos.list(todolist_id=fake.seeded.todolist_id)
    assert len(todos) == 20
    assert todos.meta.pages == 2
    assert todos.meta.total_count == 20
    pages = [r for r in fake.requests if r.operation_id == "ListTodos"]
    assert [r.query for r in pages] == [(), (("page", "2"),)]


def test_downloads_take_two_hops_and_storage_sees_no_token(
    fake: FakeBasecamp, client: Client, url: str
) -> None:
    assert fake.seeded is not None
    account = client.for_account(fake.account_id)
    upload = account.uploads.get(upload_id=fake.seeded.upload_id)
    # Basecamp's storage host, as Basecamp answers; the fake serves its path on its own origin
    # (where the SDK sends a Basecamp-host URL once it maps them onto `base_url`).
    storage = urlsplit(upload["download_url"])
    assert f"{storage.scheme}://{storage.netloc}" == "https://storage.3.basecamp.com"
    result = account.download_url(f"{url}{storage.path}")
    assert result.body == fake.seeded.upload_bytes
    assert result.filename == "launch-brief.txt"
    hop1, hop2 = fake.requests[-2:]
    assert hop1.path.startswith(f"/{fake.account_id}/blobs/")
    assert hop1.status == 302
    assert "authorization" in hop1.headers
    assert hop2.path.startswith("/_storage/")
    assert hop2.status == 200
    assert "authorization" not in hop2.headers


def test_webhooks_reach_a_wsgi_receiver_on_loopback(fake: FakeBasecamp, client: Client) -> None:
    assert fake.seeded is not None
    arrived = threading.Event()
    events: list[WebhookEvent] = []

    def on_completed(event: WebhookEvent) -> None:
        events.append(event)
        arrived.set()

    receiver = WebhookReceiver(secret=fake.webhook_secret).on("todo_completed", on_completed)

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server("127.0.0.1", 0, receiver.wsgi_app(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        account = client.for_account(fake.account_id)
        payload_url = f"http://127.0.0.1:{server.server_port}/hooks"
        account.webhooks.create(
            project_id=fake.seeded.project_id, payload_url=payload_url, types=["Todo"]
        )
        todo_id = fake.todos(fake.seeded.todolist_id)[3]["id"]
        account.todos.complete(todo_id=todo_id)
        assert arrived.wait(5)
        assert fake.wait_for_deliveries(5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert events[0].kind == "todo_completed"
    assert events[0].recording_id == todo_id
    delivery = fake.deliveries[-1]
    assert delivery.ok
    assert not delivery.in_process
    signature = delivery.headers["X-Basecamp-Signature"]
    assert verify_signature(delivery.body, fake.webhook_secret, signature)
    assert delivery.json()["recording"]["url"].startswith("http://127.0.0.1:")  # type: ignore[index]


def test_a_server_reset_is_retried_for_gets_and_ambiguous_for_posts(
    fake: FakeBasecamp, client: Client
) -> None:
    assert fake.seeded is not None
    account = client.for_account(fake.account_id)
    fake.faults.reset_next(1, method="GET")
    assert len(account.projects.list()) == 3
    fake.faults.reset_next(1, method="POST", when="after")
    with pytest.raises(NetworkError) as caught:
        account.todos.create(todolist_id=fake.seeded.todolist_id, content="Lost answer")
    assert not caught.value.retryable
    assert any(t["content"] == "Lost answer" for t in fake.todos())
    # The client's pool recovers: the next request works on a fresh connection.
    assert len(account.people.list()) == 5


def test_keep_alive_and_401(fake: FakeBasecamp, url: str) -> None:
    with httpx.Client(base_url=url) as raw:
        first = raw.get(f"/{fake.account_id}/projects.json", headers={"Authorization": "Bearer x"})
        second = raw.get(f"/{fake.account_id}/projects.json")
    assert first.status_code == 200
    assert first.http_version == "HTTP/1.1"
    assert second.status_code == 401
    assert "x-request-id" in second.headers


def test_the_server_listens_on_loopback_only(fake: FakeBasecamp) -> None:
    with pytest.raises(ValueError):
        FakeServer(fake, host="0.0.0.0")
    server = FakeServer(fake)
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert server.url.startswith("http://127.0.0.1:")
    server.stop()  # stopping twice is fine


def test_inspection_urls_are_on_the_serving_origin() -> None:
    with FakeBasecamp(seed="demo") as fake:
        assert fake.seeded is not None
        upload_id = fake.seeded.upload_id
        # Before any request or server: the transports' origin, the SDK's default base URL.
        assert fake.origin == "https://3.basecampapi.com"
        download_url = fake.record(upload_id)["download_url"]  # type: ignore[index]
        # Never rewritten: an upload's download URL is on Basecamp's storage host, as in Basecamp.
        assert download_url.startswith(f"https://storage.3.basecamp.com/{fake.account_id}/blobs/")
        with fake.serve() as url:
            assert fake.origin == url
            upload = fake.record(upload_id)
            assert upload is not None
            assert upload["url"] == f"{url}/{fake.account_id}/uploads/{upload_id}"
            assert upload["download_url"] == download_url
            # Its path works on the server: hop 1 redirects, hop 2 serves the bytes.
            headers = {"Authorization": f"Bearer {fake.token}"}
            hop = httpx.get(url + urlsplit(download_url).path, headers=headers)
            assert hop.status_code == 302
            assert httpx.get(hop.headers["location"]).content == fake.seeded.upload_bytes
            everything = [fake.state, fake.records("Todo"), fake.projects(), fake.webhooks()]
            assert "fake-basecamp.invalid" not in repr(everything)
            todo = fake.add_todo(fake.seeded.todolist_id, "Built")
            assert todo["url"].startswith(url)
        assert fake.origin == "https://3.basecampapi.com"
        # Through a transport on another origin, inspection follows the latest request.
        with fake.client(base_url="https://api.elsewhere.test") as client:
            client.for_account(fake.account_id).projects.list()
        assert fake.origin == "https://api.elsewhere.test"
        assert fake.projects()[0]["url"].startswith("https://api.elsewhere.test/")
