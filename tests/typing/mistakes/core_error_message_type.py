"""`BasecampError.message` is a str."""

from basecamp import BasecampError


def code(error: BasecampError) -> int:
    return error.message  # expect-error
