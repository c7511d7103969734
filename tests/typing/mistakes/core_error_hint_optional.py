"""`BasecampError.hint` may be None."""

from basecamp import BasecampError


def hint(error: BasecampError) -> str:
    return error.hint.upper()  # expect-error
