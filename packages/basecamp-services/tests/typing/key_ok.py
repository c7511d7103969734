"""A correct TypedDict key: mypy --strict accepts it."""

from basecamp import Client


def content_of(client: Client) -> str:
    return client.for_account(1).todos.get(todo_id=1)["content"]
