"""Subtasks in the fake: kept under their to-do or card, and shown in the parent's counters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from basecamp import AccountClient, NotFoundError, ValidationError
from basecamp.testing import DEFAULT_BASE_URL, FakeBasecamp


@pytest.fixture
def fake() -> FakeBasecamp:
    return FakeBasecamp()


def _todo(fake: FakeBasecamp) -> dict[str, Any]:
    project = fake.add_project("Subtasks")
    todolist = fake.add_todolist(fake.dock(project["id"], "todoset")["id"], "List")
    return fake.add_todo(todolist["id"], "Pack for the trip")


def _titles(account: AccountClient, parent_id: int) -> list[str]:
    return [s["title"] for s in account.subtasks.list(recording_id=parent_id)]


def test_create_then_list_and_get(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    alice = fake.add_person("Alice Ames")
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        made = account.subtasks.create(
            recording_id=todo["id"],
            title="Passport",
            due_on="2024-02-01",
            assignee_ids=[alice["id"]],
        )
        account.subtasks.create(recording_id=todo["id"], title="Tickets")
        assert _titles(account, todo["id"]) == ["Passport", "Tickets"]
        got = account.subtasks.get(subtask_id=made["id"])
    assert got["title"] == "Passport"
    assert got["due_on"] == "2024-02-01"
    assert [p["id"] for p in got["assignees"]] == [alice["id"]]
    assert got["parent"]["id"] == todo["id"]
    assert got["completed"] is False
    assert got["position"] == 1
    assert "completion" not in got


def test_the_parent_counts_its_subtasks_and_links_to_them(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        before = account.todos.get(todo_id=todo["id"])
        assert (before["subtasks_count"], before["subtasks_completed_count"]) == (0, 0)
        first = account.subtasks.create(recording_id=todo["id"], title="One")
        account.subtasks.create(recording_id=todo["id"], title="Two")
        account.subtasks.complete(subtask_id=first["id"])
        after = account.todos.get(todo_id=todo["id"])
        assert (after["subtasks_count"], after["subtasks_completed_count"]) == (2, 1)
    # The link is one the fake answers.
    assert after["subtasks_url"].endswith(f"/recordings/{todo['id']}/subtasks.json")
    followed = fake.handle("GET", after["subtasks_url"], {"Authorization": "Bearer t"})
    assert [s["title"] for s in followed.json()] == ["One", "Two"]


def test_complete_and_uncomplete_flip_completion(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        subtask = account.subtasks.create(recording_id=todo["id"], title="Passport")
        account.subtasks.complete(subtask_id=subtask["id"])
        account.subtasks.complete(subtask_id=subtask["id"])  # twice: still done, once
        done = account.subtasks.get(subtask_id=subtask["id"])
        assert done["completed"] is True
        assert done["completion"]["creator"]["id"] == fake.me["id"]
        assert done["completion"]["created_at"] == done["completed_at"]
        assert done["completer"]["id"] == fake.me["id"]
        account.subtasks.uncomplete(subtask_id=subtask["id"])
        reopened = account.subtasks.get(subtask_id=subtask["id"])
        parent = account.todos.get(todo_id=todo["id"])
    assert reopened["completed"] is False
    assert not {"completion", "completed_at", "completer"} & reopened.keys()
    assert parent["subtasks_completed_count"] == 0


def test_update_changes_only_what_is_sent(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        subtask = account.subtasks.create(recording_id=todo["id"], title="Old", due_on="2024-02-01")
        renamed = account.subtasks.update(subtask_id=subtask["id"], title="New")
        assert (renamed["title"], renamed["due_on"]) == ("New", "2024-02-01")
        assert account.subtasks.get(subtask_id=subtask["id"])["title"] == "New"
        with pytest.raises(ValidationError) as caught:
            account.subtasks.update(subtask_id=subtask["id"], title="  ")
    assert caught.value.errors == {"title": ["can't be blank"]}


def test_delete_hides_it_and_renumbers_the_rest(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        ids = [
            account.subtasks.create(recording_id=todo["id"], title=t)["id"] for t in ("A", "B", "C")
        ]
        account.subtasks.delete(subtask_id=ids[0])
        with pytest.raises(NotFoundError):
            account.subtasks.get(subtask_id=ids[0])
        left = account.subtasks.list(recording_id=todo["id"])
        assert account.todos.get(todo_id=todo["id"])["subtasks_count"] == 2
    assert [(s["title"], s["position"]) for s in left] == [("B", 1), ("C", 2)]


def test_reposition_orders_the_checklist(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        ids = {
            t: account.subtasks.create(recording_id=todo["id"], title=t)["id"]
            for t in ("A", "B", "C")
        }
        account.subtasks.reposition(subtask_id=ids["C"], position=1)
        assert _titles(account, todo["id"]) == ["C", "A", "B"]
        account.subtasks.reposition(subtask_id=ids["C"], position=2)
        assert _titles(account, todo["id"]) == ["A", "C", "B"]
        account.subtasks.reposition(subtask_id=ids["A"], position=99)  # past the end: last
        listed = account.subtasks.list(recording_id=todo["id"])
        with pytest.raises(ValidationError) as caught:
            account.subtasks.reposition(subtask_id=ids["A"], position=0)
    assert [(s["title"], s["position"]) for s in listed] == [("C", 1), ("B", 2), ("A", 3)]
    assert list(caught.value.errors) == ["position"]


def test_cards_take_subtasks_too(fake: FakeBasecamp) -> None:
    project = fake.add_project("Cards")
    column = fake.dock(project["id"], "kanban_board")["lists"][0]
    card = fake.add_card(column["id"], "Launch")
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        account.subtasks.create(recording_id=card["id"], title="Press release")
        shown = account.cards.get(card_id=card["id"])
    assert shown["subtasks_count"] == 1
    assert [s["title"] for s in fake.records("Subtask")] == ["Press release"]


def test_unknown_parents_and_subtasks_are_not_found(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    board = fake.dock(todo["bucket"]["id"], "message_board")
    message = fake.add_message(board["id"], "No checklists here")
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        for call in (
            lambda: account.subtasks.create(recording_id=424242, title="x"),
            lambda: account.subtasks.list(recording_id=424242),
            # A recording that takes no subtasks is not found either.
            lambda: account.subtasks.create(recording_id=message["id"], title="x"),
            lambda: account.subtasks.get(subtask_id=todo["id"]),
            lambda: account.subtasks.complete(subtask_id=424242),
        ):
            with pytest.raises(NotFoundError):
                call()


def _post(fake: FakeBasecamp, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    url = f"{DEFAULT_BASE_URL}/{fake.account_id}{path}"
    headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    response = fake.handle("POST", url, headers, json.dumps(body).encode())
    return response.status, response.json()


def test_a_blank_title_is_a_422_and_an_unknown_parent_a_404_first(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    status, body = _post(fake, f"/recordings/{todo['id']}/subtasks.json", {"title": " "})
    assert (status, body) == (
        422,
        {"error": "Title can't be blank", "errors": {"title": ["can't be blank"]}},
    )
    # The unknown parent answers before the blank field.
    assert _post(fake, "/recordings/424242/subtasks.json", {"title": ""})[0] == 404
    assert fake.records("Subtask") == []


async def test_async_create_complete_and_reposition(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    async with fake.async_client() as client:
        account = client.for_account(fake.account_id)
        first = await account.subtasks.create(recording_id=todo["id"], title="First")
        second = await account.subtasks.create(recording_id=todo["id"], title="Second")
        await account.subtasks.complete(subtask_id=second["id"])
        await account.subtasks.reposition(subtask_id=second["id"], position=1)
        listed = await account.subtasks.list(recording_id=todo["id"])
        parent = await account.todos.get(todo_id=todo["id"])
        await account.subtasks.delete(subtask_id=first["id"])
        with pytest.raises(NotFoundError):
            await account.subtasks.get(subtask_id=first["id"])
    assert [(s["title"], s["completed"]) for s in listed] == [("Second", True), ("First", False)]
    assert (parent["subtasks_count"], parent["subtasks_completed_count"]) == (2, 1)


def test_a_trashed_parent_takes_its_subtasks_with_it(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    with fake.client() as client:
        account = client.for_account(fake.account_id)
        subtask = account.subtasks.create(recording_id=todo["id"], title="Passport")
        account.recordings.trash(recording_id=todo["id"])
        for call in (
            lambda: account.subtasks.get(subtask_id=subtask["id"]),
            lambda: account.subtasks.list(recording_id=todo["id"]),
            lambda: account.subtasks.complete(subtask_id=subtask["id"]),
        ):
            with pytest.raises(NotFoundError):
                call()
    assert fake.records("Subtask")[0]["status"] == "active"  # kept, inheriting the trash


def test_a_recording_that_takes_no_subtasks_is_a_404_before_any_field_error(
    fake: FakeBasecamp,
) -> None:
    todo = _todo(fake)
    board = fake.dock(todo["bucket"]["id"], "message_board")
    message = fake.add_message(board["id"], "No checklists here")
    assert _post(fake, f"/recordings/{message['id']}/subtasks.json", {"title": ""})[0] == 404


def test_the_builder_adds_subtasks_under_to_dos_and_cards(fake: FakeBasecamp) -> None:
    todo = _todo(fake)
    alice = fake.add_person("Alice Ames")
    open_one = fake.add_subtask(todo["id"], "Passport", assignee_ids=[alice["id"]])
    done = fake.add_subtask(todo["id"], "Tickets", due_on="2024-02-01", completed=True)
    assert (open_one["position"], done["position"]) == (1, 2)
    assert [p["id"] for p in open_one["assignees"]] == [alice["id"]]
    assert done["completed"] is True
    assert done["completion"]["creator"]["id"] == fake.me["id"]
    shown = fake.record(todo["id"])
    assert shown is not None
    assert (shown["subtasks_count"], shown["subtasks_completed_count"]) == (2, 1)
    # Like the other builders, it refuses a parent that is not there (the fake's own 404).
    with pytest.raises(Exception, match="404"):
        fake.add_subtask(fake.me["id"], "Not under a person")
