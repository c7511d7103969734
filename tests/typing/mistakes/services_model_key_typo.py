"""A misspelled key on a model in a user helper."""

from basecamp.services.models import Todo


def title(todo: Todo) -> str:
    return todo["titel"]  # expect-error
