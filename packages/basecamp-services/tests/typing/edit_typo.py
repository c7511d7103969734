"""Mistakes in an `edit()` block: mypy --strict must reject each one."""

from basecamp import Client


def edit(client: Client) -> None:
    with client.for_account(1).todos.edit(todo_id=1) as todo:
        todo["contnet"] = "Send it"
        todo["content"] = None
        todo["assignee_ids"] = ["1049715913"]
