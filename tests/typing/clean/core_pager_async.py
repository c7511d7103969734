"""Async pagination: iterate lazily, or collect pages concurrently."""

import asyncio

from basecamp import AsyncClient, AsyncPager, ListResult
from basecamp.services.models import Project


async def main() -> None:
    async with AsyncClient(access_token="...") as client:
        account = client.for_account(1)
        pager: AsyncPager[Project] = account.projects.iter_list()
        async for project in pager:
            print(project["name"])
        everything: ListResult[Project] = await account.projects.iter_list().collect(concurrency=8)
        async for page in account.projects.iter_list().pages():
            print(len(page), [p["id"] for p in page])
        print(len(everything))


asyncio.run(main())
