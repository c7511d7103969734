"""`edit()` as users write it: mypy --strict sees the writable fields and their types."""

from basecamp import AsyncClient, Client
from basecamp.services.models import TodoEdit


def reschedule(todo: TodoEdit) -> None:
    todo["due_on"] = None


def edit(client: Client) -> str:
    with client.for_account(1).todos.edit(todo_id=1) as todo:
        todo["content"] = "Send the launch email"
        todo["assignee_ids"].append(1049715913)
        reschedule(todo)
        return todo["content"].upper()


async def edit_entry(client: AsyncClient) -> None:
    async with client.for_account(1).schedules.edit_entry(entry_id=1) as entry:
        entry["summary"] = "Kickoff call (moved)"
        entry["all_day"] = True
