"""Token providers and custom auth strategies."""

from collections.abc import MutableMapping

from basecamp import AsyncClient, AuthStrategy, Client, OAuthTokenProvider, StaticTokenProvider


class ApiKeyAuth:
    def authenticate(self, headers: MutableMapping[str, str]) -> None:
        headers["Authorization"] = "Bearer from-a-vault"


strategy: AuthStrategy = ApiKeyAuth()
provider = OAuthTokenProvider("access", "client-id", "client-secret", refresh_token="refresh")
clients = [
    Client(token_provider=StaticTokenProvider("token")),
    Client(token_provider=provider),
    Client(auth=strategy),
]
for client in clients:
    client.close()
async_client = AsyncClient(access_token="token")
