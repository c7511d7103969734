"""A misspelled import from `basecamp.testing`."""

from basecamp.testing import FakeBasecmp  # expect-error

__all__ = ["FakeBasecmp"]
