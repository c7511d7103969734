"""The fake's HTTP contract, straight through the sans-I/O `handle()`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from basecamp.testing import FakeBasecamp, FakeResponse
from basecamp.webhooks import WebhookEvent, WebhookReceiver

ORIGIN = "https://api.test"
AUTH = {"Authorization": "Bearer anything", "Content-Type": "application/json"}


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo", webhook_delivery="sync") as fake:
        yield fake


def _call(fake: FakeBasecamp, method: str, path: str, body: Any = None, **kw: Any) -> FakeResponse:
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body else b"")
    headers = kw.get("headers", AUTH)
    return fake.handle(method, f"{ORIGIN}/{fake.account_id}{path}", headers, raw)


def test_every_response_has_a_request_id_and_json_content_type(fake: FakeBasecamp) -> None:
    ok = _call(fake, "GET", "/projects.json")
    missing = _call(fake, "GET", "/projects/1.json")
    assert ok.status == 200
    assert ok.header("content-type") == "application/json; charset=utf-8"
    assert ok.header("x-request-id") != missing.header("x-request-id")
    assert (
        missing.header(
            "x-request-id",
        )
        is not None
    )


def test_a_bearer_token_is_required(fake: FakeBasecamp) -> None:
    assert _call(fake, "GET", "/projects.json", headers={}).status == 401
    assert _call(fake, "GET", "/projects.json", headers={"Authorization": "Basic x"}).status == 401
    strict = FakeBasecamp(tokens=["right"])
    url = f"{ORIGIN}/{strict.account_id}/projects.json"
    assert strict.handle("GET", url, {"Authorization": "Bearer wrong"}).status == 401
    response = strict.handle("GET", url, {"Authorization": "Bearer right"})
    assert response.status == 200
    assert strict.token == "right"
    assert strict.requests[-1].headers["authorization"] == "<redacted>"


def test_unknown_paths_accounts_and_ids_are_404(fake: FakeBasecamp) -> None:
    assert _call(fake, "GET", "/nope.json").status == 404
    assert fake.handle("GET", f"{ORIGIN}/42/projects.json", AUTH).status == 404
    assert _call(fake, "GET", "/todos/999999").status == 404
    assert _call(fake, "GET", "/todos/abc").status == 404
    # An id of the wrong kind is unknown too.
    assert fake.seeded is not None
    assert _call(fake, "GET", f"/todos/{fake.seeded.project_id}").status == 404


def test_missing_required_fields_are_422_with_field_errors(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    response = _call(fake, "POST", f"/todolists/{fake.seeded.todolist_id}/todos.json", {"x": 1})
    assert response.status == 422
    assert response.json() == {
        "error": "Content can't be blank",
        "errors": {"content": ["can't be blank"]},
    }


def test_unknown_path_ids_are_404_before_the_body_is_validated(fake: FakeBasecamp) -> None:
    # The resource is resolved first, as the real API does: no 422 for a list that is not there.
    for body in ({}, {"content": ""}, {"content": "Fine"}):
        response = _call(fake, "POST", "/todolists/999999/todos.json", body or b"{}")
        assert response.status == 404, body
    assert _call(fake, "PUT", "/todos/999999", {}).status == 404
    # Malformed JSON is still 400, wherever it is sent.
    assert _call(fake, "POST", "/todolists/999999/todos.json", b"{not json").status == 400


@pytest.mark.parametrize("content", ["", "   ", "\n\t"])
def test_blank_required_strings_are_422(fake: FakeBasecamp, content: str) -> None:
    assert fake.seeded is not None
    before = len(fake.todos(fake.seeded.todolist_id))
    path = f"/todolists/{fake.seeded.todolist_id}/todos.json"
    response = _call(fake, "POST", path, b'{"content": %s}' % json.dumps(content).encode())
    assert response.status == 422
    assert response.json() == {
        "error": "Content can't be blank",
        "errors": {"content": ["can't be blank"]},
    }
    assert len(fake.todos(fake.seeded.todolist_id)) == before
    assert _call(fake, "POST", "/projects.json", {"name": content or " "}).status == 422


def test_every_blank_required_field_is_listed(fake: FakeBasecamp) -> None:
    schedule = fake.dock(fake.seeded.project_id, "schedule")  # type: ignore[union-attr]
    path = f"/schedules/{schedule['id']}/entries.json"
    response = _call(fake, "POST", path, b'{"summary": " ", "starts_at": null}')
    assert response.status == 422
    assert response.json() == {
        "error": "Summary can't be blank",
        "errors": {
            "summary": ["can't be blank"],
            "starts_at": ["can't be blank"],
            "ends_at": ["can't be blank"],
        },
    }


def test_webhook_endpoints_answer_field_errors_as_a_bare_400(fake: FakeBasecamp) -> None:
    # As Basecamp's webhook endpoints do: no `error`, just the field map (the URL's is `url`).
    assert fake.seeded is not None
    path = f"/buckets/{fake.seeded.project_id}/webhooks.json"
    response = _call(fake, "POST", path, b'{"payload_url": " ", "types": null}')
    assert response.status == 400
    assert response.json() == {"url": ["can't be blank"], "types": ["can't be blank"]}
    hook = fake.add_webhook(fake.seeded.project_id, "https://hooks.example/x")
    update = _call(fake, "PUT", f"/webhooks/{hook['id']}", {"payload_url": "nope"})
    assert update.status == 400
    assert update.json() == {"url": ["is invalid"]}
    bad_types = _call(fake, "PUT", f"/webhooks/{hook['id']}", {"types": "Todo"})
    assert bad_types.json() == {"types": ["must be a list of recording types"]}


def test_an_empty_string_is_a_value_where_the_api_says_so(fake: FakeBasecamp) -> None:
    # SetCardStepCompletion: "on" completes the step, "" uncompletes it (the documented exception).
    path = "/card_tables/steps/1/completions.json"
    assert _call(fake, "PUT", path, b'{"completion": ""}').status == 200
    assert _call(fake, "PUT", path, {"completion": "on"}).status == 200
    assert _call(fake, "PUT", path, b'{"completion": "  "}').status == 422
    assert _call(fake, "PUT", path, b"{}").status == 422


def test_malformed_json_is_400(fake: FakeBasecamp) -> None:
    assert _call(fake, "POST", "/projects.json", b"{not json").status == 400
    assert _call(fake, "POST", "/projects.json", b"[1, 2]").status == 400


def test_lists_are_link_paginated(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    path = f"/todolists/{fake.seeded.todolist_id}/todos.json"
    first = _call(fake, "GET", path)
    assert len(first.json()) == 15  # type: ignore[arg-type]
    assert first.header("x-total-count") == "20"
    assert first.header("link") == f'<{ORIGIN}/{fake.account_id}{path}?page=2>; rel="next"'
    second = _call(fake, "GET", path + "?page=2")
    assert len(second.json()) == 5  # type: ignore[arg-type]
    assert second.header("link") is None
    assert FakeBasecamp(seed="demo", page_size=50).page_size == 50


def test_records_use_the_request_origin(fake: FakeBasecamp) -> None:
    project = _call(fake, "GET", "/projects.json").json()[0]  # type: ignore[index]
    assert project["url"].startswith(f"{ORIGIN}/{fake.account_id}/projects/")
    assert {tool["name"] for tool in project["dock"]} >= {"todoset", "vault", "kanban_board"}


def test_created_records_come_back_and_trashed_ones_do_not(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    created = _call(fake, "POST", "/projects.json", {"name": "New"})
    assert created.status == 201
    project_id = created.json()["id"]  # type: ignore[index]
    assert _call(fake, "GET", f"/projects/{project_id}").json()["name"] == "New"  # type: ignore[index]
    assert _call(fake, "POST", "/projects.json", {"name": "New"}).status == 422
    assert _call(fake, "DELETE", f"/projects/{project_id}").status == 204
    assert _call(fake, "GET", f"/projects/{project_id}").status == 404
    names = [p["name"] for p in _call(fake, "GET", "/projects.json").json()]  # type: ignore[union-attr]
    assert "New" not in names
    archived = _call(fake, "GET", "/projects.json?status=archived").json()
    assert [p["name"] for p in archived] == ["Old Intranet"]  # type: ignore[union-attr]

    todo = fake.todos(fake.seeded.todolist_id)[0]["id"]
    assert _call(fake, "PUT", f"/recordings/{todo}/status/trashed.json").status == 204
    assert _call(fake, "GET", f"/todos/{todo}").status == 404
    assert fake.record(todo)["status"] == "trashed"  # type: ignore[index]


def test_todo_lifecycle(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    lists = fake.seeded.todolist_id, fake.seeded.small_todolist_id
    todo = _call(
        fake, "POST", f"/todolists/{lists[0]}/todos.json", {"content": "A", "due_on": "2024-05-01"}
    ).json()
    todo_id = todo["id"]  # type: ignore[index]
    assert _call(fake, "POST", f"/todos/{todo_id}/completion.json").status == 204
    assert fake.record(todo_id)["completed"] is True  # type: ignore[index]
    done = _call(fake, "GET", f"/todolists/{lists[0]}/todos.json?completed=true").json()
    assert [t["id"] for t in done] == [todo_id]  # type: ignore[union-attr]
    assert _call(fake, "DELETE", f"/todos/{todo_id}/completion.json").status == 204
    assert fake.record(todo_id)["completed"] is False  # type: ignore[index]
    # A full replace clears what it omits.
    replaced = _call(fake, "PUT", f"/todos/{todo_id}", {"content": "B"}).json()
    assert replaced["content"] == "B"
    assert replaced["due_on"] is None
    # Reposition into the other list, at the top.
    moved = _call(
        fake, "PUT", f"/todos/{todo_id}/position.json", {"position": 1, "parent_id": lists[1]}
    )
    assert moved.status == 204
    assert fake.todos(lists[1])[0]["id"] == todo_id
    bad = _call(fake, "PUT", f"/todos/{todo_id}/position.json", {"position": 1, "parent_id": 1})
    assert bad.status == 422


def test_uploads_download_in_two_hops(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    upload = _call(fake, "GET", f"/uploads/{fake.seeded.upload_id}").json()
    download_url: str = upload["download_url"]  # type: ignore[index]
    # On Basecamp's storage host, whatever origin asked, as Basecamp answers...
    key = download_url.split("/blobs/")[1].split("/")[0]
    assert download_url == (
        f"https://storage.3.basecamp.com/{fake.account_id}/blobs/{key}/download/launch-brief.txt"
    )
    # ...and its path is served on the fake's own origin, where the SDK sends it.
    first = fake.handle("GET", ORIGIN + urlsplit(download_url).path, AUTH)
    assert first.status == 302
    location = first.header("location")
    assert location is not None
    assert location.startswith(f"{ORIGIN}/_storage/{key}/")
    assert "sig=" in location
    assert "expires=" in location
    # Storage wants no token: one is refused (a token leak would show), none is served.
    assert fake.handle("GET", location, AUTH).status == 400
    stored = fake.handle("GET", location, {})
    assert stored.status == 200
    assert stored.body == fake.seeded.upload_bytes
    assert stored.header("content-type") == "text/plain"
    tampered = location.replace("sig=", "sig=0")
    assert fake.handle("GET", tampered, {}).status == 403
    assert fake.upload_bytes(fake.seeded.upload_id) == fake.seeded.upload_bytes


def test_attachments_become_uploads(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    headers = {"Authorization": "Bearer t", "Content-Type": "image/png"}
    url = f"{ORIGIN}/{fake.account_id}/attachments.json?name=pic.png"
    sgid = fake.handle("POST", url, headers, b"\x89PNG").json()["attachable_sgid"]  # type: ignore[index]
    upload = _call(
        fake, "POST", f"/vaults/{fake.seeded.vault_id}/uploads.json", {"attachable_sgid": sgid}
    )
    assert upload.status == 201
    assert upload.json()["byte_size"] == 4  # type: ignore[index]
    bad = _call(
        fake, "POST", f"/vaults/{fake.seeded.vault_id}/uploads.json", {"attachable_sgid": "x"}
    )
    assert bad.status == 422


def test_card_tables_have_columns_and_cards_move(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    table = _call(fake, "GET", f"/card_tables/{fake.seeded.card_table_id}").json()
    assert [c["title"] for c in table["lists"]] == ["Triage", "In progress", "Done"]  # type: ignore[index]
    card = _call(
        fake, "POST", f"/card_tables/lists/{fake.seeded.column_ids[0]}/cards.json", {"title": "T"}
    ).json()
    done = fake.seeded.column_ids[2]
    assert (
        _call(
            fake, "POST", f"/card_tables/cards/{card['id']}/moves.json", {"column_id": done}
        ).status
        == 204
    )  # type: ignore[index]
    cards = _call(fake, "GET", f"/card_tables/lists/{done}/cards.json").json()
    assert card["id"] in [c["id"] for c in cards]  # type: ignore[index,union-attr]


def test_webhooks_deliver_signed_payloads_in_process(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    events: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=fake.webhook_secret).on_any(events.append)
    fake.add_receiver(receiver, "https://hooks.example/basecamp")
    subscription = {"payload_url": "https://hooks.example/basecamp", "types": ["Todo", "Comment"]}
    hook = _call(fake, "POST", f"/buckets/{fake.seeded.project_id}/webhooks.json", subscription)
    assert hook.status == 201
    todo = fake.add_todo(fake.seeded.todolist_id, "Hooked")
    _call(fake, "POST", f"/todos/{todo['id']}/completion.json")
    fake.add_comment(todo["id"], "Nice")
    fake.add_message(fake.seeded.message_board_id, "Not subscribed: Message type")
    assert [e.kind for e in events] == ["todo_created", "todo_completed", "comment_created"]
    assert events[1].recording["id"] == todo["id"]
    assert events[1].creator["id"] == fake.me["id"]
    assert all(d.ok and d.in_process for d in fake.deliveries)
    webhook = _call(fake, "GET", f"/webhooks/{hook.json()['id']}").json()  # type: ignore[index]
    assert len(webhook["recent_deliveries"]) == 3  # type: ignore[index]


def test_a_removed_receiver_gets_nothing_more(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    events: list[WebhookEvent] = []
    fallback: list[WebhookEvent] = []
    url = "https://hooks.example/basecamp"
    fake.add_receiver(WebhookReceiver(secret=fake.webhook_secret).on_any(events.append), url)
    fake.add_receiver(WebhookReceiver(secret=fake.webhook_secret).on_any(fallback.append))
    fake.add_webhook(fake.seeded.project_id, url, ["Todo"])
    fake.add_todo(fake.seeded.todolist_id, "Before")
    fake.remove_receiver(url)
    fake.add_todo(fake.seeded.todolist_id, "After: the catch-all receiver gets it")
    fake.remove_receiver(None)
    fake.add_todo(fake.seeded.todolist_id, "After both: refused, not loopback")
    fake.remove_receiver("https://never.added/")  # a no-op
    assert [e.recording["title"] for e in events] == ["Before"]
    assert [e.recording["title"] for e in fallback] == ["After: the catch-all receiver gets it"]
    last = fake.deliveries[-1]
    assert not last.in_process
    assert last.error is not None
    assert "loopback" in last.error


def test_signatures_are_the_hex_hmac_of_the_exact_body(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    fake.add_receiver(WebhookReceiver(secret=fake.webhook_secret))
    fake.add_webhook(fake.seeded.project_id, "http://127.0.0.1:9/hook")
    fake.add_todo(fake.seeded.todolist_id, "Signed")
    delivery = fake.deliveries[-1]
    expected = hmac.new(fake.webhook_secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["X-Basecamp-Signature"] == expected


def test_event_kinds_follow_the_recording_type(fake: FakeBasecamp) -> None:
    # Basecamp derives kinds from recording types: cards are `kanban_card_*`, chat lines
    # `chat_line_*` (what basecamp.webhooks dispatches on).
    assert fake.seeded is not None
    fake.add_receiver(WebhookReceiver(secret=fake.webhook_secret))
    fake.add_webhook(fake.seeded.project_id, "http://127.0.0.1:9/hook")
    card = fake.add_card(fake.seeded.column_ids[0], "A card")
    _call(fake, "PUT", f"/card_tables/cards/{card['id']}", {"title": "Renamed"})
    chat = fake.dock(fake.seeded.project_id, "chat")
    fake.add_campfire_line(chat["id"], "Hello")
    assert [d.kind for d in fake.deliveries] == [
        "kanban_card_created",
        "kanban_card_changed",
        "chat_line_created",
    ]


def test_webhooks_never_leave_loopback(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    fake.add_webhook(fake.seeded.project_id, "https://example.com/hook")
    fake.add_todo(fake.seeded.todolist_id, "Stays local")
    assert fake.deliveries[-1].status is None
    assert fake.deliveries[-1].error is not None
    assert "loopback" in fake.deliveries[-1].error


def test_invalid_payload_urls_are_a_bare_400(fake: FakeBasecamp) -> None:
    assert fake.seeded is not None
    path = f"/buckets/{fake.seeded.project_id}/webhooks.json"
    response = _call(fake, "POST", path, {"payload_url": "not a url", "types": []})
    assert response.status == 400
    assert response.json() == {"url": ["is invalid"]}
    assert fake.webhooks() == []  # nothing was subscribed


def test_requests_are_recorded_without_the_token(fake: FakeBasecamp) -> None:
    _call(fake, "POST", "/projects.json", {"name": "Recorded"})
    recorded = fake.requests[-1]
    assert recorded.method == "POST"
    assert recorded.path.endswith("/projects.json")
    assert recorded.json == {"name": "Recorded"}
    assert recorded.operation_id == "CreateProject"
    assert recorded.headers["authorization"] == "<redacted>"


def test_state_snapshots(fake: FakeBasecamp) -> None:
    state = fake.state
    assert len(state["Project"]) == 4
    assert len(state["Person"]) == 5
    assert len(fake.people()) == 5
    assert len(fake.webhooks()) == 0
    assert fake.dock(fake.projects()[0]["id"], "todoset")["type"] == "Todoset"


def test_the_demo_seed_is_deterministic() -> None:
    first, second = FakeBasecamp(seed="demo"), FakeBasecamp(seed="demo")
    assert first.state == second.state
    with pytest.raises(ValueError):
        FakeBasecamp(seed="other")
