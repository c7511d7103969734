"""A misspelled service class is an error: the lazy `__getattr__` is hidden from checkers."""

from basecamp.services import Projetcs  # expect-error

__all__ = ["Projetcs"]
