"""Tokens: store, load, refresh, and hand to a client as a provider."""

import json

from basecamp import Client
from basecamp.oauth import OAuthToken, refresh_token


def save(token: OAuthToken) -> None:
    print(json.dumps(token.to_dict()))


token = OAuthToken.from_dict({"access_token": "a", "refresh_token": "r", "expires_in": 3600})
expires_at: float | None = token.expires_at
if token.is_expired(buffer_seconds=60) and token.refresh_token:
    token = refresh_token(
        token_endpoint="https://launchpad.37signals.com/authorization/token",
        refresh_tok=token.refresh_token,
        client_id="id",
        client_secret="secret",
    )
provider = token.provider(client_id="id", client_secret="secret", on_refresh=save)
with Client(token_provider=provider) as client:
    authorization = client.authorization.get()
    print(client.for_account(authorization["accounts"][0]["id"]).projects.list(), expires_at)
