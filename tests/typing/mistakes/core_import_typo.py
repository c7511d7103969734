"""A misspelled import is an error, not a name typed `object`."""

from basecamp import Clinet  # expect-error

__all__ = ["Clinet"]
