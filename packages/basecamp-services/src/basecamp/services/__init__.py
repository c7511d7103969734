"""Typed services for every Basecamp API operation.

Each service is reached through an account: `account.projects`, `account.todos`, ... (sync
classes such as `Projects`, async twins such as `AsyncProjects`). `OPERATIONS` is the registry of
every operation, by id. The models live in `basecamp.services.models`.

Importing this package is cheap: a service module (and the registry) is imported the first time
one of its names is used (PEP 562).

Example:
    ```python
    from basecamp import Client

    with Client(access_token="...") as client:
        account = client.for_account(12345)
        for project in account.projects.iter_list():
            print(project["name"])
    ```
"""

from typing import TYPE_CHECKING

from ._base import AsyncService, Service
from ._generated._index import EXPORTS as _EXPORTS

if TYPE_CHECKING:
    from ._generated._exports import *  # noqa: F403
    from ._generated.operations import OPERATIONS

__all__ = ["AsyncService", "OPERATIONS", "Service", *_EXPORTS]


# Checkers see only the imports above: a misspelled name is an error, not an `object`.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f"._generated.{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
