"""The `demo` seed: a small, realistic, deterministic account."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["DEMO_UPLOAD_BYTES", "DemoSeed", "SeedTarget", "seed_demo"]

DEMO_UPLOAD_BYTES = (
    b"Launch brief\n"
    b"============\n\n"
    b"Goal: ship the new onboarding flow to every account by the end of the quarter.\n"
    b"Owner: Annie Bryan. Review: Cory Doyle, Elena Fox.\n"
)
"""The exact bytes of the demo upload `launch-brief.txt`."""

_LAUNCH_STEPS = (
    "Write the launch brief",
    "Agree on the launch date",
    "Draft the announcement post",
    "Record the product walkthrough video",
    "Update the pricing page",
    "Prepare the press kit",
    "Brief the support team",
    "Write the help-center articles",
    "Translate the onboarding emails",
    "Set up the launch dashboard",
    "Run the load test",
    "Freeze the release branch",
    "QA pass on mobile",
    "QA pass on desktop",
    "Schedule the newsletter",
    "Line up customer quotes",
    "Prepare the social posts",
    "Dry-run the launch checklist",
    "Flip the feature flag",
    "Celebrate with the team",
)


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """The ids of what `seed_demo` created, for tests and examples.

    Attributes:
        people: Person ids; the first is the token's owner (`fake.me`).
        projects: Project ids: Launch Plan, Website Redesign, Hiring (active), Old Intranet
            (archived).
        project_id: The Launch Plan project.
        todoset_id: Its to-do set.
        todolist_id: "Launch checklist": 20 open to-dos, two pages at 15 per page.
        small_todolist_id: "Marketing": 3 to-dos, one completed.
        message_board_id: Its message board.
        message_ids: Its two messages.
        vault_id: Its Docs & Files vault.
        upload_id: `launch-brief.txt`, whose bytes are `upload_bytes`.
        upload_bytes: The upload's bytes.
        upload_sha256: Their hex SHA-256.
        campfire_id: Its chat.
        card_table_id: Its card table (columns Triage, In progress, Done; three cards).
        column_ids: The card table's column ids, in order.
    """

    people: tuple[int, ...]
    projects: tuple[int, ...]
    project_id: int
    todoset_id: int
    todolist_id: int
    small_todolist_id: int
    message_board_id: int
    message_ids: tuple[int, ...]
    vault_id: int
    upload_id: int
    upload_bytes: bytes
    upload_sha256: str
    campfire_id: int
    card_table_id: int
    column_ids: tuple[int, ...]


class SeedTarget(Protocol):
    """The builders the seed uses: a `FakeBasecamp` has them all."""

    me: dict[str, Any]

    def add_person(self, name: str, *, title: str = ...) -> dict[str, Any]: ...

    def add_project(
        self, name: str, description: str = ..., *, status: str = ...
    ) -> dict[str, Any]: ...

    def dock(self, project_id: int, name: str) -> dict[str, Any]: ...

    def add_todolist(
        self, todoset_id: int, name: str, description: str = ...
    ) -> dict[str, Any]: ...

    def add_todo(
        self,
        todolist_id: int,
        content: str,
        *,
        due_on: str | None = ...,
        assignee_ids: Iterable[int] = ...,
        completed: bool = ...,
    ) -> dict[str, Any]: ...

    def add_message(self, board_id: int, subject: str, content: str = ...) -> dict[str, Any]: ...

    def add_comment(self, recording_id: int, content: str) -> dict[str, Any]: ...

    def add_upload(
        self,
        vault_id: int,
        filename: str,
        data: bytes,
        *,
        content_type: str = ...,
        description: str = ...,
    ) -> dict[str, Any]: ...

    def add_campfire_line(self, campfire_id: int, content: str) -> dict[str, Any]: ...

    def add_card(
        self, column_id: int, title: str, content: str = ..., due_on: str | None = ...
    ) -> dict[str, Any]: ...


def seed_demo(fake: SeedTarget) -> DemoSeed:
    """Fill `fake` with the demo account and return the ids of what was made.

    Deterministic: the same ids, dates and contents every time (on a fresh fake).
    """
    people = [fake.me["id"]]
    for name, title in (
        ("Cory Doyle", "Designer"),
        ("Elena Fox", "Engineer"),
        ("Gus Harper", "Support lead"),
        ("Ivy Jensen", "Marketing"),
    ):
        people.append(fake.add_person(name, title=title)["id"])

    launch = fake.add_project("Launch Plan", "Everything for the spring launch.")
    website = fake.add_project("Website Redesign", "A faster, friendlier marketing site.")
    hiring = fake.add_project("Hiring", "Two engineers and a designer by June.")
    old = fake.add_project("Old Intranet", "Retired in 2023.", status="archived")

    todoset = fake.dock(launch["id"], "todoset")
    checklist = fake.add_todolist(todoset["id"], "Launch checklist", "<div>In order.</div>")
    for index, step in enumerate(_LAUNCH_STEPS):
        assignee = people[index % len(people)]
        due = f"2024-03-{index + 1:02d}"
        fake.add_todo(checklist["id"], step, due_on=due, assignee_ids=[assignee])
    marketing = fake.add_todolist(todoset["id"], "Marketing")
    fake.add_todo(marketing["id"], "Pick the launch theme", completed=True)
    fake.add_todo(marketing["id"], "Book the webinar", assignee_ids=[people[4]])
    fake.add_todo(marketing["id"], "Order launch stickers")

    board = fake.dock(launch["id"], "message_board")
    kickoff = fake.add_message(
        board["id"], "Kickoff: spring launch", "<div>Welcome aboard! The plan is in Docs.</div>"
    )
    fake.add_comment(kickoff["id"], "<div>Excited for this one.</div>")
    fake.add_comment(kickoff["id"], "<div>I'll own the help-center articles.</div>")
    weekly = fake.add_message(
        board["id"], "Week 1 update", "<div>Brief written, date agreed.</div>"
    )

    vault = fake.dock(launch["id"], "vault")
    upload = fake.add_upload(
        vault["id"],
        "launch-brief.txt",
        DEMO_UPLOAD_BYTES,
        content_type="text/plain",
        description="<div>The one-page brief.</div>",
    )

    chat = fake.dock(launch["id"], "chat")
    fake.add_campfire_line(chat["id"], "Morning! Stand-up in 5.")
    fake.add_campfire_line(chat["id"], "The load test passed.")

    table = fake.dock(launch["id"], "kanban_board")
    columns = [column["id"] for column in table["lists"]]
    fake.add_card(columns[0], "Landing page copy")
    fake.add_card(columns[1], "Onboarding emails", due_on="2024-03-10")
    fake.add_card(columns[2], "Launch brief")

    for project, lists in ((website, ("Pages", "Content")), (hiring, ("Engineers",))):
        project_todoset = fake.dock(project["id"], "todoset")
        for list_name in lists:
            todolist = fake.add_todolist(project_todoset["id"], list_name)
            for n in range(1, 3):
                fake.add_todo(todolist["id"], f"{list_name}: task {n}")
        fake.add_message(
            fake.dock(project["id"], "message_board")["id"], f"{project['name']} kickoff"
        )

    return DemoSeed(
        people=tuple(people),
        projects=(launch["id"], website["id"], hiring["id"], old["id"]),
        project_id=launch["id"],
        todoset_id=todoset["id"],
        todolist_id=checklist["id"],
        small_todolist_id=marketing["id"],
        message_board_id=board["id"],
        message_ids=(kickoff["id"], weekly["id"]),
        vault_id=vault["id"],
        upload_id=upload["id"],
        upload_bytes=DEMO_UPLOAD_BYTES,
        upload_sha256=hashlib.sha256(DEMO_UPLOAD_BYTES).hexdigest(),
        campfire_id=chat["id"],
        card_table_id=table["id"],
        column_ids=tuple(columns),
    )
