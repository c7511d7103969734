"""The async services mirror the sync ones, awaited."""

import asyncio

from basecamp import AsyncClient


async def main() -> None:
    async with AsyncClient(access_token="...") as client:
        account = client.for_account(12345)
        project = await account.projects.get(project_id=1001)
        todo = await account.todos.create(todolist_id=2002, content="Ship it")
        await account.todos.complete(todo_id=todo["id"])
        todos = await account.todos.list(todolist_id=2002)
        print(project["name"], todo["title"], todos.meta.total_count)


asyncio.run(main())
