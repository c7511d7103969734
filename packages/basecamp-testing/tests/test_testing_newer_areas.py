"""The fake's newer areas: pings, embeds, boosts, spotlights, bubble-ups, filing, project
wallpaper and clients, recent projects, the template library and the stream ticket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from basecamp import AccountClient, NotFoundError, ValidationError
from basecamp.testing import FakeBasecamp


@pytest.fixture
def fake() -> FakeBasecamp:
    return FakeBasecamp()


@pytest.fixture
def account(fake: FakeBasecamp) -> Iterator[AccountClient]:
    with fake.client() as client:
        yield client.for_account(fake.account_id)


def _project(fake: FakeBasecamp, name: str = "Launch") -> dict[str, Any]:
    return fake.add_project(name)


def _todo(fake: FakeBasecamp, project: dict[str, Any]) -> dict[str, Any]:
    todolist = fake.add_todolist(fake.dock(project["id"], "todoset")["id"], "List")
    return fake.add_todo(todolist["id"], "Ship it")


# -- pings ------------------------------------------------------------------------------------


def test_a_ping_is_kept_and_carries_on_with_the_same_people(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    alice = fake.add_person("Alice Ames")
    bob = fake.add_person("Bob Boyd")
    ping = account.pings.create(user_ids=[alice["id"]])
    assert [p["id"] for p in ping["people"]] == [fake.me["id"], alice["id"]]
    assert ping["title"] == "Alice Ames"
    assert account.pings.get(ping_id=ping["id"]) == ping
    assert account.pings.create(user_ids=[alice["id"]])["id"] == ping["id"]
    fresh = account.pings.create(user_ids=[alice["id"]], new_group=True)
    group = account.pings.create(user_ids=[alice["id"], bob["id"]])
    assert len({ping["id"], fresh["id"], group["id"]}) == 3
    assert [p["id"] for p in account.pings.list()] == [group["id"], fresh["id"], ping["id"]]


def test_a_ping_needs_people_who_exist(fake: FakeBasecamp, account: AccountClient) -> None:
    with pytest.raises(ValidationError) as empty:
        account.pings.create(user_ids=[])
    with pytest.raises(ValidationError) as unknown:
        account.pings.create(user_ids=[424242])
    with pytest.raises(ValidationError) as only_me:
        account.pings.create(user_ids=[fake.me["id"]])
    with pytest.raises(NotFoundError):
        account.pings.get(ping_id=424242)
    assert list(empty.value.errors) == list(unknown.value.errors) == ["user_ids"]
    assert list(only_me.value.errors) == ["user_ids"]
    assert fake.records("Ping") == []


# -- embeds and the stream ticket -------------------------------------------------------------


def test_an_embed_is_found_again_by_its_sgid(account: AccountClient) -> None:
    embed = account.embeds.create(url="https://example.com/article")
    assert embed["url"] == "https://example.com/article"
    assert account.embeds.get(sgid=embed["sgid"]) == embed
    # One preview per URL.
    assert account.embeds.create(url="https://example.com/article")["sgid"] == embed["sgid"]
    with pytest.raises(NotFoundError):
        account.embeds.get(sgid="BAh7unknown")
    with pytest.raises(ValidationError) as caught:
        account.embeds.create(url="not a link")
    assert caught.value.errors == {"url": ["is invalid"]}


def test_each_stream_ticket_is_new(account: AccountClient) -> None:
    first = account.event_feed.create_stream_ticket()
    second = account.event_feed.create_stream_ticket()
    assert first["ticket"] != second["ticket"]
    assert first["expires_in"] > 0
    assert first["url"].startswith("wss://")


# -- boosts -----------------------------------------------------------------------------------


def test_boosts_are_kept_on_their_recording(fake: FakeBasecamp, account: AccountClient) -> None:
    todo = _todo(fake, _project(fake))
    boost = account.boosts.create(recording_id=todo["id"], content="🎉")
    assert boost["recording"]["id"] == todo["id"]
    assert boost["booster"]["id"] == fake.me["id"]
    assert account.todos.get(todo_id=todo["id"])["boosts_count"] == 1
    assert account.boosts.update(boost_id=boost["id"], content="+1")["content"] == "+1"
    assert [b["content"] for b in account.boosts.list(recording_id=todo["id"])] == ["+1"]
    with pytest.raises(ValidationError):
        account.boosts.update(boost_id=boost["id"], content=" ")
    account.boosts.delete(boost_id=boost["id"])
    with pytest.raises(NotFoundError):
        account.boosts.get(boost_id=boost["id"])
    assert account.boosts.list(recording_id=todo["id"]) == []
    assert account.todos.get(todo_id=todo["id"])["boosts_count"] == 0


# -- spotlights, bubble-ups and filing --------------------------------------------------------


def test_spotlight_and_unspotlight(fake: FakeBasecamp, account: AccountClient) -> None:
    todo = _todo(fake, _project(fake))
    account.recordings.spotlight(recording_id=todo["id"])
    account.recordings.spotlight(recording_id=todo["id"])  # twice is once
    # No operation reads spotlights back: the fake's store shows them.
    assert list(fake._store.marked("spotlights")) == [todo["id"]]
    account.recordings.unspotlight(recording_id=todo["id"])
    assert fake._store.marked("spotlights") == {}
    with pytest.raises(NotFoundError):
        account.recordings.spotlight(recording_id=424242)
    with pytest.raises(NotFoundError):
        account.recordings.spotlight(recording_id=fake.me["id"])  # a person is no recording
    boost = account.boosts.create(recording_id=todo["id"], content="+1")
    with pytest.raises(NotFoundError):
        account.recordings.spotlight(recording_id=boost["id"])  # nor is a boost


def test_bubble_ups_are_current_or_scheduled(fake: FakeBasecamp, account: AccountClient) -> None:
    project = _project(fake)
    now, later = _todo(fake, project), _todo(fake, project)
    account.bubble_ups.create(recording_id=now["id"])
    account.bubble_ups.create(recording_id=later["id"], at="2030-01-01T09:00:00Z")
    listed = account.my_notifications.bubble_ups()
    assert [n["id"] for n in listed] == [now["id"], later["id"]]
    assert listed[1]["bubble_up_at"] == "2030-01-01T09:00:00Z"
    feed = account.my_notifications.get()
    assert (feed["bubble_ups_count"], feed["scheduled_bubble_ups_count"]) == (1, 1)
    assert [n["title"] for n in feed["bubble_ups"]] == ["Ship it"]
    assert [n["id"] for n in feed["scheduled_bubble_ups"]] == [later["id"]]
    assert account.my_notifications.get(limit_bubble_ups=True)["scheduled_bubble_ups"] == []
    account.bubble_ups.delete(recording_id=later["id"])
    assert [n["id"] for n in account.my_notifications.bubble_ups()] == [now["id"]]
    with pytest.raises(ValidationError) as caught:
        account.bubble_ups.create(recording_id=now["id"], at="next tuesday")
    assert list(caught.value.errors) == ["at"]
    with pytest.raises(NotFoundError):
        account.bubble_ups.create(recording_id=424242)


def test_filing_moves_a_recording_into_a_folder(fake: FakeBasecamp, account: AccountClient) -> None:
    project = _project(fake)
    vault = fake.dock(project["id"], "vault")
    folder = account.vaults.create(vault_id=vault["id"], title="Contracts")
    upload = fake.add_upload(vault["id"], "deal.pdf", b"%PDF", content_type="application/pdf")
    account.recordings.move_to_vault(recording_id=upload["id"], parent_id=folder["id"])
    assert [u["id"] for u in account.uploads.list(vault_id=folder["id"])] == [upload["id"]]
    assert account.uploads.list(vault_id=vault["id"]) == []
    assert account.uploads.get(upload_id=upload["id"])["parent"]["id"] == folder["id"]
    todo = _todo(fake, project)
    other_vault = fake.dock(_project(fake, "Other")["id"], "vault")
    for parent_id in (todo["id"], other_vault["id"], 424242):
        with pytest.raises(ValidationError) as caught:
            account.recordings.move_to_vault(recording_id=upload["id"], parent_id=parent_id)
        assert list(caught.value.errors) == ["parent_id"]
    # Not into itself, nor into a folder inside it.
    with pytest.raises(ValidationError):
        account.recordings.move_to_vault(recording_id=vault["id"], parent_id=folder["id"])
    with pytest.raises(NotFoundError):
        account.recordings.move_to_vault(recording_id=424242, parent_id=folder["id"])


# -- projects: wallpaper, clients, recent visits ----------------------------------------------


def test_wallpaper_is_set_and_removed(fake: FakeBasecamp, account: AccountClient) -> None:
    project = _project(fake)
    account.projects.update_wallpaper(
        project_id=project["id"],
        content=b"\x89PNG-bytes",
        filename="sky.png",
        content_type="image/png",
        mode="tile",
    )
    wallpaper = account.projects.get(project_id=project["id"])["wallpaper"]
    assert wallpaper["mode"] == "tile"
    assert wallpaper["url"].endswith("/sky.png")
    account.projects.remove_wallpaper(project_id=project["id"])
    assert "wallpaper" not in account.projects.get(project_id=project["id"])
    with pytest.raises(ValidationError) as caught:
        account.projects.update_wallpaper(
            project_id=project["id"], content=b"text", filename="a.txt", content_type="text/plain"
        )
    assert list(caught.value.errors) == ["wallpaper"]
    with pytest.raises(NotFoundError):
        account.projects.remove_wallpaper(project_id=424242)


def test_clients_are_enabled_granted_and_revoked(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    project = _project(fake)
    assert account.projects.enable_clients(project_id=project["id"]) == {"clients_enabled": True}
    assert account.projects.get(project_id=project["id"])["clients_enabled"] is True
    cleo = fake.add_person("Cleo Client", client=True)
    result = account.people.update_project_client_access(
        project_id=project["id"],
        grant=[cleo["id"]],
        create=[{"email_address": "dana@client.example", "name": "Dana Doe"}],
    )
    granted = result["granted"]
    assert [p["name"] for p in granted] == ["Cleo Client", "Dana Doe"]
    assert granted[1]["client"] is True
    assert (granted[1]["email_address"], granted[1]["personable_type"]) == (
        "dana@client.example",
        "Client",
    )
    assert "Dana Doe" in [p["name"] for p in account.people.list()]
    again = account.people.update_project_client_access(
        project_id=project["id"], grant=[cleo["id"]], revoke=[granted[1]["id"]]
    )
    assert again["granted"] == []  # already in
    assert [p["id"] for p in again["revoked"]] == [granted[1]["id"]]
    with pytest.raises(ValidationError) as caught:
        account.people.update_project_client_access(project_id=project["id"], grant=[fake.me["id"]])
    assert list(caught.value.errors) == ["grant"]
    assert account.projects.disable_clients(project_id=project["id"]) == {"clients_enabled": False}


def test_recent_projects_follow_the_visits(fake: FakeBasecamp, account: AccountClient) -> None:
    first, second = _project(fake, "First"), _project(fake, "Second")
    assert account.projects.list_recent() == []
    account.projects.record_visit(project_id=first["id"])
    account.projects.record_visit(project_id=second["id"])
    account.projects.record_visit(project_id=first["id"])
    assert [p["name"] for p in account.projects.list_recent()] == ["First", "Second"]
    account.projects.trash(project_id=first["id"])
    assert [p["name"] for p in account.projects.list_recent()] == ["Second"]
    with pytest.raises(NotFoundError):
        account.projects.record_visit(project_id=424242)


# -- the template library ---------------------------------------------------------------------


def test_a_library_todolist_is_copied_into_a_project(
    fake: FakeBasecamp, account: AccountClient
) -> None:
    template = account.template_library.create_todolist(name="Onboarding", description="Week 1")
    library = account.template_library.todolists()
    assert [t["id"] for t in library["todolists"]] == [template["id"]]
    assert library["todoset"]["id"] == template["parent"]["id"]
    # The library's bucket is no project.
    assert [p["name"] for p in account.projects.list()] == []
    account.todos.create(todolist_id=template["id"], content="Laptop")
    project = _project(fake)
    copy = account.template_library.create_copy(
        template_recording_id=template["id"], destination_project_id=project["id"]
    )
    assert copy["status"] == "completed"
    assert copy["source_recording_id"] == template["id"]
    made = copy["destination_todolist"]
    assert made["bucket"]["id"] == project["id"]
    assert [t["content"] for t in account.todos.list(todolist_id=made["id"])] == ["Laptop"]
    assert account.template_library.get_copy(copy_id=copy["id"])["id"] == copy["id"]
    with pytest.raises(ValidationError) as caught:
        account.template_library.create_copy(
            template_recording_id=made["id"], destination_project_id=project["id"]
        )
    assert list(caught.value.errors) == ["template_recording_id"]
    with pytest.raises(ValidationError):
        account.template_library.create_copy(template_recording_id=template["id"])
    with pytest.raises(ValidationError) as blank:
        account.template_library.create_todolist(name="  ")
    assert blank.value.errors == {"name": ["can't be blank"]}


def test_a_card_table_is_saved_as_a_template(fake: FakeBasecamp, account: AccountClient) -> None:
    project = _project(fake)
    table = fake.dock(project["id"], "kanban_board")
    fake.add_card(table["lists"][1]["id"], "Write the post")
    job = account.template_library.create_templatification(
        project_id=project["id"],
        recording_id=table["id"],
        template_name="Launch board",
        move_cards_to_triage=True,
    )
    saved = job["destination_card_table"]
    assert saved["title"] == "Launch board"
    assert [c["cards_count"] for c in saved["lists"]] == [1, 0, 0]
    library = account.template_library.card_tables()
    assert [t["id"] for t in library["card_tables"]] == [saved["id"]]
    got = account.template_library.get_templatification(
        project_id=project["id"], recording_id=table["id"], templatification_id=job["id"]
    )
    assert got["id"] == job["id"]
    other = _project(fake, "Other")
    with pytest.raises(NotFoundError):
        account.template_library.get_templatification(
            project_id=other["id"], recording_id=table["id"], templatification_id=job["id"]
        )
    todo = _todo(fake, project)
    with pytest.raises(NotFoundError):
        account.template_library.create_templatification(
            project_id=project["id"], recording_id=todo["id"]
        )


def test_a_new_library_card_table_starts_the_boardset(account: AccountClient) -> None:
    assert account.template_library.card_tables()["kanban_boardset"] is None
    table = account.template_library.create_card_table(name="Sprint")
    library = account.template_library.card_tables()
    assert library["kanban_boardset"] is not None
    assert [t["title"] for t in library["card_tables"]] == ["Sprint"]
    assert [c["title"] for c in table["lists"]] == ["Triage", "In progress", "Done"]


# -- async ------------------------------------------------------------------------------------


async def test_async_pings_boosts_and_visits(fake: FakeBasecamp) -> None:
    alice = fake.add_person("Alice Ames")
    project = _project(fake)
    todo = _todo(fake, project)
    async with fake.async_client() as client:
        account = client.for_account(fake.account_id)
        ping = await account.pings.create(user_ids=[alice["id"]])
        assert [p["id"] for p in await account.pings.list()] == [ping["id"]]
        boost = await account.boosts.create(recording_id=todo["id"], content="+1")
        assert (await account.boosts.get(boost_id=boost["id"]))["content"] == "+1"
        await account.projects.record_visit(project_id=project["id"])
        assert [p["id"] for p in await account.projects.list_recent()] == [project["id"]]
        await account.bubble_ups.create(recording_id=todo["id"])
        assert [n["id"] for n in await account.my_notifications.bubble_ups()] == [todo["id"]]
        with pytest.raises(NotFoundError):
            await account.embeds.get(sgid="BAh7unknown")
