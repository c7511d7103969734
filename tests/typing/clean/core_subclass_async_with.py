"""`async with` on a subclass keeps the subclass: `__aenter__` returns `Self`."""

import asyncio

from basecamp import AsyncClient


class AppClient(AsyncClient):
    def default_account(self) -> int:
        return 12345


async def main() -> None:
    async with AppClient(access_token="...") as client:
        projects = await client.for_account(client.default_account()).projects.list()
        print(len(projects))


asyncio.run(main())
