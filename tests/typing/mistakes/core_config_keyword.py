"""A misspelled `Config` field."""

from basecamp import Config

config = Config(retries=3)  # expect-error
