"""The async OAuth twins, and an async provider for `AsyncClient`."""

import asyncio

from basecamp import AsyncClient
from basecamp.oauth import OAuthToken, adiscover_launchpad, aexchange_code, arefresh_token


async def main() -> None:
    config = await adiscover_launchpad()
    token: OAuthToken = await aexchange_code(
        token_endpoint=config.token_endpoint,
        code="c",
        redirect_uri="http://127.0.0.1/cb",
        client_id="id",
    )
    if token.refresh_token:
        token = await arefresh_token(
            token_endpoint=config.token_endpoint, refresh_tok=token.refresh_token, client_id="id"
        )
    provider = token.async_provider(client_id="id", config=config)
    async with AsyncClient(token_provider=provider) as client:
        authorization = await client.authorization.get()
        account = client.for_account(authorization["accounts"][0]["id"])
        print(len(await account.projects.list()))


asyncio.run(main())
