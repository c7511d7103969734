"""A misspelled TypedDict key: mypy --strict must reject it."""

from basecamp import Client


def content_of(client: Client) -> str:
    return client.for_account(1).todos.get(todo_id=1)["contnet"]
