"""Tests written against the pytest plugin's fixtures, annotated with their types."""

from basecamp import AccountClient, Client
from basecamp.testing import FakeBasecamp


def test_projects(basecamp_account: AccountClient) -> None:
    names = [project["name"] for project in basecamp_account.projects.list()]
    assert names == ["Launch Plan", "Website Redesign", "Hiring"]


def test_raw(basecamp_fake: FakeBasecamp, basecamp_client: Client, basecamp_server: str) -> None:
    projects = basecamp_client.for_account(basecamp_fake.account_id).get("/projects.json")
    assert isinstance(projects, list) and basecamp_server.startswith("http://127.0.0.1")
