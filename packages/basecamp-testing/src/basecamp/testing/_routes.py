"""Request routing: the registry's path templates, compiled once into regexes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from basecamp import Operation

__all__ = ["Route", "Router"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    """One operation's compiled path template."""

    operation: Operation
    regex: re.Pattern[str]


def _compile(template: str) -> re.Pattern[str]:
    pattern = ""
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        pattern += re.escape(template[position : match.start()])
        # Non-greedy, so `{person_id}.json` leaves `.json` to the literal that follows.
        pattern += f"(?P<{match.group(1)}>[^/]+?)"
        position = match.end()
    pattern += re.escape(template[position:])
    return re.compile(pattern + r"\Z")


def _specificity(op: Operation) -> tuple[int, int]:
    # Literal segments beat placeholders: `/projects/recordings.json` must not be read as
    # `/projects/{project_id}` with the id `recordings.json`.
    placeholders = len(_PLACEHOLDER.findall(op.path))
    literal = len(_PLACEHOLDER.sub("", op.path))
    return placeholders, -literal


class Router:
    """Finds the operation (and its path values) for a method and path.

    Routes are grouped by HTTP method and tried from the most literal template down, so the
    first regex that matches is the right one. A lookup is a handful of regex matches.

    Args:
        operations: The registry, e.g. `basecamp.services.OPERATIONS`.
    """

    def __init__(self, operations: Mapping[str, Operation] | Iterable[Operation]) -> None:
        ops = operations.values() if isinstance(operations, Mapping) else operations
        by_method: dict[str, list[Route]] = {}
        for op in sorted(ops, key=_specificity):
            by_method.setdefault(op.http_method, []).append(Route(op, _compile(op.path)))
        self._routes = by_method

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation and its raw path values, or `None` when nothing matches."""
        for route in self._routes.get(method.upper(), ()):
            found = route.regex.match(path)
            if found is not None:
                return route.operation, found.groupdict()
        return None
