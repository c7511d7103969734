"""`OAuthError.error_code` may be None."""

from basecamp.oauth import OAuthError


def code(error: OAuthError) -> str:
    return error.error_code.upper()  # expect-error
