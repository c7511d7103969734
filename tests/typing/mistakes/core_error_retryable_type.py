"""`BasecampError.retryable` is a bool."""

from basecamp import NetworkError


def retryable(error: NetworkError) -> str:
    return error.retryable  # expect-error
