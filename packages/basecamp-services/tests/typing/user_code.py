"""User code the typing test checks with `mypy --strict`: results have their real types."""

from typing import reveal_type

from basecamp import AsyncClient, Client


def sync_user(client: Client) -> None:
    account = client.for_account(1)
    project = account.projects.get(project_id=1)
    reveal_type(project)
    reveal_type(account.projects.list())
    reveal_type(account.projects.iter_list())
    reveal_type(account.todos.get(todo_id=1))
    name: str = project["name"]
    print(name)
    for todo in account.todos.iter_list(todolist_id=2, max_items=5):
        content: str = todo["content"]
        print(content)
    account.projects.trash(project_id=1)
    # the README's examples
    todo = account.todos.create(todolist_id=2002, content="Ship it")
    account.todos.complete(todo_id=todo["id"])
    account.todos.update(todo_id=todo["id"], due_on="2025-01-31")
    result = account.uploads.download(upload_id=1)
    print(result.content_type)
    projects = account.projects.list(max_items=50)
    print(projects.meta.total_count, projects.meta.truncated)


async def async_user(client: AsyncClient) -> None:
    account = client.for_account(1)
    reveal_type(await account.projects.get(project_id=1))
    reveal_type(await account.projects.list())
    reveal_type(account.projects.iter_list())
    async for project in account.projects.iter_list():
        print(project["id"])
