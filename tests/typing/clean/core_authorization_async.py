"""`authorization.get()` is typed in full, async too: an account id goes to `for_account`."""

import asyncio

from basecamp import AsyncClient, AuthorizationAccount


def basecamp_accounts(accounts: list[AuthorizationAccount]) -> list[int]:
    return [account["id"] for account in accounts if account["product"] == "bc3"]


async def main() -> None:
    async with AsyncClient(access_token="...") as client:
        authorization = await client.authorization.get()
        identity = authorization["identity"]
        print(identity["first_name"].title(), identity["last_name"], authorization["expires_at"])
        for account_id in basecamp_accounts(authorization["accounts"]):
            projects = await client.for_account(account_id).projects.list()
            print(len(projects))


asyncio.run(main())
