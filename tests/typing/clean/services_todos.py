"""Services take keyword arguments and return models with their real keys."""

from basecamp import Client
from basecamp.services.models import Todo


def due(todo: Todo) -> str:
    return todo.get("due_on") or "someday"


with Client(access_token="...") as client:
    account = client.for_account(12345)
    todo = account.todos.create(todolist_id=2002, content="Ship it", due_on="2026-01-31")
    account.todos.complete(todo_id=todo["id"])
    updated = account.todos.update(todo_id=todo["id"], description="<p>Soon</p>")
    print(updated["content"], updated["creator"]["name"], updated["bucket"]["id"], due(updated))
    for todo in account.todos.list(todolist_id=2002, completed=False):
        print(todo["title"].upper())
