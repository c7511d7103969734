"""`OAuthToken.expires_at` may be None."""

from basecamp.oauth import OAuthToken


def seconds_left(token: OAuthToken, now: float) -> float:
    return token.expires_at - now  # expect-error
