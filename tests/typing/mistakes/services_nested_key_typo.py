"""Nested models are typed: a misspelled key of the creator is caught."""

from basecamp.services.models import Todo


def creator(todo: Todo) -> str:
    return todo["creator"]["nam"]  # expect-error
