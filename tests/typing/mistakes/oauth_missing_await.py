"""A missing `await` on an async OAuth function."""

from basecamp.oauth import arefresh_token


async def access(refresh: str) -> str:
    token = arefresh_token(token_endpoint="https://e.x/t", refresh_tok=refresh, client_id="id")
    return token.access_token  # expect-error
