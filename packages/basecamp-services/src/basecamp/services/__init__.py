"""Typed services for every Basecamp API operation.

Each service is reached through an account: `account.projects`, `account.todos`, ... (sync
classes such as `Projects`, async twins such as `AsyncProjects`). `OPERATIONS` is the registry of
every operation, by id. The models live in `basecamp.services.models`.

Following the event and inbox feeds (`account.event_feed.follow(...)`) uses `FeedFollower` /
`AsyncFeedFollower` and a checkpoint store: `MemoryCheckpointStore`, `FileCheckpointStore`,
`SQLiteCheckpointStore`, or your own `CheckpointStore`.

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
    from ._feed._async.follower import AsyncFeedFollower
    from ._feed._checkpoints import (
        AsyncCheckpointStore,
        CheckpointStore,
        FileCheckpointStore,
        MemoryCheckpointStore,
        SQLiteCheckpointStore,
    )
    from ._feed._sync.follower import FeedFollower
    from ._feed._walk import Checkpoint, FeedGap, FeedPage
    from ._generated._exports import *  # noqa: F403
    from ._generated.operations import OPERATIONS

# Hand-written public names -> their module (relative to this package), loaded on first use.
_FEED_EXPORTS: dict[str, str] = {
    "AsyncCheckpointStore": "._feed._checkpoints",
    "AsyncFeedFollower": "._feed._async.follower",
    "Checkpoint": "._feed._walk",
    "CheckpointStore": "._feed._checkpoints",
    "FeedFollower": "._feed._sync.follower",
    "FeedGap": "._feed._walk",
    "FeedPage": "._feed._walk",
    "FileCheckpointStore": "._feed._checkpoints",
    "MemoryCheckpointStore": "._feed._checkpoints",
    "SQLiteCheckpointStore": "._feed._checkpoints",
}

__all__ = [
    "AsyncCheckpointStore",
    "AsyncFeedFollower",
    "AsyncService",
    "Checkpoint",
    "CheckpointStore",
    "FeedFollower",
    "FeedGap",
    "FeedPage",
    "FileCheckpointStore",
    "MemoryCheckpointStore",
    "OPERATIONS",
    "SQLiteCheckpointStore",
    "Service",
    *_EXPORTS,
]


# Checkers see only the imports above: a misspelled name is an error, not an `object`.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        generated = _EXPORTS.get(name)
        module = f"._generated.{generated}" if generated is not None else _FEED_EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
