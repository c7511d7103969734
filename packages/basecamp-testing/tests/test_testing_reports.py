"""The "everything" reports that follow the fake's state (the others answer generated records)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from basecamp import AccountClient
from basecamp.testing import FakeBasecamp


@pytest.fixture
def fake() -> Iterator[FakeBasecamp]:
    with FakeBasecamp(seed="demo", webhook_delivery="sync") as fake:
        yield fake


@pytest.fixture
def account(fake: FakeBasecamp) -> Iterator[AccountClient]:
    with fake.client() as client:
        yield client.for_account(fake.account_id)


def _grouped(groups: Any) -> dict[str, list[str]]:
    return {group["bucket"]["name"]: [t["title"] for t in group["todos"]] for group in groups}


def test_open_todos_are_the_fakes_open_todos_grouped_by_project(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    groups = account.everything.open_todos()
    assert [g["bucket"]["name"] for g in groups] == ["Launch Plan", "Website Redesign", "Hiring"]
    assert all(g["bucket"]["type"] == "Project" for g in groups)
    launch = _grouped(groups)["Launch Plan"]
    assert len(launch) == 20 + 2  # the checklist, and the marketing list less its completed to-do
    assert "Pick the launch theme" not in launch
    open_ids = {t["id"] for t in fake.records("Todo") if not t["completed"]}
    assert {t["id"] for g in groups for t in g["todos"]} == open_ids

    # It follows the state: a new to-do appears, a completed or trashed one goes.
    assert fake.seeded is not None
    new = account.todos.create(todolist_id=fake.seeded.small_todolist_id, content="Fresh")
    first = fake.todos(fake.seeded.todolist_id)[0]["id"]
    account.todos.complete(todo_id=first)
    launch = _grouped(account.everything.open_todos())["Launch Plan"]
    assert "Fresh" in launch
    assert len(launch) == 22
    account.recordings.trash(recording_id=new["id"])
    assert "Fresh" not in _grouped(account.everything.open_todos())["Launch Plan"]
    completed = _grouped(account.everything.completed_todos())
    assert sorted(completed["Launch Plan"]) == sorted(
        ["Pick the launch theme", fake.todos(fake.seeded.todolist_id)[0]["title"]]
    )
    assert set(completed) == {"Launch Plan"}


def test_archived_projects_and_trashed_lists_are_left_out(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    hiring = next(p for p in fake.projects() if p["name"] == "Hiring")
    account.projects.archive(project_id=hiring["id"])
    assert "Hiring" not in _grouped(account.everything.open_todos())
    assert fake.seeded is not None
    account.recordings.trash(recording_id=fake.seeded.todolist_id)
    assert len(_grouped(account.everything.open_todos())["Launch Plan"]) == 2


def test_no_due_date_and_unassigned_todos(fake: FakeBasecamp, account: AccountClient) -> None:
    no_due = _grouped(account.everything.no_due_date_todos())
    assert no_due["Launch Plan"] == ["Book the webinar", "Order launch stickers"]
    assert no_due["Hiring"] == ["Engineers: task 1", "Engineers: task 2"]
    unassigned = _grouped(account.everything.unassigned_todos())
    assert unassigned["Launch Plan"] == ["Order launch stickers"]
    assert len(unassigned["Website Redesign"]) == 4


def test_overdue_is_before_the_fakes_clock_oldest_first(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    # The demo's due dates (March 2024) are after the fake's clock (January 2024).
    assert account.everything.overdue_todos() == []
    assert fake.seeded is not None
    list_id = fake.seeded.small_todolist_id
    late = fake.add_todo(list_id, "Late", due_on="2024-01-10", assignee_ids=[fake.me["id"]])
    later = fake.add_todo(list_id, "Later", due_on="2024-01-02")
    fake.add_todo(list_id, "Done late", due_on="2024-01-01", completed=True)
    fake.add_todo(list_id, "Due tomorrow", due_on="2024-01-16")
    overdue = account.everything.overdue_todos()
    assert [t["id"] for t in overdue] == [later["id"], late["id"]]
    assert overdue[0]["bucket"]["name"] == "Launch Plan"
    mine = account.everything.overdue_todos(assignee_ids=[fake.me["id"]])
    assert [t["title"] for t in mine] == ["Late"]
    overdue_groups = _grouped(account.everything.open_todos(due="overdue"))
    assert overdue_groups == {"Launch Plan": ["Late", "Later"]}


def test_the_todo_filters(fake: FakeBasecamp, account: AccountClient) -> None:
    assert fake.seeded is not None
    ivy = fake.seeded.people[4]
    theirs = _grouped(account.everything.open_todos(assignee_ids=[ivy]))
    assert list(theirs) == ["Launch Plan"]
    assert "Book the webinar" in theirs["Launch Plan"]
    with_due = _grouped(account.everything.open_todos(due="with"))
    assert list(with_due) == ["Launch Plan"]
    assert len(with_due["Launch Plan"]) == 20
    without = _grouped(account.everything.open_todos(due="without"))
    assert without == _grouped(account.everything.no_due_date_todos())


def test_the_groups_are_paginated() -> None:
    fake = FakeBasecamp(seed="demo", page_size=2)
    with fake.client() as client:
        groups = client.for_account(fake.account_id).everything.open_todos()
    assert len(groups) == 3
    assert groups.meta.pages == 2
    assert groups.meta.total_count == 3


def test_messages_and_comments_across_projects_newest_first(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    messages = account.everything.messages()
    assert [m["title"] for m in messages] == [
        "Hiring kickoff",
        "Website Redesign kickoff",
        "Week 1 update",
        "Kickoff: spring launch",
    ]
    assert messages[0]["bucket"]["name"] == "Hiring"
    assert fake.seeded is not None
    posted = account.messages.create(board_id=fake.seeded.message_board_id, subject="Newest")
    assert account.everything.messages()[0]["id"] == posted["id"]
    account.recordings.trash(recording_id=posted["id"])
    assert posted["id"] not in [m["id"] for m in account.everything.messages()]

    comments = account.everything.comments()
    assert [c["content"] for c in comments] == [
        "<div>I'll own the help-center articles.</div>",
        "<div>Excited for this one.</div>",
    ]
    todo = fake.todos(fake.seeded.todolist_id)[0]
    account.comments.create(recording_id=todo["id"], content="On a to-do")
    assert account.everything.comments()[0]["content"] == "On a to-do"
    # Trashing what a comment sits on hides the comment too.
    account.recordings.trash(recording_id=todo["id"])
    assert len(account.everything.comments()) == 2
