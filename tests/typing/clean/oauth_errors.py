"""OAuth errors are `BasecampError`s with the server's `error_code`."""

from basecamp import NetworkError
from basecamp.oauth import OAuthError, OAuthRejectedError, OAuthTimeoutError, refresh_token

try:
    refresh_token(token_endpoint="https://example.com/token", refresh_tok="r", client_id="id")
except OAuthRejectedError as error:
    code: str | None = error.error_code
    print("sign in again", code, error.message)
except OAuthTimeoutError:
    print("start again")
except OAuthError as error:
    print(error.retryable, error.http_status)
except NetworkError as error:
    print(error.hint)
