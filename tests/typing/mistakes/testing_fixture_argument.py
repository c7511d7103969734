"""A typed fixture catches a wrong argument in a test."""

from basecamp import AccountClient


def test_projects(basecamp_account: AccountClient) -> None:
    basecamp_account.projects.list(max_items="3")  # expect-error
