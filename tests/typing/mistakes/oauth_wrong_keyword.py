"""A wrong keyword to `exchange_code`."""

from basecamp.oauth import exchange_code

U = "https://launchpad.example/token"
exchange_code(token_endpoint=U, code=U, redirect_uri=U, client_id=U, pkce=U)  # expect-error
