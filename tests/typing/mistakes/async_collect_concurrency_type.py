"""`collect(concurrency=...)` takes an int."""

from basecamp import AsyncClient


async def everything(client: AsyncClient) -> None:
    print(await client.for_account(1).projects.iter_list().collect(concurrency="8"))  # expect-error
