"""A misspelled error attribute."""

from basecamp import BasecampError


def report(error: BasecampError) -> None:
    print(error.retry_afterr)  # expect-error
